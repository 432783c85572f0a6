package io.github.multiprocessing4j.reliability;

import io.github.multiprocessing4j.ChildProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A parent JVM that the parent-death part kills with SIGKILL. It starts a non-daemon child
 * (which finishes once the test creates {@code go}, then creates {@code nondaemon.exited}) and a
 * daemon child, prints {@code READY}, then enters its phase, prints {@code PHASE} and lets the
 * test kill it at a random moment of that phase:
 * <ul>
 * <li>{@code start}: starts daemon children back to back, so the kill lands in a start;</li>
 * <li>{@code running}: waits, its children running;</li>
 * <li>{@code terminate}: terminates daemon children whose shutdown hooks take a while, so the
 * kill lands while they end.</li>
 * </ul>
 * Every child carries the environment variable {@link #ROLE} ({@code daemon} or
 * {@code nondaemon}), by which the test tells them apart once they are orphans.
 */
public final class KilledParentScenario {

    /** The environment variable that says whether a child is a daemon. */
    public static final String ROLE = "RELIABILITY_ROLE";
    /** How many daemon children the phases {@code start} and {@code terminate} start. */
    static final int PHASE_CHILDREN = 4;

    private KilledParentScenario() {
    }

    /**
     * Runs the scenario.
     *
     * @param args the directory for the files shared with the test, and the phase
     */
    public static void main(String[] args) {
        String dir = args[0];
        String phase = args[1];
        ChildProcess nonDaemon = child(() -> nonDaemonWork(dir), false).build();
        ChildProcess daemon = child(() -> Children.readyThenSleep(file(dir, "daemon.ready")), true).build();
        nonDaemon.start();
        daemon.start();
        Children.awaitFile(file(dir, "nondaemon.ready"));
        Children.awaitFile(file(dir, "daemon.ready"));
        System.out.println("READY");
        List<ChildProcess> more = new ArrayList<>();
        switch (phase) {
            case "start":
                System.out.println("PHASE");
                for (int i = 0; i < PHASE_CHILDREN; i++) {
                    ChildProcess next = child(Children::sleepForever, true).build();
                    next.start();
                    more.add(next);
                }
                break;
            case "running":
                System.out.println("PHASE");
                break;
            case "terminate":
                for (int i = 0; i < PHASE_CHILDREN; i++) {
                    String ready = file(dir, "slow-hook-" + i + ".ready");
                    ChildProcess next = child(() -> slowHookThenSleep(ready), true).build();
                    next.start();
                    more.add(next);
                }
                for (int i = 0; i < PHASE_CHILDREN; i++) {
                    Children.awaitFile(file(dir, "slow-hook-" + i + ".ready"));
                }
                System.out.println("PHASE");
                more.forEach(ChildProcess::terminate);
                break;
            default:
                throw new IllegalArgumentException("unknown phase " + phase);
        }
        System.out.flush();
        Children.sleep(Children.DEADLINE.toMillis());
        System.exit(3);
    }

    private static ChildProcess.Builder child(io.github.multiprocessing4j.SerializableRunnable target, boolean daemon) {
        return Children.builder(target).daemon(daemon).environment(ROLE, daemon ? "daemon" : "nondaemon");
    }

    static String file(String dir, String name) {
        return Path.of(dir, name).toString();
    }

    private static void nonDaemonWork(String dir) {
        Children.touch(file(dir, "nondaemon.ready"));
        if (Children.awaitFile(file(dir, "go"))) {
            Children.touch(file(dir, "nondaemon.exited"));
        }
    }

    private static void slowHookThenSleep(String ready) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Children.sleep(1000)));
        Children.touch(ready);
        Children.sleepForever();
    }
}
