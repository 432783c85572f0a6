package io.github.multiprocessing4j.benchmarks;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Queue;

/**
 * What the figures "with the start cache" wait for first: the library makes a cache in the
 * background, the second time it sees a class path, so children are started until one starts
 * with it (its JVM options name the cache), within {@link LocalFigures#TIMEOUT}. Records whether
 * that happened and after how long.
 */
final class StartCacheWait {

    /** Makes a child that puts its JVM's arguments ({@link Hello#arguments()}) on the queue. */
    @FunctionalInterface
    interface Reporter {
        /**
         * @param reports where the child puts its arguments
         * @return the child, not started
         */
        ChildProcess child(Queue<String> reports);
    }

    private StartCacheWait() {
    }

    /**
     * Starts children until one starts with the start cache; records {@code <prefix>start_cache}
     * ({@code used} or {@code none}) and, when used, after how many children and seconds.
     *
     * @param results where the repetitions' facts go
     * @param live the run's processes
     * @param prefix the prefix of the keys ({@code ""} or {@code "docker_"})
     * @param reporter makes each child
     * @throws Exception if a child fails or does not report in time
     */
    static void await(Results results, LiveProcesses live, String prefix, Reporter reporter) throws Exception {
        long start = System.nanoTime();
        long deadline = start + LocalFigures.TIMEOUT.toNanos();
        int children = 0;
        while (System.nanoTime() < deadline) {
            String arguments;
            Queue<String> reports = new Queue<>();
            try {
                ChildProcess child = reporter.child(reports);
                live.add(child).start();
                arguments = reports.get(LocalFigures.TIMEOUT);
                live.awaitChild(child, 0);
                child.close();
            } finally {
                reports.close();
            }
            children++;
            if (arguments.contains("-XX:SharedArchiveFile=") || arguments.contains("-XX:AOTCache=")) {
                results.repetitions().put(prefix + "start_cache", "used");
                results.repetitions().put(prefix + "start_cache_ready_after_children", children);
                results.repetitions().put(prefix + "start_cache_ready_after_s",
                        Math.round(LocalFigures.millisSince(start) / 100) / 10.0);
                return;
            }
            Thread.sleep(children < 3 ? 0 : 500);
        }
        results.repetitions().put(prefix + "start_cache", "none");
        System.err.println("benchmarks: no " + (prefix.isEmpty() ? "" : prefix.replace("_", " ")) + "child started"
                + " with the start cache within " + LocalFigures.TIMEOUT.toSeconds() + " s");
    }
}
