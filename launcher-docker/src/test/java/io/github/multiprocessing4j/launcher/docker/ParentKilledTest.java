package io.github.multiprocessing4j.launcher.docker;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.model.Container;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC L24 for containers: when the parent is killed with SIGKILL, nobody is left to remove its
 * containers, yet its daemon child's container is gone within 5 s (the child exits when its
 * channel breaks, and the engine removes it: AutoRemove).
 */
@RequiresDockerEngine
@Timeout(90)
class ParentKilledTest {

    @Test
    void theContainerOfADaemonChildIsGoneWithin5sOfItsParentsSigkill() throws Exception {
        Process parent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-D" + ContainerSpec.IMAGE_PROPERTY + "=" + TestEngine.IMAGE,
                KilledParentMain.class.getName())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null && !line.startsWith("READY")) {
                seen.append(line).append('\n');
            }
            if (line == null) {
                fail("the parent ended before its child started:\n" + seen);
            }
            assertTrue(containersOf(parent.pid()).size() == 1, "the parent's daemon container runs");

            parent.destroyForcibly();
            long killed = System.nanoTime();
            parent.waitFor(10, TimeUnit.SECONDS);
            while (!containersOf(parent.pid()).isEmpty()) {
                if (System.nanoTime() - killed > TimeUnit.SECONDS.toNanos(5)) {
                    fail("the container of the killed parent's daemon child still exists 5 s later: "
                            + containersOf(parent.pid()).get(0).getNames()[0]);
                }
                Thread.sleep(20);
            }
        } finally {
            parent.destroyForcibly();
            for (Container left : containersOf(parent.pid())) {
                TestEngine.client().removeContainerCmd(left.getId()).withForce(true).exec();
            }
        }
    }

    private static List<Container> containersOf(long parentPid) {
        return TestEngine.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerSpec.LABEL_PARENT_PID, Long.toString(parentPid))).exec();
    }
}
