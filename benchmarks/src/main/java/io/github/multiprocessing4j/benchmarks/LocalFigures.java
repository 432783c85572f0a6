package io.github.multiprocessing4j.benchmarks;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.ProcessContext;
import io.github.multiprocessing4j.SerializableRunnable;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code local} launcher's figures, each next to a bare JVM of the same {@code java}
 * started with {@link ProcessBuilder} the way the launcher starts a child: standard input from
 * {@code /dev/null}, standard output and error inherited.
 */
final class LocalFigures {

    /** How long any one process may take before the run gives up on it. */
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** How long an idle process sits after saying it is up, before its memory is read. */
    private static final long SETTLE_MILLIS = 500;
    private static final File NULL_FILE = new File("/dev/null");

    private final Settings settings;
    private final Results results;
    private final LiveProcesses live;
    private final Path java;
    private final String classPath;
    private final Path markers;
    private final ProcessContext local = Multiprocessing.context("local");
    private int markerCount;

    LocalFigures(Settings settings, Results results, LiveProcesses live, Path java, String classPath, Path markers) {
        this.settings = settings;
        this.results = results;
        this.live = live;
        this.java = java;
        this.classPath = classPath;
        this.markers = markers;
    }

    // ---------------------------------------------------------------- cold start

    /**
     * start()+join() of an empty target, with the start cache (the default) and without it (the
     * child's options name {@code -Xshare:auto}, which keeps the library's cache off), vs
     * {@code java -cp <jar> Hello}, the three in turns. First waits until children start with
     * the cache: the library trains it in the background on a class path's second sighting.
     */
    void coldStart() throws Exception {
        StartCacheWait.await(results, live, "",
                reports -> local.builder(() -> reports.put(Hello.arguments())).build());
        for (int i = 0; i < settings.warmup(); i++) {
            childStartJoin();
            childWithoutCacheStartJoin();
            bareStartWait();
        }
        double[] child = new double[settings.repetitions()];
        double[] withoutCache = new double[settings.repetitions()];
        double[] bare = new double[settings.repetitions()];
        for (int i = 0; i < settings.repetitions(); i++) {
            for (int turn = 0; turn < 3; turn++) {
                switch ((i + turn) % 3) {
                    case 0 -> bare[i] = bareStartWait();
                    case 1 -> child[i] = childStartJoin();
                    default -> withoutCache[i] = childWithoutCacheStartJoin();
                }
            }
        }
        results.record("local_start_join", "local: start()+join(), empty target (start cache: "
                + results.repetitions().get("start_cache") + ")", Results.Unit.MS, Samples.of(child));
        results.record("local_start_join_no_cache", "local: start()+join(), empty target, no start cache",
                Results.Unit.MS, Samples.of(withoutCache));
        results.record("bare_jvm", "bare JVM: java -cp <jar> Hello, start+waitFor", Results.Unit.MS, Samples.of(bare));
    }

    private double childWithoutCacheStartJoin() throws Exception {
        return startJoin(local.builder(Hello::empty).jvmOptions("-Xshare:auto").build());
    }

    private double childStartJoin() throws Exception {
        return startJoin(local.process(Hello::empty));
    }

    /** Milliseconds from {@code start()} to the end of a child that must exit with 0. */
    private double startJoin(ChildProcess child) throws Exception {
        long start = System.nanoTime();
        live.add(child).start();
        awaitChild(child, 0);
        double millis = millisSince(start);
        child.close();
        return millis;
    }

    private double bareStartWait() throws Exception {
        long start = System.nanoTime();
        Process process = startBare();
        awaitBare(process, 0);
        return millisSince(start);
    }

    // ---------------------------------------------------------------- warm start

