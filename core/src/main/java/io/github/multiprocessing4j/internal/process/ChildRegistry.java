package io.github.multiprocessing4j.internal.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The children this process started and that have not ended yet (SPEC L22), and what happens to
 * them when this process ends (SPEC L15, L23). Python: {@code _children} and
 * {@code util._exit_function}.
 */
public final class ChildRegistry {

    /** How long daemon children get between SIGTERM and SIGKILL when their parent ends. */
    static final Duration DAEMON_GRACE = Duration.ofSeconds(2);

    private static final Set<ChildHandle> ACTIVE = new LinkedHashSet<>();

    private ChildRegistry() {
    }

    /**
     * Records a started child.
     *
     * @param process the child
     */
    public static void add(ChildHandle process) {
        ShutdownSequence.install();
        synchronized (ACTIVE) {
            ACTIVE.add(process);
        }
    }

    /**
     * Forgets a child that ended or was closed.
     *
     * @param process the child
     */
    public static void remove(ChildHandle process) {
        synchronized (ACTIVE) {
            ACTIVE.remove(process);
        }
    }

    /**
     * The live children, in start order.
     *
     * @return a snapshot, never null
     */
    public static List<ChildHandle> active() {
        synchronized (ACTIVE) {
            return List.copyOf(ACTIVE);
        }
    }

    /**
     * Ends this process's children the way Python's exit function does, with one difference:
     * daemon children that ignore SIGTERM are killed after {@link #DAEMON_GRACE}. Then waits for
     * the non-daemon children, however long they take (SPEC L15, L23).
     */
    static void endChildren() {
        endChildren(true);
    }

    /**
     * Ends this process's daemon children as {@link #endChildren()} does; then waits for the
     * non-daemon children only if asked to. A process that SIGTERM ends does not wait for them:
     * they keep running, as in Python, where SIGTERM's default action ends the process at once
     * (SPEC L23).
     *
     * @param joinNonDaemons whether to wait for the non-daemon children
     */
    static void endChildren(boolean joinNonDaemons) {
        List<ChildHandle> children = active();
        List<ChildHandle> daemons = new ArrayList<>();
        for (ChildHandle child : children) {
            if (child.isDaemon()) {
                daemons.add(child);
                child.terminate();
            }
        }
        long deadline = System.nanoTime() + DAEMON_GRACE.toNanos();
        for (ChildHandle daemon : daemons) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!daemon.join(Duration.ofNanos(left))) {
                    Log.LOGGER.warn("daemon process {} ignored SIGTERM for {} ms; killing it",
                            daemon.name(), DAEMON_GRACE.toMillis());
                    daemon.kill();
                    daemon.join(Duration.ofSeconds(5));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!joinNonDaemons) {
            return;
        }
        for (ChildHandle child : children) {
            if (!child.isDaemon()) {
                try {
                    child.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(ChildRegistry.class);
    }
}
