package io.github.multiprocessing4j.launcher.docker;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other test class of this module (the class order of
 * {@code junit-platform.properties}): no container that this test run started is left on the
 * engine, running or not. Leftovers are removed, and named in the failure.
 */
@RequiresDockerEngine
@Order(Integer.MAX_VALUE)
class NoContainerLeftTest {

    private static final long GRACE_MILLIS = 10_000;

    @Test
    void noContainerOfThisRunIsLeft() throws InterruptedException {
        long deadline = System.currentTimeMillis() + GRACE_MILLIS;
        List<Container> left = TestEngine.containersOfThisRun();
        while (!left.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            left = TestEngine.containersOfThisRun();
        }
        if (!left.isEmpty()) {
            String names = left.stream()
                    .map(container -> String.join(",", container.getNames()) + " (" + container.getState() + ", "
                            + container.getLabels().get("io.github.multiprocessing4j.process-name") + ")")
                    .collect(Collectors.joining("\n  "));
            for (Container container : left) {
                try {
                    TestEngine.client().removeContainerCmd(container.getId()).withForce(true).exec();
                } catch (NotFoundException e) {
                    // gone meanwhile
                }
            }
            fail(left.size() + " container(s) of this test run still exist " + GRACE_MILLIS / 1000
                    + " s after the last test (now removed):\n  " + names);
        }
    }
}
