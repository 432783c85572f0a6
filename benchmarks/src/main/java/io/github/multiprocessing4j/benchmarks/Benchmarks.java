package io.github.multiprocessing4j.benchmarks;

import io.github.multiprocessing4j.Multiprocessing;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs every figure with its baseline, prints a table and writes {@code results.json}.
 *
 * <pre>
 * java -jar benchmarks/target/multiprocessing4j-benchmarks.jar [--quick] [--out FILE] [--no-docker] [--no-kubernetes] [--no-python]
 *     [--jdk JAVA_HOME] [--only TEXT]
 * </pre>
 *
 * {@code --jdk} runs the local children and the bare JVMs with that JDK's {@code java} (the
 * parent stays on the JDK that runs this jar). {@code --only TEXT} runs the groups of figures
 * whose title (as printed on stderr) contains {@code TEXT}, and skips the others: for a quick
 * look at one part while working on it.
 *
 * Whole processes are timed with {@link System#nanoTime()}: each figure is the median of its
 * measured repetitions, taken after warm-up rounds, in the same run as its baseline.
 */
public final class Benchmarks {

    /** Where results go by default, relative to the working directory (the repository's root). */
    static final Path DEFAULT_OUT = Path.of("benchmarks", "target", "results.json");

    /** What {@code --only} asked for, or null for every group. */
    private static String only;

    private Benchmarks() {
    }

    /**
     * Runs the benchmarks.
     *
     * @param args {@code --quick}, {@code --out FILE}, {@code --no-docker}, {@code --no-python},
     *     {@code --jdk JAVA_HOME}, {@code --only TEXT}
     * @throws Exception when the run itself cannot go on (a failed figure is reported, not thrown)
     */
    public static void main(String[] args) throws Exception {
        Settings settings = Settings.FULL;
        Path out = DEFAULT_OUT;
        boolean docker = true;
        boolean kubernetes = true;
        boolean python = true;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> settings = Settings.QUICK;
                case "--out" -> out = Path.of(args[++i]);
                case "--no-docker" -> docker = false;
                case "--no-kubernetes" -> kubernetes = false;
                case "--no-python" -> python = false;
                case "--only" -> only = args[++i];
                case "--jdk" -> {
                    java = Path.of(args[++i], "bin", "java");
                    // the local launcher's java: children and bare JVMs alike
                    System.setProperty("multiprocessing4j.local.java", java.toString());
                }
                default -> {
                    System.err.println("usage: java -jar multiprocessing4j-benchmarks.jar [--quick] [--out FILE]"
                            + " [--no-docker] [--no-kubernetes] [--no-python] [--jdk JAVA_HOME] [--only TEXT]");
                    System.exit(2);
                }
            }
        }
        Results results = new Results();
        declareRatios(results);
        describeMachine(results, settings);
        results.machine().put("child_java", childJavaVersion(java));
        Path jar = benchmarksJar();
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().normalize().toString())
                .collect(Collectors.joining(File.pathSeparator));
        Path scratch = Files.createTempDirectory("multiprocessing4j-benchmarks-");
        LiveProcesses live = new LiveProcesses();
        Thread cleanup = new Thread(live::killAll, "benchmarks-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        long started = System.nanoTime();
        try {
            LocalFigures local = new LocalFigures(settings, results, live, java, classPath, scratch);
            step(results, live, "local: cold start vs bare JVM", local::coldStart, "local_start_join", "bare_jvm");
            if (python) {
                PythonBaseline baseline = new PythonBaseline(settings, results, live, scratch);
                step(results, live, "CPython multiprocessing", baseline::run, PythonBaseline.KEYS);
            } else {
                results.skip("--no-python", PythonBaseline.KEYS);
            }
            step(results, live, "local: terminate latency", local::terminate,
                    "local_terminate_to_exit", "bare_jvm_sigterm_to_exit");
            step(results, live, "local: " + settings.children() + " children at once", local::concurrent,
                    "local_concurrent", "bare_jvm_concurrent");
            step(results, live, "local: idle memory", local::memory, "local_idle_rss", "bare_jvm_idle_rss");
            step(results, live, "local: warm start", local::warmStart, "warm_start_join");
            MessagingFigures messaging = new MessagingFigures(settings, results, live);
            step(results, live, "local: Pool(2).map", messaging::poolMap, "pool_map");
            step(results, live, "local: Pipe round trip", messaging::pipeRoundTrip, "pipe_round_trip_us");
            step(results, live, "local: Queue throughput", messaging::queueThroughput, "queue_throughput");
            DataPathFigures dataPath = new DataPathFigures(settings, results, live);
            step(results, live, "local: Pipe round trip between two children", dataPath::childPipeRoundTrip,
                    "child_pipe_round_trip_us");
            step(results, live, "local: Pipe, 1 MiB messages", dataPath::pipeLarge, "pipe_large_mib_per_s");
            step(results, live, "local: Pool(2).map of " + settings.bigPoolItems(), dataPath::poolMapBig,
                    "pool_map_10k");
            step(results, live, "local: Pool(2) CPU speed-up", dataPath::poolCpuSpeedup,
                    "pool_cpu_speedup", "pool_cpu_sequential", "pool_cpu_pool");
            SharedStateFigures sharedState = new SharedStateFigures(settings, results, live);
            step(results, live, "local: Value increment under its lock, in a child", sharedState::valueIncrement,
                    "value_increment_ns");
            step(results, live, "local: SharedMemory, 1 MiB blocks", sharedState::sharedMemory,
                    "shared_memory_mib_per_s");
            FloorFigures floors = new FloorFigures(settings, results, live, java, classPath, scratch);
            step(results, live, "raw floor: Unix-domain socket round trip", floors::rawUds, "raw_uds_round_trip_us");
            step(results, live, "raw floor: /dev/shm round trip, spinning", floors::rawShm, "raw_shm_round_trip_us");
            step(results, live, "MappedRing round trip", floors::ring, "ring_round_trip_us");
            CodecFigures codec = new CodecFigures(settings, results);
            step(results, live, "MessageCodec vs Java serialization", codec::run, CodecFigures.KEYS);
            if (kubernetes) {
                KubernetesFigures pods = new KubernetesFigures(settings, results, live, jar);
                step(results, live, "kubernetes: start vs raw pod, Pool(2).map", pods::run, KubernetesFigures.KEYS);
            } else {
                results.skip("--no-kubernetes", KubernetesFigures.KEYS);
            }
            if (docker) {
                DockerFigures figures = new DockerFigures(settings, results, live, jar);
                step(results, live, "docker: start vs raw container", figures::run, DockerFigures.KEYS);
            } else {
                results.skip("--no-docker", DockerFigures.KEYS);
            }
        } finally {
            live.killAll();
            deleteRecursively(scratch);
        }
        results.repetitions().put("wall_clock_s", Math.round(LocalFigures.millisSince(started) / 100) / 10.0);
        results.machine().put("loadavg_at_end", loadAverage());

        results.print(System.out);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, Json.write(results.toJson()), StandardCharsets.UTF_8);
        System.out.println();
        System.out.println("load average (1, 5, 15 min) at start: " + results.machine().get("loadavg_at_start")
                + ", at end: " + results.machine().get("loadavg_at_end"));
        System.out.println("results: " + out);
        System.out.flush();
        System.exit(results.failed() ? 1 : 0);
    }

    /** The ratios, each numerator / denominator of two figures' medians: lower is better. */
    private static void declareRatios(Results results) {
        results.ratio("cold_vs_bare_jvm", "local_start_join", "bare_jvm");
        results.ratio("cold_no_cache_vs_bare_jvm", "local_start_join_no_cache", "bare_jvm");
        results.ratio("cold_cache_vs_no_cache", "local_start_join", "local_start_join_no_cache");
        results.ratio("cold_vs_python_spawn", "local_start_join", "python_spawn");
        results.ratio("cold_vs_python_forkserver", "local_start_join", "python_forkserver");
        results.ratio("cold_vs_python_fork", "local_start_join", "python_fork");
        results.ratio("terminate_vs_bare_jvm", "local_terminate_to_exit", "bare_jvm_sigterm_to_exit");
        results.ratio("concurrent_vs_bare_jvm", "local_concurrent", "bare_jvm_concurrent");
        results.ratio("concurrent_vs_python_spawn", "local_concurrent", "python_spawn_concurrent");
        results.ratio("idle_rss_vs_bare_jvm", "local_idle_rss", "bare_jvm_idle_rss");
        results.ratio("docker_vs_raw", "docker_start_join", "raw_container");
        results.ratio("docker_no_cache_vs_raw", "docker_start_join_no_cache", "raw_container");
        results.ratio("docker_cache_vs_no_cache", "docker_start_join", "docker_start_join_no_cache");
        results.ratio("kubernetes_vs_raw_pod", "kubernetes_start_join", "raw_pod");
        results.ratio("kubernetes_no_node_cache_vs_raw_pod", "kubernetes_start_join_no_node_cache", "raw_pod");
        results.ratio("warm_vs_python_forkserver", "warm_start_join", "python_forkserver");
        results.ratio("warm_vs_cold", "warm_start_join", "local_start_join");
        results.ratio("pool_map_vs_python", "pool_map", "python_pool_map");
        results.ratio("pipe_round_trip_vs_python", "pipe_round_trip_us", "python_pipe_round_trip_us");
        // throughput: higher is better, so Python's over ours (= our time / Python's for the same count)
        results.ratio("queue_throughput_vs_python", "python_queue_throughput", "queue_throughput");
        results.ratio("child_pipe_round_trip_vs_python", "child_pipe_round_trip_us", "python_child_pipe_round_trip_us");
        // MiB per second: higher is better, so Python's over ours, as for the queue
        results.ratio("pipe_large_vs_python", "python_pipe_large_mib_per_s", "pipe_large_mib_per_s");
        results.ratio("pool_map_10k_vs_python", "pool_map_10k", "python_pool_map_10k");
        results.ratio("value_increment_vs_python", "value_increment_ns", "python_value_increment_ns");
        // MiB per second: Python's over ours
        results.ratio("shared_memory_vs_python", "python_shared_memory_mib_per_s", "shared_memory_mib_per_s");
        results.ratio("ring_vs_raw_shm", "ring_round_trip_us", "raw_shm_round_trip_us");
        results.ratio("codec_vs_java_serialization", "codec_small_ns", "java_serialization_small_ns");
    }

    private static void describeMachine(Results results, Settings settings) {
        results.machine().put("cores", Multiprocessing.cpuCount());
        results.machine().put("java", System.getProperty("java.runtime.version"));
        results.machine().put("java_vm", System.getProperty("java.vm.name") + " (" + System.getProperty("java.vm.info") + ")");
        results.machine().put("os", System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " " + System.getProperty("os.arch"));
        results.machine().put("python", "not run");
        // on two cores, other work doubles every figure: say how busy the machine was
        results.machine().put("loadavg_at_start", loadAverage());
        results.repetitions().put("mode", settings == Settings.QUICK ? "quick" : "full");
        results.repetitions().put("warmup", settings.warmup());
        results.repetitions().put("measured", settings.repetitions());
        results.repetitions().put("concurrent_children", settings.children());
        results.repetitions().put("concurrent_warmup", settings.concurrentWarmup());
        results.repetitions().put("concurrent_measured", settings.concurrentRepetitions());
        results.repetitions().put("rss_measured", settings.rssRepetitions());
        results.repetitions().put("docker_warmup", settings.dockerWarmup());
        results.repetitions().put("docker_measured", settings.dockerRepetitions());
        results.repetitions().put("pool_warmup", settings.poolWarmup());
        results.repetitions().put("pool_measured", settings.poolRepetitions());
        results.repetitions().put("pool_items", settings.poolItems());
        results.repetitions().put("message_warmup", settings.messageWarmup());
        results.repetitions().put("message_batches", settings.messageBatches());
        results.repetitions().put("pipe_batch", settings.pipeBatch());
        results.repetitions().put("queue_batch", settings.queueBatch());
        results.repetitions().put("big_pool_warmup", settings.bigPoolWarmup());
        results.repetitions().put("big_pool_measured", settings.bigPoolRepetitions());
        results.repetitions().put("big_pool_items", settings.bigPoolItems());
        results.repetitions().put("large_message_bytes", DataPathFigures.LARGE);
        results.repetitions().put("large_warmup", settings.largeWarmup());
        results.repetitions().put("large_batch", settings.largeBatch());
        results.repetitions().put("cpu_tasks", settings.cpuTasks());
        results.repetitions().put("cpu_task_ms", settings.cpuTaskMillis());
        results.repetitions().put("cpu_measured", settings.cpuRepetitions());
        results.repetitions().put("value_warmup", SharedStateFigures.VALUE_WARMUP);
        results.repetitions().put("value_batch", SharedStateFigures.VALUE_BATCH);
        results.repetitions().put("shm_warmup", SharedStateFigures.SHM_WARMUP);
        results.repetitions().put("shm_batch", SharedStateFigures.SHM_BATCH);
    }

    /** The {@code JAVA_VERSION} of the JDK a {@code java} executable belongs to, from its {@code release} file. */
    private static String childJavaVersion(Path java) {
        try {
            Path home = java.toRealPath().getParent().getParent();
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return line.substring("JAVA_VERSION=".length()).replace("\"", "") + " (" + java + ")";
                }
            }
        } catch (IOException | RuntimeException e) {
            // reported as unknown
        }
        return "unknown (" + java + ")";
    }

    /** The 1, 5 and 15 minute load averages from {@code /proc/loadavg}, or "unknown". */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** One group of figures, reported on stderr as it goes; a failure is recorded and the run goes on. */
    private static void step(Results results, LiveProcesses live, String title, Step step, String... keys) {
        if (only != null && !title.contains(only)) {
            results.skip("--only " + only, keys);
            return;
        }
        System.err.println("benchmarks: " + title + " ...");
        long start = System.nanoTime();
        try {
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            results.fail("interrupted", keys);
        } catch (Exception | LinkageError e) {
            System.err.println("benchmarks: " + title + " failed:");
            e.printStackTrace();
            results.fail(e.toString(), keys);
            // what the failed step left running must not disturb the next one
            live.killAll();
        }
        System.err.printf("benchmarks: %s done in %.1f s%n", title, LocalFigures.millisSince(start) / 1000);
    }

    /** A group of figures. */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** The jar this class was loaded from, or null when it was not loaded from a jar. */
    private static Path benchmarksJar() throws URISyntaxException {
        Path location = Path.of(Benchmarks.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return Files.isRegularFile(location) ? location.toAbsolutePath().normalize() : null;
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
