package io.github.multiprocessing4j.launcher.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.multiprocessing4j.internal.ring.SharedMemoryDirectory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC L24 and R3 on a cluster: when the parent is killed with SIGKILL, its daemon child halts
 * within 2 s (its container is terminated), and no pod or Job of that parent is left 30 s after
 * the kill (the child runs as a Job with ttlSecondsAfterFinished 0: Kubernetes removes it).
 */
@RequiresCluster
@Timeout(150)
class ParentKilledTest {

    @Test
    void aDaemonPodHaltsWithin2sAndNothingIsLeft30sAfterItsParentsSigkill() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("multiprocessing4j.kubernetes.")) {
                command.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        command.add("-Dmultiprocessing4j.kubernetes.workload=job");
        command.add(KilledParentMain.class.getName());
        Process parent = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (KubernetesClient client = new KubernetesClientBuilder().build();
             BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null && !line.startsWith("READY")) {
                seen.append(line).append('\n');
            }
            if (line == null) {
                fail("the parent ended before its child started:\n" + seen);
            }
            assertEquals(1, podsOf(client, parent.pid()).size(), "the parent's daemon pod runs");

            parent.destroyForcibly();
            long killed = System.nanoTime();
            parent.waitFor(10, TimeUnit.SECONDS);
            while (podsOf(client, parent.pid()).stream().anyMatch(ParentKilledTest::running)) {
                if (System.nanoTime() - killed > TimeUnit.SECONDS.toNanos(5)) {
                    fail("the daemon child of the killed parent still runs 5 s later");
                }
                Thread.sleep(50);
            }
            // the kubelet reports the container's end within its status sync: the halt itself
            // comes 1 s after the channel broke (ChildRuntime's orphan grace)
            long halted = System.nanoTime() - killed;
            System.out.printf("daemon pod halted %.1f s after its parent's SIGKILL%n", halted / 1e9);
            assertTrue(halted < TimeUnit.SECONDS.toNanos(4), "halted in " + halted / 1e9 + " s");
            while (!objectsOf(client, parent.pid()).isEmpty()) {
                if (System.nanoTime() - killed > TimeUnit.SECONDS.toNanos(30)) {
                    fail("objects of the killed parent still exist 30 s later: " + objectsOf(client, parent.pid()));
                }
                Thread.sleep(200);
            }
            System.out.printf("no pod or Job of the killed parent left %.1f s after its SIGKILL%n",
                    (System.nanoTime() - killed) / 1e9);
        } finally {
            parent.destroyForcibly();
            parent.waitFor(10, TimeUnit.SECONDS);
            // what the killed parent's session left under /dev/shm, removed as the host's next
            // session removes it, so that nothing is left when this test is the build's last
            SharedMemoryDirectory.removeStale(SharedMemoryDirectory.DEFAULT_ROOT);
        }
    }

    private static boolean running(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null
                && pod.getStatus().getContainerStatuses().stream().anyMatch(s -> s.getState().getRunning() != null);
    }

    private static List<Pod> podsOf(KubernetesClient client, long parentPid) {
        return client.pods().withLabel(PodTemplate.MANAGED_LABEL, PodTemplate.MANAGED_VALUE).list().getItems().stream()
                .filter(pod -> ofParent(pod, parentPid)).toList();
    }

    private static List<String> objectsOf(KubernetesClient client, long parentPid) {
        List<String> names = new ArrayList<>();
        podsOf(client, parentPid).forEach(pod -> names.add("pod/" + pod.getMetadata().getName()));
        client.batch().v1().jobs().withLabel(PodTemplate.MANAGED_LABEL, PodTemplate.MANAGED_VALUE).list().getItems()
                .stream().filter(job -> ofParent(job, parentPid))
                .forEach(job -> names.add("job/" + job.getMetadata().getName()));
        return names;
    }

    private static boolean ofParent(HasMetadata object, long parentPid) {
        return object.getMetadata().getAnnotations() != null
                && Long.toString(parentPid).equals(object.getMetadata().getAnnotations().get(PodTemplate.PARENT_PID_ANNOTATION));
    }
}
