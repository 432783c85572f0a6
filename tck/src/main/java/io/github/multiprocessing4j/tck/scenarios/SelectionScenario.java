package io.github.multiprocessing4j.tck.scenarios;

import static io.github.multiprocessing4j.tck.scenarios.ScenarioSupport.print;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.tck.Targets;

/**
 * SPEC S1 and S2: launcher selection as this JVM's class path, system properties and environment
 * make it. Runs its arguments as commands, in order:
 * <ul>
 *   <li>{@code all}: prints {@code all=} the names of the launchers found, comma separated</li>
 *   <li>{@code default}: prints {@code default=} the default launcher's name (or
 *       {@code default.error=})</li>
 *   <li>{@code set:<name>}: {@code Multiprocessing.setStartMethod(name)}</li>
 *   <li>{@code start}: starts and joins a process with the default launcher; prints
 *       {@code start.exit=} or {@code start.error=}</li>
 *   <li>{@code start:<name>}: the same with the launcher named in the builder; prints
 *       {@code start.<name>.exit=} or {@code start.<name>.error=}</li>
 * </ul>
 * Errors are printed as {@code <exception class>: <message>}.
 */
public final class SelectionScenario {

    private SelectionScenario() {
    }

    /**
     * Runs the commands.
     *
     * @param args the commands
     */
    public static void main(String[] args) {
        for (String command : args) {
            try {
                run(command);
            } catch (RuntimeException e) {
                print(command.startsWith("start:") ? "start." + command.substring("start:".length()) + ".error"
                        : command.replaceFirst(":.*", "") + ".error", ScenarioSupport.describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void run(String command) throws InterruptedException {
        if (command.equals("all")) {
            print("all", String.join(",", Multiprocessing.getAllStartMethods()));
        } else if (command.equals("default")) {
            print("default", Multiprocessing.getStartMethod());
        } else if (command.startsWith("set:")) {
            Multiprocessing.setStartMethod(command.substring("set:".length()));
        } else if (command.equals("start")) {
            ChildProcess process = new ChildProcess(Targets::nothing);
            process.start();
            process.join();
            print("start.exit", process.exitCode().orElse(Integer.MIN_VALUE));
        } else if (command.startsWith("start:")) {
            String name = command.substring("start:".length());
            ChildProcess process = ChildProcess.builder(Targets::nothing).launcher(name).build();
            process.start();
            process.join();
            print("start." + name + ".exit", process.exitCode().orElse(Integer.MIN_VALUE));
        } else {
            throw new IllegalArgumentException("unknown command " + command);
        }
    }
}
