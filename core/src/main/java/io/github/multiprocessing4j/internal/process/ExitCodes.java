package io.github.multiprocessing4j.internal.process;

import io.github.multiprocessing4j.internal.channel.EndReport;
import java.util.Map;

/**
 * The exit code a user sees (SPEC L14, L16): Python's {@code exitcode}, {@code -N} for death by
 * signal N, for every launcher.
 */
public final class ExitCodes {

    /**
     * Reported when the launcher lost track of the process (for example the Docker engine died
     * mid-run); logged as an error when it happens.
     */
    public static final int LOST = 255;

    private static final Map<Integer, String> SIGNAL_NAMES = Map.ofEntries(
            Map.entry(1, "SIGHUP"), Map.entry(2, "SIGINT"), Map.entry(3, "SIGQUIT"), Map.entry(4, "SIGILL"),
            Map.entry(5, "SIGTRAP"), Map.entry(6, "SIGABRT"), Map.entry(7, "SIGBUS"), Map.entry(8, "SIGFPE"),
            Map.entry(9, "SIGKILL"), Map.entry(10, "SIGUSR1"), Map.entry(11, "SIGSEGV"), Map.entry(12, "SIGUSR2"),
            Map.entry(13, "SIGPIPE"), Map.entry(14, "SIGALRM"), Map.entry(15, "SIGTERM"), Map.entry(17, "SIGCHLD"),
            Map.entry(18, "SIGCONT"), Map.entry(19, "SIGSTOP"), Map.entry(20, "SIGTSTP"), Map.entry(24, "SIGXCPU"),
            Map.entry(25, "SIGXFSZ"), Map.entry(26, "SIGVTALRM"), Map.entry(27, "SIGPROF"));

    private ExitCodes() {
    }

    /**
     * Combines what the OS (or engine) reports with what the child said about its own end.
     * {@code 128 + N} from the OS means "killed by signal N" unless the child said it called
     * {@code System.exit} itself. A report only counts where the raw status agrees with it: a
     * SIGKILL that lands while the child runs its shutdown hooks after SIGTERM is -9, not -15.
     *
     * <p>A JVM that gets SIGTERM while it boots, before it runs any Java code, does not die of
     * the signal: its initialisation fails ("Error occurred during initialization of VM",
     * {@code InternalError: Bad level}) and it exits with 1. So a child that was sent SIGTERM and
     * ended with a code of its own without reporting anything never ran its target: it was
     * terminated, -15, as Python's {@code terminate()} reports.
     *
     * @param raw the raw exit status: the exit value, or 128 + N after signal N
     * @param report what the child reported, or null if it reported nothing (killed hard, or
     *     it never got as far as the handshake)
     * @param killSent whether the parent sent SIGKILL to it
     * @param terminateSent whether the parent sent SIGTERM to it
     * @return the user-visible exit code
     */
    static int resolve(int raw, EndReport report, boolean killSent, boolean terminateSent) {
        if (killSent && raw == 128 + 9) {
            return -9;
        }
        if (terminateSent && report == null && raw > 0 && raw < 128) {
            return -15;
        }
        if (report != null) {
            switch (report.kind()) {
                case SIGNALLED:
                    if (raw == 128 + report.signal()) {
                        return -report.signal();
                    }
                    break;
                case EXIT_CALLED:
                    return raw;
                default:
                    if (raw == report.code()) {
                        return raw;
                    }
                    // the child meant to exit with its code but a signal got it first
                    break;
            }
        }
        if (raw > 128 && raw < 128 + 65) {
            return -(raw - 128);
        }
        return raw;
    }

    /**
     * Python's {@code _exitcode_to_name}: {@code -SIGTERM} for -15, the number otherwise.
     *
     * @param code an exit code
     * @return the text for {@code toString()}
     */
    public static String toName(int code) {
        if (code < 0 && SIGNAL_NAMES.containsKey(-code)) {
            return "-" + SIGNAL_NAMES.get(-code);
        }
        return Integer.toString(code);
    }
}
