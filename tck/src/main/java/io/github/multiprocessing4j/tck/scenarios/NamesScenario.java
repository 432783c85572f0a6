package io.github.multiprocessing4j.tck.scenarios;

import static io.github.multiprocessing4j.tck.scenarios.ScenarioSupport.print;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.tck.Targets;
import io.github.multiprocessing4j.tck.TckLauncher;

/**
 * SPEC L2 in a fresh JVM, where the counter is exact: every construction takes a number, names
 * or not, started or not; a child counts its own children below its identity.
 */
public final class NamesScenario {

    private NamesScenario() {
    }

    /**
     * Runs the scenario.
     *
     * @param args none
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        TckLauncher launcher = ScenarioSupport.launcher();
        ChildProcess first = new ChildProcess(Targets::nothing);
        print("first", first.getName());
        print("first.identity", first.identity());
        print("subclass", new MyProcess().getName());
        print("named", launcher.builder(Targets::nothing).name("given").build().getName());
        ChildProcess fourth = new ChildProcess(Targets::nothing);
        print("fourth", fourth.getName());
        fourth.setName("renamed");
        fourth.setName(null);
        print("null.name", fourth.getName());
        fourth.setName("renamed");
        fourth.setName("");
        print("empty.name", fourth.getName());
        print("built.empty.name", launcher.builder(Targets::nothing).name("").build().getName());
        ChildProcess child = launcher.builder(NamesScenario::inTheChild).build();
        print("child", child.getName());
        child.start();
        child.join();
        print("exit", child.exitCode().orElse(Integer.MIN_VALUE));
    }

    private static void inTheChild() {
        print("child.identity", Multiprocessing.currentProcess().identityString());
        print("grandchild.first", new ChildProcess(Targets::nothing).getName());
        print("grandchild.second", new MyProcess().getName());
    }
}
