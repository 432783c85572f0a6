package io.github.multiprocessing4j.tck.scenarios;

import static io.github.multiprocessing4j.tck.scenarios.ScenarioSupport.print;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.tck.Targets;
import io.github.multiprocessing4j.tck.TckLauncher;
import java.nio.file.Path;

/**
 * SPEC L23 and L24, the seed's daemon example: a daemon child (which would print its second
 * line after 20 s) and a non-daemon child (which prints its second line 1 s after the first, or
 * in modes {@code kill} and {@code term} once the test creates the file {@link #GO}). Once both
 * run the parent prints their pids and {@code READY=true}, then ends as the mode says:
 * {@code return} from main, {@code exit} with {@code System.exit(0)}, or wait (at most 30 s) for
 * the test to send a signal: SIGTERM ({@code term}), SIGINT ({@code signal}), or
 * SIGKILL ({@code kill}). In mode {@code kill} it also starts a
 * non-daemon child built with {@code dieWithParent(true)}. A non-daemon child that runs to its
 * end prints its second line and then creates the file {@link #exited(String)} in the
 * directory, which the test sees even where the child's output cannot reach it any more.
 */
public final class ParentEndScenario {

    /** The file the test creates to let the non-daemon child finish in modes {@code kill} and {@code term}. */
    public static final String GO = "go";
    /** The key of the non-daemon child, in its lines and in {@link #exited(String)}. */
    public static final String NON_DAEMON = "nondaemon";
    /** The key of the non-daemon child built with {@code dieWithParent(true)}. */
    public static final String DIES_WITH_PARENT = "dieswithparent";

    private ParentEndScenario() {
    }

    /**
     * The name of the file that a non-daemon child creates in the scenario's directory when it
     * has run to its end.
     *
     * @param key {@link #NON_DAEMON} or {@link #DIES_WITH_PARENT}
     * @return the file name
     */
    public static String exited(String key) {
        return key + ".exited";
    }

    /**
     * Runs the scenario.
     *
     * @param args the mode and a directory for the files that synchronize with the test
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        TckLauncher launcher = ScenarioSupport.launcher();
        String mode = args[0];
        String dir = args[1];
        boolean kill = mode.equals("kill");
        boolean awaitGo = kill || mode.equals("term");
        String daemonReady = Path.of(dir, "daemon.ready").toString();
        String nonDaemonReady = Path.of(dir, "nondaemon.ready").toString();
        String diesReady = Path.of(dir, "dieswithparent.ready").toString();
        String go = Path.of(dir, GO).toString();

        ChildProcess daemon = launcher.builder(() -> daemonWork(daemonReady))
                .name("tck-daemon").daemon(true).build();
        ChildProcess nonDaemon = launcher.builder(() -> nonDaemonWork(NON_DAEMON, dir, nonDaemonReady, awaitGo ? go : null))
                .name("tck-nondaemon").daemon(false).build();
        daemon.start();
        nonDaemon.start();
        Targets.awaitFile(daemonReady);
        Targets.awaitFile(nonDaemonReady);
        print("daemon.pid", daemon.pid().orElse(-1));
        print("nondaemon.pid", nonDaemon.pid().orElse(-1));
        if (kill) {
            ChildProcess dies = launcher.builder(() -> nonDaemonWork(DIES_WITH_PARENT, dir, diesReady, go))
                    .name("tck-dies-with-parent").daemon(false).dieWithParent(true).build();
            dies.start();
            Targets.awaitFile(diesReady);
            print("dieswithparent.pid", dies.pid().orElse(-1));
        }
        print("READY", true);
        switch (mode) {
            case "return":
                return;
            case "exit":
                System.exit(0);
                break;
            default:
                Targets.sleep(Targets.MAX_WAIT.toMillis());
                print("not.signalled", true);
                System.exit(3);
        }
    }

    private static void daemonWork(String ready) {
        long pid = Multiprocessing.currentProcess().pid();
        print("daemon.starting", pid);
        Targets.touch(ready);
        Targets.sleep(20_000);
        print("daemon.exiting", pid);
    }

    private static void nonDaemonWork(String key, String dir, String ready, String go) {
        long pid = Multiprocessing.currentProcess().pid();
        print(key + ".starting", pid);
        Targets.touch(ready);
        if (go == null) {
            Targets.sleep(1_000);
        } else {
            Targets.awaitFile(go);
        }
        print(key + ".exiting", pid);
        Targets.touch(Path.of(dir, exited(key)).toString());
    }
}
