package io.github.multiprocessing4j.launcher.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.Pool;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14's multi-node case, as far as one machine allows: a {@link Pool} whose four workers the
 * scheduler places on two nodes (the test cluster's {@code localhost}, and {@code localhost2},
 * a second kubelet with its own dockerd that {@code bash .ci/k8s-node2.sh up} registers) maps as
 * it does on one. Each worker asks for half a CPU, so the scheduler, which prefers the node with
 * the least requested, puts the third worker beside the other node's first. Observed: every
 * result, the node of every worker that ran items (from its pod), and that those are two nodes.
 *
 * <p>Opt-in: CI does not bring up the second node (it costs a second dockerd), and this test is
 * skipped, with the reason, where fewer than two nodes are Ready.
 */
@RequiresCluster
@Timeout(300)
class TwoNodePoolTest {

    @Test
    void aPoolsWorkersOnTwoNodesMapEveryItemAndBothNodesRunSome() throws Exception {
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            List<String> ready = client.nodes().list().getItems().stream().filter(TwoNodePoolTest::ready)
                    .map(node -> node.getMetadata().getName()).sorted().toList();
            assumeTrue(ready.size() >= 2, "needs two Ready nodes, has " + ready
                    + ": bring up the second with `bash .ci/k8s-node2.sh up`");
            List<Integer> items = IntStream.range(0, 2_000).boxed().toList();
            Pool pool = Pool.builder().processes(4).launcher("kubernetes").launcherOption("kubernetes.cpu", "500m")
                    .build();
            try {
                List<String> ranOn = Target.whereEachRan(pool, items);
                for (int i = 0; i < items.size(); i++) {
                    assertTrue(ranOn.get(i).startsWith(i + "@PoolWorker-"), "item " + i + ": " + ranOn.get(i));
                }
                Set<String> workers = ranOn.stream().map(result -> result.substring(result.indexOf('@') + 1))
                        .collect(Collectors.toCollection(TreeSet::new));
                Map<String, String> nodeOf = new TreeMap<>();
                for (Pod pod : ours(client)) {
                    nodeOf.put(pod.getMetadata().getLabels().get(PodTemplate.PROCESS_LABEL), pod.getSpec().getNodeName());
                }
                System.out.println("[two nodes] workers that ran items: " + workers + "; their pods' nodes: " + nodeOf);
                for (String worker : workers) {
                    assertTrue(nodeOf.get(PodTemplate.labelValue(worker)) != null, "no pod found for " + worker + ": " + nodeOf);
                }
                Set<String> nodes = workers.stream().map(worker -> nodeOf.get(PodTemplate.labelValue(worker)))
                        .collect(Collectors.toCollection(TreeSet::new));
                assertTrue(nodes.size() >= 2, "the workers that ran items ran on " + nodes + " (pods: " + nodeOf + ")");
            } finally {
                pool.terminate();
                assertTrue(pool.join(java.time.Duration.ofSeconds(60)), "the pool's workers ended");
            }
            assertEquals(List.of(), ours(client).stream().filter(TwoNodePoolTest::running)
                    .map(pod -> pod.getMetadata().getName()).toList(), "no pod of this JVM still runs");
        }
    }

    /**
     * The workers' task, in a class of its own: a pod gets no fabric8 jar, and a lambda is
     * resolved through the class that made it, which must load without them.
     */
    static final class Target {

        private Target() {
        }

        static List<String> whereEachRan(Pool pool, List<Integer> items) throws InterruptedException {
            return pool.map(x -> x + "@" + Multiprocessing.currentProcess().name(), items, 20);
        }
    }

    /** The pods this JVM started. */
    private static List<Pod> ours(KubernetesClient client) {
        String pid = Long.toString(ProcessHandle.current().pid());
        return client.pods().withLabel(PodTemplate.MANAGED_LABEL, PodTemplate.MANAGED_VALUE).list().getItems().stream()
                .filter(pod -> pod.getMetadata().getAnnotations() != null
                        && pid.equals(pod.getMetadata().getAnnotations().get(PodTemplate.PARENT_PID_ANNOTATION)))
                .toList();
    }

    private static boolean ready(Node node) {
        return node.getStatus() != null && node.getStatus().getConditions() != null && node.getStatus().getConditions()
                .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static boolean running(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null
                && pod.getStatus().getContainerStatuses().stream().anyMatch(s -> s.getState().getRunning() != null);
    }
}
