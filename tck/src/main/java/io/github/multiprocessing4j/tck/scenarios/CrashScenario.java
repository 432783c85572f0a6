package io.github.multiprocessing4j.tck.scenarios;

import static io.github.multiprocessing4j.tck.scenarios.ScenarioSupport.print;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.tck.Targets;

/**
 * SPEC L14: a child named {@code tck-crash} throws; another, {@code tck-checked}, throws a checked
 * exception straight out of its target, which needs no {@code try}; the parent prints their exit
 * codes.
 */
public final class CrashScenario {

    /** The message of the exception the child throws. */
    public static final String MESSAGE = "tck boom 测试";

    private CrashScenario() {
    }

    /**
     * Runs the scenario.
     *
     * @param args none
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        ChildProcess child = ScenarioSupport.launcher().builder(() -> Targets.fail(MESSAGE)).name("tck-crash").build();
        child.start();
        child.join();
        print("exit", child.exitCode().orElse(Integer.MIN_VALUE));
        ChildProcess checked = ScenarioSupport.launcher().builder(() -> {
            throw new java.io.IOException(MESSAGE);
        }).name("tck-checked").build();
        checked.start();
        checked.join();
        print("checked.exit", checked.exitCode().orElse(Integer.MIN_VALUE));
    }
}
