package io.github.multiprocessing4j.tck.scenarios;

import static io.github.multiprocessing4j.tck.scenarios.ScenarioSupport.print;

import io.github.multiprocessing4j.Array;
import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.SharedMemory;
import io.github.multiprocessing4j.Value;
import io.github.multiprocessing4j.tck.Targets;
import io.github.multiprocessing4j.tck.TckLauncher;

/**
 * SPEC M5, M6: a main process that shares a {@link SharedMemory} block, a {@link Value} and an
 * {@link Array} with a child, which attaches to the block by name and writes to all three, and
 * prints what the child wrote. Then, in mode {@code end}, main returns (the test checks that
 * nothing of the session is left under {@code /dev/shm}). Mode {@code alone} makes the same
 * objects without a child and returns: a session that starts and ends. Mode {@code hold} makes
 * them without a child, prints {@code READY=true} and waits (at most 30 s) to be killed with
 * SIGKILL, so that its files are left for the next session to remove.
 */
public final class SharedStateScenario {

    private SharedStateScenario() {
    }

    /**
     * Runs the scenario.
     *
     * @param args the mode: {@code end}, {@code alone} or {@code hold}
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        TckLauncher launcher = ScenarioSupport.launcher();
        SharedMemory block = SharedMemory.create(64);
        Value value = Value.of('i', 0);
        Array array = Array.of('d', 2);
        String name = block.name();
        print("name", name);
        print("pid", ProcessHandle.current().pid());
        if (!args[0].equals("end")) {
            if (args[0].equals("hold")) {
                print("READY", true);
                Targets.sleep(Targets.MAX_WAIT.toMillis());
                print("not.killed", true);
                System.exit(3);
            }
            return;
        }
        ChildProcess child = launcher.builder(() -> {
            SharedMemory attached = SharedMemory.attach(name);
            attached.buffer().put(0, (byte) 7);
            attached.close();
            value.set(41);
            array.set(1, 2.5);
        }).build();
        child.start();
        child.join(Targets.MAX_WAIT);
        print("child.exitcode", child.exitCode().orElse(-1));
        print("seen", block.buffer().get(0) + "," + value.getInt() + "," + array.getDouble(1));
    }
}
