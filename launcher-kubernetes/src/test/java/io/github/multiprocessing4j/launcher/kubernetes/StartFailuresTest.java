package io.github.multiprocessing4j.launcher.kubernetes;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.ProcessStartException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC R4 and the bad input on the real cluster: each gives one clear error at start(),
 * within the stated time, and leaves no pod behind. (A callback address the pod cannot reach is
 * core's ParentConnectorTest: this test cluster runs only host-network pods, since its Docker
 * engine has no bridge.)
 */
@RequiresCluster
@Timeout(120)
class StartFailuresTest {

    static void nothing() {
    }

    @Test
    void aMissingNamespaceIsNamed() {
        ChildProcess p = ChildProcess.builder(StartFailuresTest::nothing).launcher("kubernetes")
                .launcherOption("kubernetes.namespace", "no-such-namespace-mp4j").build();
        ProcessStartException e = assertThrows(ProcessStartException.class, p::start);
        assertTrue(e.getMessage().contains("namespace 'no-such-namespace-mp4j' does not exist"), e.getMessage());
    }

    @Test
    void aPodThatCannotBeScheduledFailsAfterTheStartTimeoutAndIsRemoved() throws Exception {
        ChildProcess p = ChildProcess.builder(StartFailuresTest::nothing).launcher("kubernetes")
                .name("unschedulable-" + ProcessHandle.current().pid())
                .launcherOption("kubernetes.nodeSelector", "multiprocessing4j/no-such-node=true")
                .launcherOption("kubernetes.startTimeout", "3").build();
        long start = System.nanoTime();
        ProcessStartException e = assertThrows(ProcessStartException.class, p::start);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(e.getMessage().contains("did not start within 3 s") && e.getMessage().contains("not scheduled"),
                e.getMessage());
        assertTrue(seconds < 10, "failed after " + seconds + " s");
        awaitNoPodNamed("unschedulable-" + ProcessHandle.current().pid());
    }

    @Test
    void aBadSettingIsOneSentence() {
        ChildProcess p = ChildProcess.builder(StartFailuresTest::nothing).launcher("kubernetes")
                .launcherOption("kubernetes.imagePullPolicy", "Sometimes").build();
        ProcessStartException e = assertThrows(ProcessStartException.class, p::start);
        assertTrue(e.getMessage().contains("use IfNotPresent, Always or Never"), e.getMessage());
    }

    /** Waits until no pod of the given process name exists, up to 30 s. */
    private static void awaitNoPodNamed(String processName) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            while (true) {
                List<Pod> left = client.pods().withLabel(PodTemplate.PROCESS_LABEL, processName).list().getItems();
                if (left.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    fail("pods left 30 s later: " + left.stream().map(pod -> pod.getMetadata().getName()).toList());
                }
                Thread.sleep(200);
            }
        }
    }
}
