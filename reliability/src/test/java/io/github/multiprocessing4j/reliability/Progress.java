package io.github.multiprocessing4j.reliability;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress lines on long runs (issue 15: the long form once ran 48 minutes without a line). While
 * the suite runs, a daemon thread prints, every {@link #INTERVAL}, one line on stdout:
 *
 * <pre>
 * [reliability] progress: part=churn local cycles=1234/12000 elapsed=3m12s left~27m58s suite=5m40s
 * </pre>
 *
 * <p>The part is the one a test declared with {@link #part(String, long)} (with its cycle count,
 * so that what is left is estimated from the rate so far), or {@link #part(String, Duration)}
 * (a part that runs for a fixed time), or else the test that runs ("left=?"). The thread is
 * stopped by {@link SummaryListener} before the summary, so the summary stays the last line.
 */
final class Progress {

    /** How often a line is printed: well within the minute. */
    static final Duration INTERVAL = Duration.ofSeconds(Long.getLong("reliability.progress.seconds", 30));

    private static final long SUITE_START = System.nanoTime();
    private static ScheduledExecutorService ticker;
    private static volatile Part current;
    private static volatile String test = "starting";
    private static volatile long testStart = System.nanoTime();

    private Progress() {
    }

    /** A part of the suite that counts cycles. */
    static final class Part implements AutoCloseable {
        private final String name;
        private final long total;
        private final long plannedNanos;
        private final long start = System.nanoTime();
        private final AtomicLong done = new AtomicLong();

        private Part(String name, long total, long plannedNanos) {
            this.name = name;
            this.total = total;
            this.plannedNanos = plannedNanos;
        }

        /** One more cycle done. */
        void step() {
            done.incrementAndGet();
        }

        /**
         * More cycles done.
         *
         * @param cycles how many
         */
        void step(long cycles) {
            done.addAndGet(cycles);
        }

        /** Cycles done so far. */
        long done() {
            return done.get();
        }

        String line() {
            long elapsed = System.nanoTime() - start;
            long cycles = done.get();
            String left;
            if (plannedNanos > 0) {
                left = format(Math.max(0, plannedNanos - elapsed));
            } else if (cycles > 0 && total > 0) {
                left = format((long) ((double) elapsed / cycles * Math.max(0, total - cycles)));
            } else {
                left = "?";
            }
            return "part=" + name + " cycles=" + cycles + (total > 0 ? "/" + total : "") + " elapsed=" + format(elapsed)
                    + " left~" + left;
        }

        @Override
        public void close() {
            synchronized (Progress.class) {
                if (current == this) {
                    current = null;
                }
            }
        }
    }

    /**
     * Declares the part that runs now, with its number of cycles.
     *
     * @param name the part, as in the summary table
     * @param total the cycles it will run
     * @return the part, to count its cycles and close at its end
     */
    static synchronized Part part(String name, long total) {
        Part part = new Part(name, total, 0);
        current = part;
        ensureTicking();
        return part;
    }

    /**
     * Declares the part that runs now, for a fixed time.
     *
     * @param name the part
     * @param planned how long it runs
     * @return the part, to count its cycles and close at its end
     */
    static synchronized Part part(String name, Duration planned) {
        Part part = new Part(name, 0, planned.toNanos());
        current = part;
        ensureTicking();
        return part;
    }

    /**
     * Called by {@link SummaryListener} as each test starts.
     *
     * @param name the test
     */
    static synchronized void testStarted(String name) {
        current = null;
        test = name;
        testStart = System.nanoTime();
        ensureTicking();
    }

    /** Stops the lines: the summary comes next. */
    static synchronized void stop() {
        if (ticker != null) {
            ticker.shutdownNow();
            try {
                ticker.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ticker = null;
        }
    }

    /** The line printed now. */
    static String line() {
        Part part = current;
        String what = part != null ? part.line()
                : "part=" + test + " elapsed=" + format(System.nanoTime() - testStart) + " left~?";
        return "[reliability] progress: " + what + " suite=" + format(System.nanoTime() - SUITE_START);
    }

    private static void ensureTicking() {
        if (ticker != null) {
            return;
        }
        ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "reliability-progress");
            thread.setDaemon(true);
            return thread;
        });
        long every = INTERVAL.toMillis();
        ticker.scheduleAtFixedRate(() -> {
            System.out.println(line());
            System.out.flush();
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** {@code 3m12s}, or {@code 1h03m12s}. */
    static String format(long nanos) {
        long seconds = TimeUnit.NANOSECONDS.toSeconds(nanos);
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        long rest = seconds % 60;
        return hours > 0 ? String.format("%dh%02dm%02ds", hours, minutes, rest) : String.format("%dm%02ds", minutes, rest);
    }
}
