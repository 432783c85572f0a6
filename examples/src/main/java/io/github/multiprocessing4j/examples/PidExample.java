package io.github.multiprocessing4j.examples;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.ProcessInfo;
import java.time.Duration;
import java.util.List;

/**
 * {@code pid}: the {@code name} program again, with pids. Each child prints its name and pid as
 * it sees them ({@code Starting: foo_process 4242}, {@code Exiting : foo_process 4242}, PyMOTW's
 * words, flushed as PyMOTW flushes), and the parent prints the pid that
 * {@link ChildProcess#pid()} reports for each ({@code Started : foo_process 4242}): the same
 * number (SPEC L12), also for containers.
 */
public final class PidExample {

    private PidExample() {
    }

    static void foo() {
        ProcessInfo p = Multiprocessing.currentProcess();
        System.out.println("Starting: " + p.name() + " " + p.pid());
        System.out.flush();
        Time.sleep(Duration.ofSeconds(3));
        System.out.println("Exiting : " + p.name() + " " + p.pid());
        System.out.flush();
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
        for (ChildProcess p : List.of(processWithName, processWithDefaultName)) {
            System.out.println("Started : " + p.getName() + " " + p.pid().orElseThrow());
        }
        processWithName.join();
    }
}
