package io.github.multiprocessing4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.tck.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Regression test of the first bug the churn found: the parent kept the writer thread of every
 * child's control channel ({@code multiprocessing4j-child-writer-<name>}) after the child had
 * ended, one thread per child started, for the life of the parent JVM. Fixed in core: the writer
 * ends with its channel.
 */
@Order(5)
@Timeout(120)
@Tag("churn")
class ChannelThreadsTest {

    @Test
    void noChannelWriterThreadOutlivesItsChild() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ChildProcess process = Children.builder(Children::nothing).name("writer-" + i).build();
            process.start();
            assertEquals(0, Children.joinWithDeadline(process));
            process.close();
            names.add("multiprocessing4j-child-writer-writer-" + i);
        }
        Poll.until(() -> writers(names).isEmpty(), Duration.ofSeconds(10));
        assertEquals(Set.of(), writers(names), "writer threads of children that ended up to 10 s ago");
    }

    private static Set<String> writers(List<String> names) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(names::contains).collect(Collectors.toSet());
    }
}