    /**
     * start()+join() of an empty target with {@code Multiprocessing.setWarmStart(1)}: before each
     * start, waits until the standby JVM is booted and idle ({@link WarmStandbys#awaitReady}), and
     * checks afterwards that the child is that standby. The first start is cold (no standby has
     * been asked for yet) and boots the first standby; then {@code warmup} warm rounds, then the
     * measured ones. Each start's replacement boots in the background while the child runs, as
     * it would in use. Warm start is off again afterwards, and no standby is left.
     */
    void warmStart() throws Exception {
        Multiprocessing.setWarmStart(1);
        try {
            childStartJoin();
            for (int i = 0; i < settings.warmup(); i++) {
                warmStartJoin();
            }
            double[] warm = new double[settings.repetitions()];
            for (int i = 0; i < settings.repetitions(); i++) {
                warm[i] = warmStartJoin();
            }
            // the last replacement: once it is booted and queued, turning warm start off ends it
            WarmStandbys.awaitReady(TIMEOUT);
            results.record("warm_start_join", "local, warm start (1 standby): start()+join(), empty target",
                    Results.Unit.MS, Samples.of(warm));
        } finally {
            Multiprocessing.setWarmStart(0);
            int killed = WarmStandbys.awaitNone(Duration.ofSeconds(10));
            if (killed > 0) {
                System.err.println("benchmarks: killed " + killed + " warm standby JVM(s) left after setWarmStart(0)");
            }
        }
    }

    private double warmStartJoin() throws Exception {
        long standby = WarmStandbys.awaitReady(TIMEOUT);
        ChildProcess child = local.process(Hello::empty);
        long start = System.nanoTime();
        live.add(child).start();
        awaitChild(child, 0);
        double millis = millisSince(start);
        long pid = child.pid().orElse(-1);
        child.close();
        if (standby > 0 && pid != standby) {
            throw new IllegalStateException("start() did not take the warm standby (pid " + standby
                    + ") but started pid " + pid);
        }
        return millis;
    }

    // ---------------------------------------------------------------- terminate

    /** terminate() of an idle child until onExit() completes vs SIGTERM to an idle bare JVM until it has exited. */
    void terminate() throws Exception {
        for (int i = 0; i < settings.warmup(); i++) {
            childTerminate();
            bareTerminate();
        }
        double[] child = new double[settings.repetitions()];
        double[] bare = new double[settings.repetitions()];
        for (int i = 0; i < settings.repetitions(); i++) {
            child[i] = childTerminate();
            bare[i] = bareTerminate();
        }
        results.record("local_terminate_to_exit", "local: terminate() -> onExit() done, idle child", Results.Unit.MS,
                Samples.of(child));
        results.record("bare_jvm_sigterm_to_exit", "bare JVM: destroy() (SIGTERM) -> onExit() done", Results.Unit.MS,
                Samples.of(bare));
    }

    private double childTerminate() throws Exception {
        Path marker = nextMarker();
        ChildProcess child = startIdleChild(marker);
        awaitMarker(marker, child::isAlive);
        long start = System.nanoTime();
        child.terminate();
        child.onExit().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        double millis = millisSince(start);
        awaitChild(child, -15);
        child.close();
        return millis;
    }

    private double bareTerminate() throws Exception {
        Path marker = nextMarker();
        Process process = startBare("sleep", marker.toString());
        awaitMarker(marker, process::isAlive);
        long start = System.nanoTime();
        process.destroy();
        process.onExit().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        double millis = millisSince(start);
        awaitBare(process, 143);
        return millis;
    }

    // ---------------------------------------------------------------- many at once

    /** Start {@code children} processes, then join them all: the total. */
    void concurrent() throws Exception {
        int n = settings.children();
        for (int i = 0; i < settings.concurrentWarmup(); i++) {
            childrenAtOnce(n);
            bareAtOnce(n);
        }
        double[] child = new double[settings.concurrentRepetitions()];
        double[] bare = new double[settings.concurrentRepetitions()];
        for (int i = 0; i < settings.concurrentRepetitions(); i++) {
            child[i] = childrenAtOnce(n);
            bare[i] = bareAtOnce(n);
        }
        results.record("local_concurrent", "local: " + n + " x start(), then join() all", Results.Unit.MS,
                Samples.of(child));
        results.record("bare_jvm_concurrent", "bare JVM: " + n + " x start, then waitFor all", Results.Unit.MS,
                Samples.of(bare));
    }

