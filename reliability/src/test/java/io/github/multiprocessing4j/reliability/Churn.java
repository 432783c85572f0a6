package io.github.multiprocessing4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.multiprocessing4j.ChildProcess;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Start/join cycles, sequential then concurrent, followed by a leak measurement: the churn part
 * of the suite, for any launcher.
 */
final class Churn {

    private final String part;
    private final String launcher;
    private final int threads;
    private final UnaryOperator<ChildProcess.Builder> options;
    private final List<Long> millis = Collections.synchronizedList(new ArrayList<>());
    private Progress.Part progress;

    /**
     * A churn of one launcher.
     *
     * @param name what the summary calls it, after "churn"
     * @param launcher the launcher
     * @param threads the threads of the concurrent cycles (and of the warm-up's burst)
     * @param options what the cycles' children get besides the launcher
     */
    Churn(String name, String launcher, int threads, UnaryOperator<ChildProcess.Builder> options) {
        this.part = "churn " + name;
        this.launcher = launcher;
        this.threads = threads;
        this.options = options;
    }

    /**
     * Runs the cycles and asserts that nothing leaked.
     *
     * @param sequential cycles one after the other
     * @param concurrent cycles on the churn's threads
     */
    void run(int sequential, int concurrent) throws Exception {
        // warm-up, one cycle then one burst at full concurrency: the control channel, the launcher,
        // the classes they load, and the pools that keep idle threads or connections up to the
        // peak concurrency are all in the baseline; what grows after it grows with the cycles
        cycle();
        concurrently(threads);
        Leaks.Snapshot before = Leaks.snapshot();
        java.util.Map<String, Integer> fdsBefore = Leaks.fdKinds();
        progress = Progress.part(part, sequential + concurrent);
        long start = System.nanoTime();
        for (int i = 0; i < sequential; i++) {
            cycle();
        }
        long sequentialMillis = (System.nanoTime() - start) / 1_000_000;
        start = System.nanoTime();
        concurrently(concurrent);
        long concurrentMillis = (System.nanoTime() - start) / 1_000_000;
        Figures.CYCLES.addAndGet(sequential + concurrent + 1L + threads);
        progress.close();

        Leaks.Report leaks = Leaks.settle(before);
        Figures.LEAKS.addAndGet(leaks.total());
        Figures.HOSTED_LEAKED.addAndGet(leaks.hostedLeak());
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        if (sequential > 0) {
            Figures.row(part, "sequential cycles (ms each, mean)", sequential + " (" + sequentialMillis / sequential + ")");
        }
        if (concurrent > 0) {
            Figures.row(part, "concurrent cycles on " + threads + " threads (wall ms each)",
                    concurrent + " (" + concurrentMillis / concurrent + ")");
        }
        Figures.row(part, "start+join ms p50 / p99 / max", percentile(sorted, 50) + " / " + percentile(sorted, 99)
                + " / " + (sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1)));
        Figures.row(part, "leaked processes / containers", leaks.processes().size() + " / " + leaks.containers().size());
        Figures.row(part, "fds before -> after (tolerance " + Leaks.FD_TOLERANCE + ")", leaks.fdsBefore() + " -> " + leaks.fdsAfter());
        Figures.row(part, "leaked threads", leaks.threads().size());
        System.out.println("[reliability] " + part + ": " + (sequential + concurrent) + " cycles, leaks: " + leaks.describe());
        if (leaks.fdsAfter() != leaks.fdsBefore()) {
            java.util.Map<String, Integer> diff = new java.util.TreeMap<>();
            Leaks.fdKinds().forEach((kind, count) -> diff.put(kind, count - fdsBefore.getOrDefault(kind, 0)));
            fdsBefore.forEach((kind, count) -> diff.putIfAbsent(kind, -count));
            diff.values().removeIf(delta -> delta == 0);
            System.out.println("  file descriptors by kind, after - before: " + diff);
        }
        assertEquals(0, leaks.total(), part + " leaked: " + leaks.describe());
    }

    private void concurrently(int cycles) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < cycles; i++) {
                running.add(pool.submit(() -> {
                    cycle();
                    return null;
                }));
            }
            for (Future<?> cycle : running) {
                cycle.get(Children.DEADLINE.toMillis() * 2, TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(Children.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void cycle() throws InterruptedException {
        ChildProcess process = options.apply(Children.builder(Children::nothing).launcher(launcher)).build();
        long start = System.nanoTime();
        process.start();
        int code = Children.joinWithDeadline(process);
        millis.add((System.nanoTime() - start) / 1_000_000);
        Progress.Part part = progress;
        if (part != null) {
            part.step();
        }
        assertEquals(0, code, process + " ended with " + code);
        process.close();
    }

    private static long percentile(List<Long> sorted, int percent) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * percent / 100.0) - 1));
    }
}
