package io.github.multiprocessing4j.internal.process;

import io.github.multiprocessing4j.internal.channel.ControlServer;
import io.github.multiprocessing4j.internal.launch.LaunchSettings;
import io.github.multiprocessing4j.internal.launch.Launchers;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warm start, the JVM's answer to Python's {@code forkserver}: a few child JVMs of a launcher
 * kept booted, connected and authenticated, each waiting for a task. {@code start()} of a
 * process with default settings takes one and only hands it the task; a replacement boots in
 * the background. Each standby serves exactly one process (a fresh OS process per
 * {@code ChildProcess}, SPEC L11–L16 unchanged). Standbys are not children yet: they are not in
 * {@code activeChildren()}, and they end when this JVM ends (or with it, SIGKILL included:
 * their channel breaks before they have a task).
 *
 * <p>How many per launcher: {@link #setTarget(int)}, else the system property
 * {@code multiprocessing4j.warm}; 0 (the default) turns warm start off.
 */
public final class WarmStandby {

    /** The system property with the number of standby JVMs per launcher. */
    public static final String PROPERTY = "multiprocessing4j.warm";

    private static final Map<String, Deque<ProcessStarter.Launched>> READY = new HashMap<>();
    private static final ExecutorService BOOTER = Executors.newSingleThreadExecutor(
            ControlServer.daemonThreads("multiprocessing4j-warm"));
    private static volatile Integer target;

    private WarmStandby() {
    }

    /**
     * Sets how many standby JVMs to keep per launcher, overriding the system property; 0 ends
     * the current ones.
     *
     * @param count the number, at least 0
     */
    public static void setTarget(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("the number of warm JVMs must be >= 0, was " + count);
        }
        target = count;
        if (count == 0) {
            endAll();
        }
    }

    /**
     * How many standby JVMs are kept per launcher.
     *
     * @return the number
     */
    public static int target() {
        Integer set = target;
        return set != null ? set : Math.max(0, Integer.getInteger(PROPERTY, 0));
    }

    /**
     * Takes a standby of this launcher, if one is ready, and boots its replacement.
     *
     * @return a standby whose task is not yet delivered, or null (warm start off, or none ready)
     */
    static ProcessStarter.Launched take(Launchers.Selected launcher) {
        int wanted = target();
        if (wanted == 0) {
            return null;
        }
        ProcessStarter.Launched taken = null;
        synchronized (READY) {
            Deque<ProcessStarter.Launched> ready = READY.computeIfAbsent(launcher.name(), name -> new ArrayDeque<>());
            while (taken == null && !ready.isEmpty()) {
                ProcessStarter.Launched candidate = ready.pollFirst();
                if (!candidate.handle().onExit().isDone()) {
                    taken = candidate;
                }
            }
        }
        refill(launcher);
        return taken;
    }

    private static void refill(Launchers.Selected launcher) {
        BOOTER.execute(() -> {
            while (true) {
                synchronized (READY) {
                    Deque<ProcessStarter.Launched> ready = READY.computeIfAbsent(launcher.name(), n -> new ArrayDeque<>());
                    ready.removeIf(standby -> standby.handle().onExit().isDone());
                    if (ready.size() >= target()) {
                        return;
                    }
                }
                ProcessStarter.Launched standby;
                try {
                    standby = ProcessStarter.launch(launcher, "multiprocessing4j-standby", false,
                            LaunchSettings.defaults(), true);
                } catch (RuntimeException e) {
                    Log.LOGGER.warn("could not boot a warm JVM with launcher '{}': {}", launcher.name(), e.getMessage());
                    return;
                }
                // a standby that dies while it waits is forgotten; one that was taken belongs to its process
                standby.handle().onExit().whenComplete((code, failure) -> {
                    boolean waiting;
                    synchronized (READY) {
                        Deque<ProcessStarter.Launched> ready = READY.get(launcher.name());
                        waiting = ready != null && ready.remove(standby);
                    }
                    if (waiting) {
                        standby.pending().close();
                    }
                });
                ShutdownSequence.install();
                boolean wanted;
                synchronized (READY) {
                    // warm start may have been turned down while this one booted
                    Deque<ProcessStarter.Launched> ready = READY.computeIfAbsent(launcher.name(), n -> new ArrayDeque<>());
                    wanted = ready.size() < target();
                    if (wanted) {
                        ready.addLast(standby);
                    }
                }
                if (!wanted) {
                    standby.handle().kill();
                    standby.pending().close();
                    return;
                }
            }
        });
    }

    /** Ends every standby; called when warm start is turned off and when this JVM exits. */
    static void endAll() {
        List<ProcessStarter.Launched> all = new ArrayList<>();
        synchronized (READY) {
            READY.values().forEach(all::addAll);
            READY.clear();
        }
        for (ProcessStarter.Launched standby : all) {
            standby.handle().kill();
        }
        for (ProcessStarter.Launched standby : all) {
            standby.handle().onExit().handle((code, failure) -> null).join();
        }
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(WarmStandby.class);
    }
}
