package io.github.multiprocessing4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.CallableProcess;
import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.ChildProcessException;
import io.github.multiprocessing4j.Event;
import io.github.multiprocessing4j.ProcessStartException;
import io.github.multiprocessing4j.Queue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Engines that fail mid-run (issue 15), on docker: while containers of this parent run (a
 * daemon, a non-daemon and a {@code CallableProcess}, each blocked on a shared {@link Event}, and
 * starts in flight on another thread), {@code dockerd} is stopped and, after a start has been
 * tried without it, started again. Each time: every child ends within the suite's deadline with
 * a clear exit code (what the engine said, or 255 when it went away first, logged as an error),
 * a {@code CallableProcess}'s result fails with a {@link ChildProcessException}, a start without
 * the engine fails with a {@link ProcessStartException} that names the engine, nothing hangs;
 * once the engine is back the same parent starts containers again, and no container, child JVM,
 * thread or file descriptor of ours is left. Counted in the summary as {@code engine_faults}.
 *
 * <p>Stopping dockerd breaks whatever else uses the engine, so this runs only where it is meant
 * to ({@link DockerDaemon#faultsWanted()}: {@code CI=true}, or
 * {@code -Dreliability.engine.faults=true}), and refuses to start while containers that are not
 * this JVM's run. The engine is always started again at the end, pass or fail.
 *
 * <p>Kubernetes faults (API server and kubelet restarts) are {@link KubernetesEngineFaultTest}'s.
 */
@Order(75)
@Tag("engine")
@Timeout(1800)
class EngineFaultTest {

    static final int FAULTS = Form.pick(2, 12);
    /** How long a start may take to fail while the engine is down. */
    static final Duration START_FAILS_WITHIN = Duration.ofSeconds(10);

    private final Map<String, Integer> exitCodes = new TreeMap<>();
    private long maxStopMillis;
    private long maxStartMillis;
    private long maxEndMillis;
    private long maxFailedStartMillis;
    private int failedStarts;
    private int startsInFlight;

    @BeforeAll
    static void engine() {
        if (!DockerDaemon.faultsWanted()) {
            System.err.println("[reliability] skipping the engine faults: they stop the local dockerd; run them with"
                    + " -Dreliability.engine.faults=true (CI=true does)");
            org.junit.jupiter.api.Assumptions.abort("engine faults not wanted here");
        }
        DockerEngine.assumeAvailable();
        Optional<String> problem = DockerDaemon.problem();
        if (problem.isPresent()) {
            throw new AssertionError("the engine faults cannot run: " + problem.get());
        }
    }

    @AfterAll
    static void engineIsUpAgain() throws Exception {
        if (DockerDaemon.faultsWanted()) {
            DockerDaemon.ensureUp();
        }
    }

    @Test
    void dockerdStoppedAndRestartedWhileContainersRun() throws Exception {
        // warm-up: the launcher, its clients and threads are in the baseline
        assertEquals(0, Children.joinWithDeadline(start(Children.builder(Children::nothing).launcher("docker").build())));
        Leaks.Snapshot before = Leaks.snapshot();
        List<String> failures = new ArrayList<>();
        try (Progress.Part part = Progress.part("engine faults docker", FAULTS)) {
            for (int i = 0; i < FAULTS; i++) {
                try {
                    fault();
                    Figures.ENGINE_FAULTS.incrementAndGet();
                } catch (AssertionError | Exception e) {
                    failures.add("fault " + (i + 1) + ": " + e);
                    e.printStackTrace();
                } finally {
                    DockerDaemon.ensureUp();
                }
                part.step();
            }
        }
        Leaks.Report leaks = Leaks.settle(before);
        Figures.LEAKS.addAndGet(leaks.total());
        Figures.HOSTED_LEAKED.addAndGet(leaks.hostedLeak());
        System.out.println("[reliability] engine faults: " + Figures.ENGINE_FAULTS.get() + " survived, exit codes " + exitCodes
                + ", leaks: " + leaks.describe());
        String part = "engine faults docker";
        Figures.row(part, "dockerd stopped and restarted, containers running (survived)", FAULTS + " ("
                + Figures.ENGINE_FAULTS.get() + ")");
        Figures.row(part, "exit codes of the children running then", exitCodes);
        Figures.row(part, "max ms: dockerd stop / last child ended / dockerd start", maxStopMillis + " / " + maxEndMillis
                + " / " + maxStartMillis);
        Figures.row(part, "starts without engine: failed clearly (max ms) / in flight", failedStarts + " ("
                + maxFailedStartMillis + ") / " + startsInFlight);
        Figures.row(part, "leaked processes / containers / threads", leaks.processes().size() + " / "
                + leaks.containers().size() + " / " + leaks.threads().size());
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEquals(0, leaks.total(), "the engine faults leaked: " + leaks.describe());
    }

    private void fault() throws Exception {
        List<String> others = DockerEngine.runningContainersNotOfThisJvm();
        if (!others.isEmpty()) {
            throw new AssertionError("not stopping dockerd: containers not of this run are running on it " + others);
        }
        long t0 = System.nanoTime();
        Queue<String> ready = new Queue<>();
        Event go = new Event();
        ChildProcess daemon = Children.builder(() -> readyThenAwait(ready, "daemon", go)).launcher("docker")
                .name("engine-daemon").daemon(true).build();
        ChildProcess nonDaemon = Children.builder(() -> readyThenAwait(ready, "non-daemon", go)).launcher("docker")
                .name("engine-non-daemon").build();
        // started side by side: each start is a few round trips to the engine
        CompletableFuture<ChildProcess> daemonStarted = CompletableFuture.supplyAsync(() -> start(daemon));
        CompletableFuture<ChildProcess> nonDaemonStarted = CompletableFuture.supplyAsync(() -> start(nonDaemon));
        CallableProcess<Integer> callable = new CallableProcess<>(() -> {
            readyThenAwait(ready, "callable", go);
            return 7;
        });
        callable.setName("engine-callable");
        // a CallableProcess has no builder: its launcher is the default one, which the pom sets to local
        String launcher = System.getProperty("multiprocessing4j.launcher");
        System.setProperty("multiprocessing4j.launcher", "docker");
        try {
            start(callable);
        } finally {
            System.setProperty("multiprocessing4j.launcher", launcher);
        }
        daemonStarted.get(Children.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        nonDaemonStarted.get(Children.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        for (int i = 0; i < 3; i++) {
            ready.get(Children.DEADLINE);
        }
        long readyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        // starts in flight on another thread while the engine goes
        BackToBackStarts starts = new BackToBackStarts("docker", Duration.ofMillis(100), code -> exitCode("churn", code));
        Children.sleep(300);

        long stopMillis = DockerDaemon.stop();
        maxStopMillis = Math.max(maxStopMillis, stopMillis);
        long stopped = System.nanoTime();
        for (ChildProcess process : List.of(daemon, nonDaemon, callable)) {
            assertTrue(process.join(Children.DEADLINE), process + " did not end within " + Children.DEADLINE
                    + " of dockerd's stop");
            exitCode(process.getName(), process.exitCode().orElseThrow());
        }
        long endMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped) + stopMillis;
        maxEndMillis = Math.max(maxEndMillis, endMillis);
        try {
            Integer value = callable.result().get(Children.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError(callable + " gave " + value + " though its engine was stopped before it could");
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof ChildProcessException, "not a ChildProcessException: " + e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(callable + ": no result nor failure within " + Children.DEADLINE, e);
        }

        // a start without the engine fails at once, saying so
        long t1 = System.nanoTime();
        ChildProcess orphan = Children.builder(Children::nothing).launcher("docker").name("engine-down").build();
        try {
            orphan.start();
            throw new AssertionError(orphan + " started though dockerd is stopped");
        } catch (ProcessStartException e) {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
            maxFailedStartMillis = Math.max(maxFailedStartMillis, millis);
            failedStarts++;
            String message = String.valueOf(e.getMessage());
            assertTrue(message.contains("Docker engine"), "the failure does not name the engine: " + message);
            assertTrue(millis < START_FAILS_WITHIN.toMillis(), "the start took " + millis + " ms to fail: " + message);
        }
        startsInFlight += starts.stopAndCheck(Children.DEADLINE.multipliedBy(2), "the engine was down");

        long startMillis = DockerDaemon.ensureUp();
        maxStartMillis = Math.max(maxStartMillis, startMillis);
        // the same parent starts containers again
        long t2 = System.nanoTime();
        ChildProcess again = start(Children.builder(Children::nothing).launcher("docker").name("engine-back").build());
        assertEquals(0, Children.joinWithDeadline(again), again + " after the restart");
        System.out.println("[reliability] engine fault: children ready in " + readyMillis + " ms, dockerd stopped in "
                + stopMillis + " ms, children ended " + endMillis + " ms after the SIGTERM, dockerd started in " + startMillis
                + " ms, a child ran again in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t2) + " ms");
        for (ChildProcess process : List.of(daemon, nonDaemon, callable, again)) {
            process.close();
        }
    }

    private synchronized void exitCode(String name, int code) {
        exitCodes.merge(name.replaceFirst("^engine-", "") + "=" + code, 1, Integer::sum);
    }

    private static ChildProcess start(ChildProcess process) {
        process.start();
        Figures.CYCLES.incrementAndGet();
        return process;
    }

    /**
     * In the child: says it is ready, then waits on {@code go} (set never: the engine goes first).
     *
     * @param ready where to say it
     * @param name who says it
     * @param go what to wait for
     */
    static void readyThenAwait(Queue<String> ready, String name, Event go) {
        try {
            ready.put(name);
            go.await(Children.DEADLINE.multipliedBy(4));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
