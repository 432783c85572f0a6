package io.github.multiprocessing4j.examples;

import io.github.multiprocessing4j.ChildProcess;
import java.time.Duration;

/**
 * {@code terminate}: a child is started and terminated at once; the parent prints the process
 * and {@code isAlive()} before execution, running, terminated and joined, then the exit code:
 * {@code -15}, ended by SIGTERM. Right after {@code terminate()} the process is usually still
 * alive, as in Python: the signal takes effect asynchronously.
 */
public final class TerminateExample {

    private TerminateExample() {
    }

    static void foo() {
        System.out.println("Starting function");
        Time.sleep(Duration.ofMillis(100));
        System.out.println("Finished function");
    }

    /**
     * Runs the program.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted while joining
     */
    public static void main(String... args) throws InterruptedException {
        ChildProcess p = new ChildProcess(TerminateExample::foo);
        System.out.println("Process before execution: " + p + " " + p.isAlive());
        p.start();
        System.out.println("Process running: " + p + " " + p.isAlive());
        p.terminate();
        System.out.println("Process terminated: " + p + " " + p.isAlive());
        p.join();
        System.out.println("Process joined: " + p + " " + p.isAlive());
        System.out.println("Process exit code: " + p.exitCode().getAsInt());
    }
}
