package io.github.multiprocessing4j.examples;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Multiprocessing;
import java.time.Duration;

/**
 * {@code pid}: the {@code name} program with {@code .name} replaced by {@code .pid}. Each child
 * prints {@code Starting <pid>}, sleeps three seconds and prints {@code Exiting <pid>}, with the
 * pid it sees for itself: the pid that {@link ChildProcess#pid()} reports in the parent and the
 * host's process table shows (SPEC L12), also for containers.
 *
 * <p>As in {@code name}, {@code foo_process} is a daemon that the parent joins, and the
 * default-named process is not a daemon, so the parent's exit waits for it (SPEC L23).
 */
public final class PidExample {

    private PidExample() {
    }

    static void foo() {
        long pid = Multiprocessing.currentProcess().pid();
        System.out.println("Starting " + pid);
        Time.sleep(Duration.ofSeconds(3));
        System.out.println("Exiting " + pid);
    }

    /**
     * Runs the program.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted while joining
     */
    public static void main(String... args) throws InterruptedException {
        ChildProcess processWithName = ChildProcess.builder(PidExample::foo)
                .name("foo_process")
                .daemon(true)
                .build();
        ChildProcess processWithDefaultName = new ChildProcess(PidExample::foo);
        processWithName.start();
        processWithDefaultName.start();
        processWithName.join();
    }
}
