package io.github.multiprocessing4j.examples;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Multiprocessing;
import java.time.Duration;

/**
 * {@code name}: a process named {@code foo_process} and one with the default name
 * ({@code ChildProcess-2} when this program runs alone; Python's is {@code Process-2}) each print
 * {@code Starting <name>}, sleep three seconds and print {@code Exiting <name>}.
 *
 * <p>As in the seed, {@code foo_process} is a daemon and the parent joins it (without the join
 * the daemon would be terminated when the parent exits, before it prints); the default-named
 * process is not a daemon, so the parent's exit waits for it (SPEC L23). The seed's lines end in
 * {@code " \n"}, which only adds trailing blanks and empty lines; the output is the seed's
 * documented output, without them.
 */
public final class NameExample {

    private NameExample() {
    }

    static void foo() {
        String name = Multiprocessing.currentProcess().name();
        System.out.println("Starting " + name);
        Time.sleep(Duration.ofSeconds(3));
        System.out.println("Exiting " + name);
    }

    /**
     * Runs the program.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted while joining
     */
    public static void main(String... args) throws InterruptedException {
        ChildProcess processWithName = ChildProcess.builder(NameExample::foo)
                .name("foo_process")
                .daemon(true)
                .build();
        ChildProcess processWithDefaultName = new ChildProcess(NameExample::foo);
        processWithName.start();
        processWithDefaultName.start();
        processWithName.join();
    }
}
