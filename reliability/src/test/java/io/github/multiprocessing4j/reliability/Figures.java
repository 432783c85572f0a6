package io.github.multiprocessing4j.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the suite counted, for the summary table and its last line (the format, for
 * scripts): {@code reliability: cycles=<n> leaks=<n> parent_kills=<n> max_cleanup_ms=<n>
 * hostile=<n> accepted=<n> fuzz_execs=<n> hosted_leaked=<n> heap_growth_mib=<n> engine_faults=<n>
 * soak_minutes=<n>}.
 */
public final class Figures {

    /** Start/join cycles run, every launcher. */
    public static final AtomicLong CYCLES = new AtomicLong();
    /** Leaked processes, file descriptors, threads and containers, as measured. */
    public static final AtomicLong LEAKS = new AtomicLong();
    /** Parent JVMs killed with SIGKILL. */
    public static final AtomicLong PARENT_KILLS = new AtomicLong();
    /** The longest time, after a parent was killed, until its daemon children were gone. */
    public static final AtomicLong MAX_CLEANUP_MS = new AtomicLong();
    /** Hostile connections and inputs tried against the control channel. */
    public static final AtomicLong HOSTILE = new AtomicLong();
    /** Hostile inputs that got past the handshake or were otherwise accepted (must stay 0). */
    public static final AtomicLong ACCEPTED = new AtomicLong();
    /** Fuzz executions: frames sent to the parent's socket and inputs fed to the decoders. */
    public static final AtomicLong FUZZ_EXECS = new AtomicLong();
    /** Shared objects still hosted after a part had dropped them (SPEC M9; must stay 0). */
    public static final AtomicLong HOSTED_LEAKED = new AtomicLong();
    /** The soak's heap growth after a full GC, MiB, rounded up (bounded, see {@code SoakTest}). */
    public static final AtomicLong HEAP_GROWTH_MIB = new AtomicLong();
    /** Docker engine stops and restarts survived while containers of ours ran. */
    public static final AtomicLong ENGINE_FAULTS = new AtomicLong();
    /** How long the soak served, in seconds (printed in minutes). */
    public static final AtomicLong SOAK_SECONDS = new AtomicLong();

    private static final List<String[]> ROWS = new ArrayList<>();

    private Figures() {
    }

    /**
     * Adds a row to the summary table.
     *
     * @param part the part of the suite (churn, parent death, ...)
     * @param what what was measured
     * @param figure the figure
     */
    public static synchronized void row(String part, String what, Object figure) {
        ROWS.add(new String[] {part, what, String.valueOf(figure)});
    }

    /**
     * Raises {@link #MAX_CLEANUP_MS} to {@code millis} if larger.
     *
     * @param millis a cleanup time
     */
    public static void cleanup(long millis) {
        MAX_CLEANUP_MS.accumulateAndGet(millis, Math::max);
    }

    /** The table, then the last line. */
    static synchronized String summary() {
        int[] widths = {4, 4, 6};
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"part", "what", "figure"});
        rows.addAll(ROWS);
        for (String[] row : rows) {
            for (int i = 0; i < 3; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        String rule = "+-" + "-".repeat(widths[0]) + "-+-" + "-".repeat(widths[1]) + "-+-" + "-".repeat(widths[2]) + "-+\n";
        text.append("reliability summary (form=").append(Form.name()).append(", seed=").append(Form.SEED).append(")\n");
        text.append(rule);
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            text.append("| ").append(pad(row[0], widths[0])).append(" | ").append(pad(row[1], widths[1]))
                    .append(" | ").append(padLeft(row[2], widths[2])).append(" |\n");
            if (r == 0) {
                text.append(rule);
            }
        }
        text.append(rule);
        text.append(lastLine());
        return text.toString();
    }

    /** The line for scripts. */
    static String lastLine() {
        return "reliability: cycles=" + CYCLES.get() + " leaks=" + LEAKS.get() + " parent_kills=" + PARENT_KILLS.get()
                + " max_cleanup_ms=" + MAX_CLEANUP_MS.get() + " hostile=" + HOSTILE.get() + " accepted=" + ACCEPTED.get()
                + " fuzz_execs=" + FUZZ_EXECS.get() + " hosted_leaked=" + HOSTED_LEAKED.get() + " heap_growth_mib="
                + HEAP_GROWTH_MIB.get() + " engine_faults=" + ENGINE_FAULTS.get() + " soak_minutes="
                + Math.round(SOAK_SECONDS.get() / 60.0);
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(width - text.length());
    }

    private static String padLeft(String text, int width) {
        return " ".repeat(width - text.length()) + text;
    }
}
