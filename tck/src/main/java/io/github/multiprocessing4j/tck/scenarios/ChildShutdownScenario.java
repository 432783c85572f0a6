package io.github.multiprocessing4j.tck.scenarios;

import static io.github.multiprocessing4j.tck.scenarios.ScenarioSupport.print;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.tck.Capability;
import io.github.multiprocessing4j.tck.OsProcesses;
import io.github.multiprocessing4j.tck.Targets;
import io.github.multiprocessing4j.tck.TckLauncher;
import java.nio.file.Path;
import java.time.Duration;

/**
 * SPEC L15: a child starts a daemon child (which would run 30 s), a non-daemon child and a
 * non-daemon thread (each about 1 s), then returns from its target. The child starts its
 * children with the launcher's {@link TckLauncher#nested() nested launcher}. The parent prints
 * the child's exit code once it ended, and, with
 * {@link Capability#GRANDCHILDREN_IN_HOST_PROCESS_TABLE}, whether the daemon grandchild was gone
 * with it.
 */
public final class ChildShutdownScenario {

    private ChildShutdownScenario() {
    }

    /**
     * Runs the scenario.
     *
     * @param args the directory for the pid files
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        TckLauncher launcher = ScenarioSupport.launcher();
        TckLauncher nested = launcher.nested();
        String dir = args[0];
        ChildProcess child = launcher.builder(() -> startThenReturn(nested, dir)).name("tck-c").build();
        child.start();
        child.join();
        print("c.exit", child.exitCode().orElse(Integer.MIN_VALUE));
        long daemonPid = Long.parseLong(ScenarioSupport.read(Path.of(dir, "d.pid")));
        print("d.pid", daemonPid);
        // elsewhere the pid is one of the child's pid namespace: never watch or signal it here
        if (launcher.has(Capability.GRANDCHILDREN_IN_HOST_PROCESS_TABLE)) {
            print("d.gone.within.2s", OsProcesses.awaitGone(daemonPid, Duration.ofSeconds(2)));
            OsProcesses.killQuietly(daemonPid);
        }
    }

    private static void startThenReturn(TckLauncher launcher, String dir) {
        String daemonPid = Path.of(dir, "d.pid").toString();
        String nonDaemonPid = Path.of(dir, "n.pid").toString();
        ChildProcess daemon = launcher.builder(() -> {
            Targets.write(daemonPid, Long.toString(Multiprocessing.currentProcess().pid()));
            Targets.sleep(Targets.MAX_WAIT.toMillis());
            print("d.finished", true);
        }).name("tck-d").daemon(true).build();
        ChildProcess nonDaemon = launcher.builder(() -> {
            Targets.write(nonDaemonPid, Long.toString(Multiprocessing.currentProcess().pid()));
            Targets.sleep(1_000);
            print("n.finished", true);
        }).name("tck-n").daemon(false).build();
        daemon.start();
        nonDaemon.start();
        Thread thread = new Thread(() -> {
            Targets.sleep(1_000);
            print("t.finished", true);
        }, "tck-non-daemon-thread");
        thread.setDaemon(false);
        thread.start();
        Targets.awaitFile(daemonPid);
        Targets.awaitFile(nonDaemonPid);
        print("c.returning", true);
    }
}
