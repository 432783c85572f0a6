package io.github.multiprocessing4j.examples;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Multiprocessing;
import java.time.Duration;

/**
 * {@code daemon}: {@code background_process} (a daemon) and {@code NO_background_process} (not
 * a daemon) each print {@code Starting <name>}, sleep three seconds and print
 * {@code Exiting <name>}; {@code main} returns at once.
 *
 * <p>What happens next is the parent's exit (SPEC L23, Python's {@code _exit_function}): the
 * daemon is terminated, the other child is joined. So {@code NO_background_process} prints both
 * lines, and {@code Exiting background_process} never appears ({@code Starting
 * background_process} usually does not either: the daemon rarely gets that far).
 */
public final class DaemonExample {

    private DaemonExample() {
    }

    static void foo() {
        String name = Multiprocessing.currentProcess().name();
        System.out.println("Starting " + name);
        Time.sleep(Duration.ofSeconds(3));
        System.out.println("Exiting " + name);
    }

    /**
     * Runs the program: starts both children and returns.
     *
     * @param args ignored
     */
    public static void main(String... args) {
        ChildProcess backgroundProcess = ChildProcess.builder(DaemonExample::foo)
                .name("background_process")
                .daemon(true)
                .build();
        ChildProcess noBackgroundProcess = ChildProcess.builder(DaemonExample::foo)
                .name("NO_background_process")
                .daemon(false)
                .build();
        backgroundProcess.start();
        noBackgroundProcess.start();
    }
}
