package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.LauncherNotFoundException;
import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.TargetNotSerializableException;
import io.github.multiprocessing4j.tck.Scenario.ScenarioResult;
import io.github.multiprocessing4j.tck.scenarios.MissingClassScenario;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC "Bad input gets a clear error, and nothing is lost": each bad input gives one exception
 * or exit code, no hang, and nothing leaked.
 */
@ExtendWith(NoLeakedProcesses.class)
public abstract class BadInputSuite extends TckSuite {

    /** For subclasses. */
    protected BadInputSuite() {
    }

    @Test
    void BadInput_aNullTargetIsRejected() {
        assertThrows(NullPointerException.class, () -> new ChildProcess(null));
        assertThrows(NullPointerException.class, () -> ChildProcess.builder(null));
    }

    @Test
    void BadInput_aChildJvmThatCannotStartEndsWithExitCodeOneAndNoHang() throws Exception {
        ChildProcess process = track(builder(Targets::nothing).jvmOptions("-Xtck-bogus-option").build());
        process.start();
        assertEquals(1, exitCodeAfterJoin(process), "a JVM option the child's java rejects");
    }

    @Test
    void BadInput_aTargetClassMissingInTheChildEndsWithExitCodeOneNamingTheClass() {
        ScenarioResult result = scenario(MissingClassScenario.class).run();
        String dump = result.describe();
        assertEquals("1", result.value("exit"), dump);
        assertTrue(result.stdout().stream().noneMatch(line -> line.startsWith("child.ran=")), dump);
        assertTrue(result.stderr().stream().anyMatch(line -> line.contains(MissingClassScenario.class.getName())),
                "the child's stderr names the missing class " + MissingClassScenario.class.getName() + "\n" + dump);
    }

    @Test
    void BadInput_failedStartsLeakNoFileDescriptorsAndNoThreads() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd (Linux)");
        failThreeWays(); // warm up: class loading, lazy singletons
        long fdsBefore = count(fds);
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        for (int i = 0; i < 10; i++) {
            failThreeWays();
        }
        long fdsAfter = count(fds);
        int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
        assertTrue(fdsAfter <= fdsBefore + 2, "open file descriptors went from " + fdsBefore + " to " + fdsAfter);
        assertTrue(threadsAfter <= threadsBefore + 2, "threads went from " + threadsBefore + " to " + threadsAfter);
    }

    private void failThreeWays() {
        Object lock = new Object();
        SerializableRunnable unserializable = () -> lock.notifyAll();
        assertThrows(TargetNotSerializableException.class, process(unserializable)::start);
        ChildProcess unknown = track(ChildProcess.builder(Targets::nothing).launcher("nope").build());
        assertThrows(LauncherNotFoundException.class, unknown::start);
        ChildProcess closed = process(Targets::nothing);
        closed.close();
        assertThrows(IllegalStateException.class, closed::start);
    }

    private static long count(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.count();
        }
    }
}
