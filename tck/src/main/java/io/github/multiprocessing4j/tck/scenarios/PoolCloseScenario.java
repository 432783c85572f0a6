package io.github.multiprocessing4j.tck.scenarios;

import static io.github.multiprocessing4j.tck.scenarios.ScenarioSupport.print;

import io.github.multiprocessing4j.Pool;
import io.github.multiprocessing4j.tck.TckLauncher;

/**
 * Pools ended while their workers still boot, as a newcomer's program does when it builds a pool
 * and leaves at once: one closed and joined, one terminated, one closed and left to the JVM's
 * exit. Each is orderly, so the test expects nothing above DEBUG in this JVM's log and no stack
 * trace from a worker.
 */
public final class PoolCloseScenario {

    private PoolCloseScenario() {
    }

    /**
     * Runs the scenario.
     *
     * @param args none
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        TckLauncher launcher = ScenarioSupport.launcher();
        Pool closed = pool(launcher);
        closed.close();
        closed.join();
        print("closed.joined", true);
        Pool terminated = pool(launcher);
        terminated.terminate();
        print("terminated", true);
        Pool left = pool(launcher);
        left.close();
        print("left.closed", true);
    }

    private static Pool pool(TckLauncher launcher) {
        Pool.Builder builder = Pool.builder().processes(2).launcher(launcher.name());
        launcher.options().forEach(builder::launcherOption);
        return builder.build();
    }
}
