package io.github.multiprocessing4j.tck.scenarios;

import static io.github.multiprocessing4j.tck.scenarios.ScenarioSupport.print;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.spi.LauncherProvider;
import io.github.multiprocessing4j.tck.Scenario;
import java.nio.file.Path;
import java.util.List;

/**
 * SPEC "bad input": the target's class is missing in the child. The child's class path has only
 * core, spi and slf4j-api, not the tck that declares the target lambda. The parent prints the
 * child's exit code.
 */
public final class MissingClassScenario {

    private MissingClassScenario() {
    }

    /**
     * Runs the scenario.
     *
     * @param args none
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        List<Path> classPath = List.of(Scenario.classPathEntryOf(ChildProcess.class),
                Scenario.classPathEntryOf(LauncherProvider.class),
                Scenario.classPathEntryOf(org.slf4j.Logger.class));
        ChildProcess child = ScenarioSupport.launcher().builder(() -> print("child.ran", true))
                .classPath(classPath).build();
        child.start();
        child.join();
        print("exit", child.exitCode().orElse(Integer.MIN_VALUE));
    }
}