    private double childrenAtOnce(int n) throws Exception {
        List<ChildProcess> children = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            children.add(local.process(Hello::empty));
        }
        long start = System.nanoTime();
        for (ChildProcess child : children) {
            live.add(child).start();
        }
        for (ChildProcess child : children) {
            awaitChild(child, 0);
        }
        double millis = millisSince(start);
        for (ChildProcess child : children) {
            child.close();
        }
        return millis;
    }

    private double bareAtOnce(int n) throws Exception {
        long start = System.nanoTime();
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            processes.add(startBare());
        }
        for (Process process : processes) {
            awaitBare(process, 0);
        }
        return millisSince(start);
    }

    // ---------------------------------------------------------------- memory

    /** VmRSS of an idle child vs an idle bare JVM, each read after it said it is up and sat a moment. */
    void memory() throws Exception {
        double[] child = new double[settings.rssRepetitions()];
        double[] bare = new double[settings.rssRepetitions()];
        for (int i = 0; i < settings.rssRepetitions(); i++) {
            child[i] = childRss();
            bare[i] = bareRss();
        }
        results.record("local_idle_rss", "local: VmRSS of an idle child", Results.Unit.MIB, Samples.of(child));
        results.record("bare_jvm_idle_rss", "bare JVM: VmRSS of an idle Hello", Results.Unit.MIB, Samples.of(bare));
    }

    private double childRss() throws Exception {
        Path marker = nextMarker();
        ChildProcess child = startIdleChild(marker);
        try {
            awaitMarker(marker, child::isAlive);
            Thread.sleep(SETTLE_MILLIS);
            return residentMib(child.pid().orElseThrow());
        } finally {
            child.kill();
            awaitChild(child, -9);
            child.close();
        }
    }

    private double bareRss() throws Exception {
        Path marker = nextMarker();
        Process process = startBare("sleep", marker.toString());
        try {
            awaitMarker(marker, process::isAlive);
            Thread.sleep(SETTLE_MILLIS);
            return residentMib(process.pid());
        } finally {
            process.destroyForcibly();
            awaitBare(process, 137);
        }
    }

    /** VmRSS from {@code /proc/<pid>/status}, in MiB. */
    static double residentMib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                return Long.parseLong(parts[0]) / 1024.0;
            }
        }
        throw new IOException("no VmRSS line in /proc/" + pid + "/status");
    }

    // ---------------------------------------------------------------- helpers

    private ChildProcess startIdleChild(Path marker) {
        String path = marker.toString();
        SerializableRunnable target = () -> Hello.markAndSleep(path);
        // a daemon: should this run die, its parent's shutdown terminates it (SPEC L23)
        ChildProcess child = local.builder(target).daemon(true).build();
        live.add(child).start();
        return child;
    }

    private Process startBare(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", classPath, Hello.class.getName()));
        command.addAll(List.of(args));
        return live.add(new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(NULL_FILE))
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start());
    }

    private void awaitChild(ChildProcess child, int expectedExitCode) throws InterruptedException {
        live.awaitChild(child, expectedExitCode);
    }

    private void awaitBare(Process process, int expectedExitCode) throws InterruptedException {
        if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("bare JVM " + process.pid() + " did not end within " + TIMEOUT.toSeconds() + " s");
        }
        live.ended(process);
        if (process.exitValue() != expectedExitCode) {
            throw new IllegalStateException("bare JVM " + process.pid() + " ended with exit code " + process.exitValue()
                    + ", expected " + expectedExitCode);
        }
    }

    private Path nextMarker() {
        return markers.resolve("up-" + (++markerCount));
    }

    /** Polls for the marker file while {@code alive} says the process runs, within {@link #TIMEOUT}. */
    private static void awaitMarker(Path marker, java.util.function.BooleanSupplier alive)
            throws InterruptedException, TimeoutException, ExecutionException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!Files.exists(marker)) {
            if (!alive.getAsBoolean()) {
                throw new ExecutionException(new IllegalStateException("the process ended before creating " + marker));
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("no " + marker + " within " + TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(2);
        }
    }

    static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }
}
