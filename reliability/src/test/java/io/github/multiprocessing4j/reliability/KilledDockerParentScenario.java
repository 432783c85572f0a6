package io.github.multiprocessing4j.reliability;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Event;
import io.github.multiprocessing4j.SerializableRunnable;
import java.time.Duration;

/**
 * A parent JVM whose children are containers or pods (the launcher of
 * {@code -Dmultiprocessing4j.launcher}), killed with SIGKILL by the docker and kubernetes parts of
 * the parent-death test. It starts a non-daemon child that, once the phase is reached, works for
 * {@link #NON_DAEMON_MILLIS} and returns (counted from the phase, not from its start: on a loaded
 * machine the phase {@code terminate} once took longer than that to reach, and the non-daemon child
 * had returned before its parent was killed), and a daemon child that sleeps for ever; once both have said they run (an
 * {@link Event}: containers and pods share no file system with the test) it prints {@code READY}, enters
 * its phase, prints {@code PHASE} and lets the test kill it at a random moment of that phase:
 * <ul>
 * <li>{@code start}: starts daemon children back to back, so the kill lands in a start (a
 * container may be left created and never started: the next session removes it);</li>
 * <li>{@code running}: waits, its children running;</li>
 * <li>{@code terminate}: terminates daemon children whose shutdown hooks take a while, so the
 * kill lands while they end.</li>
 * </ul>
 * Children are named {@code daemon-<n>} and {@code nondaemon}: the test tells their containers
 * apart by the process-name label.
 */
public final class KilledDockerParentScenario {

    /** How long the non-daemon child works, from the phase on, before it returns (exit code 0). */
    static final long NON_DAEMON_MILLIS = 8_000;
    /** How many daemon children the phases {@code start} and {@code terminate} start. */
    static final int PHASE_CHILDREN = 3;

    private KilledDockerParentScenario() {
    }

    /**
     * Runs the scenario.
     *
     * @param args the phase
     * @throws InterruptedException never expected
     */
    public static void main(String[] args) throws InterruptedException {
        String phase = args[0];
        Event nonDaemonRuns = new Event();
        Event daemonRuns = new Event();
        Event phaseReached = new Event();
        child("nondaemon", () -> workThenReturn(nonDaemonRuns, phaseReached), false).start();
        child("daemon-0", () -> setThenSleep(daemonRuns), true).start();
        if (!nonDaemonRuns.await(Children.DEADLINE) || !daemonRuns.await(Children.DEADLINE)) {
            System.out.println("NOT READY");
            System.exit(2);
        }
        System.out.println("READY");
        switch (phase) {
            case "start" -> {
                phaseReached.set();
                System.out.println("PHASE");
                for (int i = 1; i <= PHASE_CHILDREN; i++) {
                    child("daemon-" + i, Children::sleepForever, true).start();
                }
            }
            case "running" -> {
                phaseReached.set();
                System.out.println("PHASE");
            }
            case "terminate" -> {
                ChildProcess[] slow = new ChildProcess[PHASE_CHILDREN];
                Event[] hooked = new Event[PHASE_CHILDREN];
                for (int i = 0; i < PHASE_CHILDREN; i++) {
                    Event ready = new Event();
                    hooked[i] = ready;
                    slow[i] = child("daemon-" + (i + 1), () -> slowHookThenSleep(ready), true);
                    slow[i].start();
                }
                for (Event ready : hooked) {
                    ready.await(Children.DEADLINE);
                }
                phaseReached.set();
                System.out.println("PHASE");
                for (ChildProcess process : slow) {
                    process.terminate();
                }
            }
            default -> throw new IllegalArgumentException("unknown phase " + phase);
        }
        System.out.flush();
        Children.sleep(Children.DEADLINE.toMillis());
        System.exit(3);
    }

    private static ChildProcess child(String name, SerializableRunnable target, boolean daemon) {
        return Children.builder(target).name(name).daemon(daemon).build();
    }

    private static void workThenReturn(Event runs, Event phaseReached) {
        runs.set();
        try {
            phaseReached.await(Children.DEADLINE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Children.sleep(NON_DAEMON_MILLIS);
    }

    private static void setThenSleep(Event runs) {
        runs.set();
        Children.sleepForever();
    }

    private static void slowHookThenSleep(Event hooked) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Children.sleep(Duration.ofSeconds(1).toMillis())));
        hooked.set();
        Children.sleepForever();
    }
}
