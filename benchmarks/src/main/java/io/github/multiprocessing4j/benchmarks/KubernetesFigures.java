package io.github.multiprocessing4j.benchmarks;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.Pool;
import io.github.multiprocessing4j.ProcessContext;
import io.github.multiprocessing4j.ProcessStartException;
import io.github.multiprocessing4j.SerializableFunction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The {@code kubernetes} launcher's start()+join() of an empty target vs a raw pod of the same
 * image through fabric8 ({@code java -cp <jar> Hello}, the jar from a hostPath, host network):
 * created, run to Succeeded, deleted. The launcher ships its class path by content hash: the
 * first pod of a fresh node cache pays for the copy, later ones check their cache only; without a
 * node cache (each pod's own {@code /tmp}) every pod pays. Each measured start begins 3 s after
 * the one before, so that each finds the node done with the pod before it. Also a {@code
 * Pool(2).map} on pods.
 * Runs only where the cluster that KUBECONFIG names is this host (the raw pod and the node cache
 * use this host's paths), as on this project's CI cluster.
 */
final class KubernetesFigures {

    static final String[] KEYS = {"kubernetes_first_pod", "kubernetes_start_join", "kubernetes_start_join_no_node_cache",
        "raw_pod", "kubernetes_pool_map"};
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String LABEL = "io.github.multiprocessing4j.benchmarks";
    private static final SerializableFunction<Integer, Integer> SQUARE = x -> x * x;

    private final Settings settings;
    private final Results results;
    private final LiveProcesses live;
    private final Path jar;

    KubernetesFigures(Settings settings, Results results, LiveProcesses live, Path jar) {
        this.settings = settings;
        this.results = results;
        this.live = live;
        this.jar = jar;
    }

    void run() throws Exception {
        if (!Multiprocessing.getAllStartMethods().contains("kubernetes")) {
            results.skip("launcher-kubernetes not on the class path", KEYS);
            return;
        }
        if (System.getenv("KUBECONFIG") == null) {
            results.skip("KUBECONFIG is not set", KEYS);
            return;
        }
        if (jar == null) {
            results.skip("not run from the benchmarks jar: the raw pod has no jar to run", KEYS);
            return;
        }
        String image = System.getProperty("multiprocessing4j.kubernetes.image", "multiprocessing4j/jre:17");
        System.setProperty("multiprocessing4j.kubernetes.image", image);
        System.setProperty("multiprocessing4j.kubernetes.imagePullPolicy",
                System.getProperty("multiprocessing4j.kubernetes.imagePullPolicy", "Never"));
        System.setProperty("multiprocessing4j.kubernetes.hostNetwork",
                System.getProperty("multiprocessing4j.kubernetes.hostNetwork", "true"));
        results.machine().put("kubernetes_image", image);
        Path cache = Files.createTempDirectory("mp4j-bench-code-");
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            ProcessContext kubernetes = Multiprocessing.context("kubernetes");
            Map<String, String> cached = Map.of("kubernetes.codeCache", cache.toString());
            double first;
            try {
                first = startJoin(kubernetes, cached);
            } catch (ProcessStartException e) {
                results.skip("the kubernetes launcher cannot start a child here: " + e.getMessage(), KEYS);
                return;
            }
            for (int i = 0; i < settings.dockerWarmup(); i++) {
                startJoin(kubernetes, cached);
                rawPod(client, image);
            }
            int n = settings.dockerRepetitions();
            double[] launched = new double[n];
            double[] noCache = new double[n];
            double[] raw = new double[n];
            for (int i = 0; i < n; i++) {
                // each from a node that is done with the pod before: a child's join() returns as
                // its JVM ends, while the kubelet still tears its pod down for a second or more,
                // and the next start, ours or the raw pod's, would pay for that
                Thread.sleep(SETTLE.toMillis());
                launched[i] = startJoin(kubernetes, cached);
                Thread.sleep(SETTLE.toMillis());
                noCache[i] = startJoin(kubernetes, Map.of());
                Thread.sleep(SETTLE.toMillis());
                raw[i] = rawPod(client, image);
            }
            results.record("kubernetes_first_pod", "kubernetes: start()+join(), first pod of an empty node code cache",
                    Results.Unit.MS, Samples.of(first));
            results.record("kubernetes_start_join", "kubernetes: start()+join(), empty target, node code cache warm",
                    Results.Unit.MS, Samples.of(launched));
            results.record("kubernetes_start_join_no_node_cache", "kubernetes: start()+join(), code shipped to each pod",
                    Results.Unit.MS, Samples.of(noCache));
            results.record("raw_pod", "raw pod: create, run to Succeeded, delete (java Hello)", Results.Unit.MS,
                    Samples.of(raw));
            poolMap();
        } finally {
            try (var files = Files.list(cache)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(cache);
        }
    }

    /** The pause before each measured start. */
    private static final Duration SETTLE = Duration.ofSeconds(3);

    private double startJoin(ProcessContext kubernetes, Map<String, String> options) throws InterruptedException {
        ChildProcess.Builder builder = kubernetes.builder(Hello::empty);
        options.forEach(builder::launcherOption);
        return live.startJoinMillis(builder.build());
    }

    private double rawPod(KubernetesClient client, String image) {
        String name = "mp4j-bench-raw-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withLabels(Map.of(LABEL, "raw")).endMetadata()
                .withNewSpec().withRestartPolicy("Never").withHostNetwork(true).withAutomountServiceAccountToken(false)
                .addNewContainer().withName("main").withImage(image).withImagePullPolicy("Never")
                .withCommand("java", "-cp", jar.toString(), Hello.class.getName())
                .addNewVolumeMount().withName("jar").withMountPath(jar.toString()).withReadOnly(true).endVolumeMount()
                .endContainer()
                .addNewVolume().withName("jar").withNewHostPath().withPath(jar.toString()).withType("File").endHostPath()
                .endVolume()
                .endSpec().build();
        long start = System.nanoTime();
        try {
            client.resource(pod).create();
            Pod done = client.pods().withName(name).waitUntilCondition(p -> p != null && p.getStatus() != null
                    && ("Succeeded".equals(p.getStatus().getPhase()) || "Failed".equals(p.getStatus().getPhase())),
                    TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            client.pods().withName(name).withGracePeriod(0L).delete();
            double millis = LocalFigures.millisSince(start);
            if (!"Succeeded".equals(done.getStatus().getPhase())) {
                throw new IllegalStateException("raw pod " + name + " ended " + done.getStatus().getPhase());
            }
            return millis;
        } finally {
            client.pods().withName(name).withGracePeriod(0L).delete();
        }
    }

    private void poolMap() throws Exception {
        List<Integer> items = IntStream.range(0, settings.poolItems()).boxed().toList();
        Pool pool = Pool.builder().processes(2).launcher("kubernetes").build();
        try {
            for (int i = 0; i < settings.poolWarmup(); i++) {
                pool.map(SQUARE, items);
            }
            double[] millis = new double[settings.poolRepetitions()];
            for (int i = 0; i < settings.poolRepetitions(); i++) {
                long start = System.nanoTime();
                List<Integer> squares = pool.map(SQUARE, items);
                millis[i] = LocalFigures.millisSince(start);
                MessagingFigures.check(items, squares);
            }
            results.record("kubernetes_pool_map", "kubernetes Pool(2): map(x -> x * x, " + items.size() + " ints)",
                    Results.Unit.MS, Samples.of(millis));
        } finally {
            pool.close();
            pool.join(TIMEOUT);
        }
    }
}
