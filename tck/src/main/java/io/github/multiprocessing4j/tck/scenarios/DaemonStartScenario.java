package io.github.multiprocessing4j.tck.scenarios;

import static io.github.multiprocessing4j.tck.scenarios.ScenarioSupport.print;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.tck.Targets;
import io.github.multiprocessing4j.tck.TckLauncher;

/**
 * SPEC L9: a daemon child tries to start children, with the inherited daemon flag and with
 * {@code daemon(false)}; it prints what {@code start()} threw.
 */
public final class DaemonStartScenario {

    private DaemonStartScenario() {
    }

    /**
     * Runs the scenario.
     *
     * @param args none
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        TckLauncher launcher = ScenarioSupport.launcher();
        ChildProcess daemon = launcher.builder(() -> tryToStartChildren(launcher)).name("tck-daemon").daemon(true).build();
        daemon.start();
        daemon.join();
        print("exit", daemon.exitCode().orElse(Integer.MIN_VALUE));
    }

    private static void tryToStartChildren(TckLauncher launcher) {
        print("current.daemon", Multiprocessing.currentProcess().isDaemon());
        print("inherited.error", startAndDescribe(launcher.builder(Targets::nothing).build()));
        print("explicit.error", startAndDescribe(launcher.builder(Targets::nothing).daemon(false).build()));
        print("children", Multiprocessing.activeChildren().size());
    }

    private static String startAndDescribe(ChildProcess process) {
        try {
            process.start();
            return "none: the process started";
        } catch (RuntimeException e) {
            return ScenarioSupport.describe(e);
        }
    }
}
