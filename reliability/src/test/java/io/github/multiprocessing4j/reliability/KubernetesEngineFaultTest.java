package io.github.multiprocessing4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.CallableProcess;
import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Event;
import io.github.multiprocessing4j.ProcessStartException;
import io.github.multiprocessing4j.Queue;
import io.github.multiprocessing4j.reliability.KubernetesCluster.Part;
import io.github.multiprocessing4j.tck.Poll;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Engines that fail mid-run (issue 15), on kubernetes: while pods of this parent run (a daemon, a
 * non-daemon and a {@code CallableProcess}, each blocked on a shared {@link Event}, and starts in
 * flight on another thread), the API server or the kubelet is stopped and started again. Unlike
 * dockerd's stop, neither ends a running pod (its container belongs to the Docker engine, and its
 * control channel runs straight to the parent), so what a user must observe is that nothing was
 * lost:
 * <ul>
 * <li>while the part is down, the children stay alive; with the API server down, a start fails
 * within {@link #START_FAILS_WITHIN} with a {@link ProcessStartException} that names the API
 * server (with the kubelet down, a start may wait for it: the pod runs once it is back);</li>
 * <li>once the part is back, the children go on: the non-daemon and the callable, released, print
 * a line that reaches the parent's stdout (SPEC L13) and end with 0, the callable's result
 * arrives; the daemon, terminated, ends with -15 (L16);</li>
 * <li>no start hangs, the same parent starts pods again, and no pod, child JVM, thread or file
 * descriptor of ours is left.</li>
 * </ul>
 * Counted in the summary as {@code engine_faults}, with the docker ones.
 *
 * <p>This class names no fabric8 type ({@link KubernetesCluster} does): the children's targets
 * are its lambdas, and the launcher ships no fabric8 jar to a pod.
 *
 * <p>It runs where the docker engine faults run ({@link DockerDaemon#faultsWanted()}), since it
 * breaks whatever else uses the cluster; with {@code CI=true} a cluster that cannot be stopped and
 * restarted fails it. The cluster is always brought up again at the end, pass or fail.
 */
@Order(76)
@Tag("engine")
@Timeout(1800)
class KubernetesEngineFaultTest {

    static final int FAULTS_PER_PART = Form.pick(1, 6);
    /**
     * How long a start may take to fail while the API server is down: fabric8 tries a request
     * again for about 20 s (10 tries, from 100 ms apart), which rides out a quick restart.
     */
    static final Duration START_FAILS_WITHIN = Duration.ofSeconds(45);
    /** What a waiting child prints every {@link #PRINT_MILLIS} ms, after its name. */
    static final String WAITS = " waits for the fault to pass";
    static final long PRINT_MILLIS = 250;
    /** How long the output of a child may take to reach the parent again once the part is back. */
    static final Duration OUTPUT_BACK_WITHIN = Duration.ofSeconds(30);

    private final Map<String, Integer> exitCodes = new TreeMap<>();
    private final Map<Part, Long> maxDownMillis = new TreeMap<>();
    private long maxFailedStartMillis;
    private int failedStarts;
    private int startsInFlight;
    private int linesAfter;

    @BeforeAll
    static void cluster() throws Exception {
        if (!DockerDaemon.faultsWanted()) {
            System.err.println("[reliability] skipping the kubernetes engine faults: they stop the test cluster's API server"
                    + " and kubelet; run them with -Dreliability.engine.faults=true (CI=true does)");
            org.junit.jupiter.api.Assumptions.abort("engine faults not wanted here");
        }
        Optional<String> problem = KubernetesCluster.problem();
        if (problem.isPresent()) {
            if (!"true".equalsIgnoreCase(System.getenv("CI"))) {
                System.err.println("[reliability] skipping the kubernetes engine faults: " + problem.get());
                org.junit.jupiter.api.Assumptions.abort(problem.get());
            }
            throw new AssertionError("the kubernetes engine faults cannot run: " + problem.get());
        }
        // the docker faults before this restarted the engine under the kubelet: the script
        // returns once the node is Ready again
        KubernetesCluster.ensureUp();
    }

    @AfterAll
    static void clusterIsUpAgain() throws Exception {
        if (DockerDaemon.faultsWanted() && KubernetesCluster.UP_SCRIPT.toFile().isFile()) {
            KubernetesCluster.ensureUp();
        }
    }

    @Test
    void apiServerAndKubeletRestartedWhilePodsRun() throws Exception {
        // warm-up: the launcher, its client, watch and threads are in the baseline
        assertEquals(0, Children.joinWithDeadline(start(pod(Children::nothing, "engine-warm-up"))));
        Leaks.Snapshot before = Leaks.snapshot();
        List<String> failures = new ArrayList<>();
        PrintStream stdout = System.out;
        Lines lines = new Lines(stdout);
        System.setOut(lines);
        try (Progress.Part progress = Progress.part("engine faults kubernetes", 2 * FAULTS_PER_PART)) {
            for (int i = 0; i < 2 * FAULTS_PER_PART; i++) {
                Part part = i % 2 == 0 ? Part.API_SERVER : Part.KUBELET;
                try {
                    fault(part, lines);
                    Figures.ENGINE_FAULTS.incrementAndGet();
                } catch (AssertionError | Exception e) {
                    failures.add("fault " + (i + 1) + " (" + part.process + "): " + e);
                    e.printStackTrace();
                } finally {
                    KubernetesCluster.ensureUp();
                }
                progress.step();
            }
        } finally {
            System.setOut(stdout);
        }
        // a pod object goes 7 to 14 s after its container ended
        List<String> pods = KubernetesCluster.podsOfThisJvmAfter(Children.DEADLINE.multipliedBy(2));
        Leaks.Report leaks = Leaks.settle(before);
        Figures.LEAKS.addAndGet(leaks.total() + pods.size());
        Figures.HOSTED_LEAKED.addAndGet(leaks.hostedLeak());
        String part = "engine faults kubernetes";
        Figures.row(part, "API server / kubelet stopped and restarted, pods running", FAULTS_PER_PART + " / "
                + FAULTS_PER_PART);
        Figures.row(part, "exit codes of the children running then", exitCodes);
        Figures.row(part, "children whose output reached the parent again", linesAfter + " of " + 3 * 2 * FAULTS_PER_PART);
        Figures.row(part, "max ms down: API server / kubelet", maxDownMillis.getOrDefault(Part.API_SERVER, 0L) + " / "
                + maxDownMillis.getOrDefault(Part.KUBELET, 0L));
        Figures.row(part, "starts without API server: failed clearly (max ms) / in flight", failedStarts + " ("
                + maxFailedStartMillis + ") / " + startsInFlight);
        Figures.row(part, "leaked processes / pods / threads", leaks.processes().size() + " / " + pods.size() + " / "
                + leaks.threads().size());
        System.out.println("[reliability] kubernetes engine faults: exit codes " + exitCodes + ", pods left " + pods
                + ", leaks: " + leaks.describe());
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEquals(List.of(), pods, "pods of this JVM left after the faults");
        assertEquals(0, leaks.total(), "the kubernetes engine faults leaked: " + leaks.describe());
    }

    private void fault(Part part, Lines lines) throws Exception {
        String tag = "#" + System.nanoTime();
        Queue<String> ready = new Queue<>();
        Event go = new Event();
        // the daemon waits for what never comes: it is terminated
        Event never = new Event();
        ChildProcess daemon = Children.builder(() -> readyThenAwait(ready, "daemon", never, tag)).launcher("kubernetes")
                .name("engine-daemon").daemon(true).build();
        ChildProcess nonDaemon = Children.builder(() -> readyThenAwait(ready, "non-daemon", go, tag))
                .launcher("kubernetes").name("engine-non-daemon").build();
        CallableProcess<Integer> callable = new CallableProcess<>(() -> {
            readyThenAwait(ready, "callable", go, tag);
            return 7;
        });
        callable.setName("engine-callable");
        BackToBackStarts starts = null;
        List<ChildProcess> children = new ArrayList<>(List.of(daemon, nonDaemon, callable));
        try {
            // a CallableProcess has no builder: its launcher is the default one, which the pom sets to local
            String launcher = System.getProperty("multiprocessing4j.launcher");
            System.setProperty("multiprocessing4j.launcher", "kubernetes");
            try {
                start(callable);
            } finally {
                System.setProperty("multiprocessing4j.launcher", launcher);
            }
            start(daemon);
            start(nonDaemon);
            for (int i = 0; i < 3; i++) {
                ready.get(Children.DEADLINE);
            }
            // starts in flight on another thread while the part goes
            starts = new BackToBackStarts("kubernetes", Duration.ofMillis(500), code -> exitCode("churn", code));
            Children.sleep(500);

            long t0 = System.nanoTime();
            long stopMillis;
            if (part == Part.API_SERVER) {
                // it closes its port at once on SIGTERM, then waits for its clients' streams (up
                // to STOP_DEADLINE, then SIGKILL): a start tried from then on fails as one tried
                // once it is gone, and the two waits overlap
                ProcessHandle apiServer = KubernetesCluster.signal(part);
                // the stop is finished (SIGKILL after STOP_DEADLINE) whatever fails here, so that
                // the restart never finds the old server still draining
                FutureTask<Long> gone = new FutureTask<>(() -> KubernetesCluster.awaitGone(part, apiServer, t0));
                new Thread(gone, "engine-fault-stop").start();
                try {
                    assertTrue(Poll.until(KubernetesCluster::apiServerRefuses, KubernetesCluster.STOP_DEADLINE),
                            "the API server still accepted connections " + KubernetesCluster.STOP_DEADLINE + " after SIGTERM");
                    // a start without the API server fails soon, saying so
                    long t1 = System.nanoTime();
                    ChildProcess orphan = pod(Children::nothing, "engine-down");
                    try {
                        orphan.start();
                        throw new AssertionError(orphan + " started though the API server is stopped");
                    } catch (ProcessStartException e) {
                        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
                        maxFailedStartMillis = Math.max(maxFailedStartMillis, millis);
                        failedStarts++;
                        String message = String.valueOf(e.getMessage());
                        assertTrue(message.contains("API server"), "the failure does not name the API server: " + message);
                        assertTrue(millis < START_FAILS_WITHIN.toMillis(), "the start took " + millis + " ms to fail: "
                                + message);
                    }
                } finally {
                    stopMillis = gone.get();
                }
            } else {
                stopMillis = KubernetesCluster.stop(part);
            }
            for (ChildProcess process : List.of(daemon, nonDaemon, callable)) {
                assertTrue(process.isAlive(), process + " ended while " + part.process + " was down: " + process.exitCode());
            }
            long upMillis = KubernetesCluster.ensureUp();
            long downMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            maxDownMillis.merge(part, downMillis, Math::max);

            // their output reaches the parent again: what they printed during the fault is lost, and
            // what they print once the launcher has attached to them again arrives
            lines.clear();
            for (String name : List.of("daemon", "non-daemon", "callable")) {
                String line = name + WAITS + " " + tag;
                if (!lines.awaitLine(line, OUTPUT_BACK_WITHIN)) {
                    throw new AssertionError("'" + line + "' did not reach the parent's stdout within " + OUTPUT_BACK_WITHIN
                            + " of " + part.process + "'s return");
                }
                linesAfter++;
            }
            // the children go on
            go.set();
            daemon.terminate();
            for (ChildProcess process : List.of(daemon, nonDaemon, callable)) {
                assertTrue(process.join(Children.DEADLINE), process + " did not end within " + Children.DEADLINE
                        + " of its release after " + part.process + " came back");
                exitCode(process.getName(), process.exitCode().orElseThrow());
            }
            assertEquals(-15, daemon.exitCode().orElseThrow(), "the daemon, terminated after the fault");
            assertEquals(0, nonDaemon.exitCode().orElseThrow(), "the non-daemon, released after the fault");
            assertEquals(0, callable.exitCode().orElseThrow(), "the callable, released after the fault");
            assertEquals(7, callable.result().get(Children.DEADLINE.toMillis(), TimeUnit.MILLISECONDS));

            startsInFlight += starts.stopAndCheck(Children.DEADLINE.multipliedBy(3), part.process + " was down");
            // the same parent starts pods again
            long t2 = System.nanoTime();
            ChildProcess again = pod(Children::nothing, "engine-back");
            children.add(again);
            start(again);
            assertEquals(0, Children.joinWithDeadline(again), again + " after the restart");
            System.err.println("[reliability] kubernetes engine fault: " + part.process + " stopped in " + stopMillis
                    + " ms, back after " + downMillis + " ms (the script took " + upMillis + " ms), a pod ran again in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t2) + " ms");
        } finally {
            // a failed fault leaves nothing running behind it
            if (starts != null) {
                starts.close();
            }
            for (ChildProcess process : children) {
                if (process.isAlive()) {
                    process.kill();
                    process.join(Children.DEADLINE);
                }
                process.close();
            }
        }
    }

    private synchronized void exitCode(String name, int code) {
        exitCodes.merge(name.replaceFirst("^engine-", "") + "=" + code, 1, Integer::sum);
    }

    private static ChildProcess pod(io.github.multiprocessing4j.SerializableRunnable target, String name) {
        return Children.builder(target).launcher("kubernetes").name(name).build();
    }

    private static <T extends ChildProcess> T start(T process) {
        process.start();
        Figures.CYCLES.incrementAndGet();
        return process;
    }

    /**
     * In the child: says it is ready, then waits on {@code go}, printing that it waits every
     * {@link #PRINT_MILLIS} ms.
     *
     * @param ready where to say it
     * @param name who says it
     * @param go what to wait for
     * @param tag this fault's, in the line printed
     */
    static void readyThenAwait(Queue<String> ready, String name, Event go, String tag) {
        try {
            ready.put(name);
            long deadline = System.nanoTime() + Children.DEADLINE.multipliedBy(8).toNanos();
            while (!go.await(Duration.ofMillis(PRINT_MILLIS)) && System.nanoTime() < deadline) {
                System.out.println(name + WAITS + " " + tag);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The parent's stdout, passed on line by line, except the lines of waiting children, which are
     * kept to be awaited (a dozen a second would drown the build's output).
     */
    static final class Lines extends PrintStream {

        private final PrintStream target;
        private final Set<String> seen = new HashSet<>();
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        Lines(PrintStream target) {
            super(target, true, StandardCharsets.UTF_8);
            this.target = target;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            synchronized (seen) {
                for (int i = offset; i < offset + length; i++) {
                    if (bytes[i] == '\n') {
                        String line = partial.toString(StandardCharsets.UTF_8);
                        if (line.contains(WAITS)) {
                            seen.add(line);
                            seen.notifyAll();
                        } else {
                            target.println(line);
                        }
                        partial.reset();
                    } else {
                        partial.write(bytes[i]);
                    }
                }
            }
        }

        void clear() {
            synchronized (seen) {
                seen.clear();
            }
        }

        boolean awaitLine(String line, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (seen) {
                while (!seen.contains(line)) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        return false;
                    }
                    seen.wait(left);
                }
                seen.remove(line);
                return true;
            }
        }
    }
}
