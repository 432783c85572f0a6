package io.github.multiprocessing4j.launcher.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * On first use the launcher removes the containers a dead parent left behind, and only those.
 */
@RequiresDockerEngine
@Timeout(60)
class LeftoverContainersTest {

    @Test
    void containersOfADeadParentAreRemovedThoseOfALiveParentAreKept() throws Exception {
        DockerClient client = TestEngine.client();
        ParentProcess self = ParentProcess.current();
        // a pid above Linux's largest pid_max: certainly no process
        String dead = created(client, "2147483647", "1");
        String alive = created(client, Long.toString(self.pid()), Long.toString(self.startMillis().orElseThrow()));
        String reused = created(client, Long.toString(self.pid()), "1");
        try (DockerLauncher launcher = DockerLauncher.connect()) {
            assertTrue(awaitGone(client, dead), "the container of a dead parent is removed");
            assertTrue(awaitGone(client, reused), "the container of a parent whose pid was reused is removed");
            assertEquals(1, client.listContainersCmd().withShowAll(true).withIdFilter(List.of(alive)).exec().size(),
                    "the container of a live parent is kept");
            launcher.toString();
        } finally {
            for (String id : List.of(dead, alive, reused)) {
                try {
                    client.removeContainerCmd(id).withForce(true).exec();
                } catch (NotFoundException e) {
                    // removed by the launcher, as it should be
                }
            }
        }
    }

    /** A container that was created and never started, labelled as this launcher's. */
    private static String created(DockerClient client, String parentPid, String parentStart) {
        return client.createContainerCmd(TestEngine.IMAGE)
                .withCmd("true")
                .withLabels(Map.of(ContainerSpec.LABEL, "true", ContainerSpec.LABEL_PARENT_PID, parentPid,
                        ContainerSpec.LABEL_PARENT_START, parentStart, ContainerSpec.LABEL_SESSION, "leftover-test"))
                .exec().getId();
    }

    private static boolean awaitGone(DockerClient client, String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            List<Container> found = client.listContainersCmd().withShowAll(true).withIdFilter(List.of(id)).exec();
            if (found.isEmpty()) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
