package io.github.multiprocessing4j.reliability;

import io.github.multiprocessing4j.ChildProcess;
import java.nio.file.Path;

/**
 * A parent with a daemon child that does not end on SIGTERM (its shutdown hook sleeps for a
 * minute). The parent prints the child's pid and {@code READY}, then returns from main: its exit
 * must terminate the daemon, then kill it after the grace period (SPEC L23), not wait for it.
 */
public final class StubbornDaemonScenario {

    private StubbornDaemonScenario() {
    }

    /**
     * Runs the scenario.
     *
     * @param args a directory for the child's ready file
     */
    public static void main(String[] args) {
        String ready = Path.of(args[0], "stubborn.ready").toString();
        ChildProcess daemon = Children.builder(() -> ResourceLimitsTest.ignoreTermByHook(ready)).daemon(true).build();
        daemon.start();
        Children.awaitFile(ready);
        System.out.println("pid=" + daemon.pid().getAsLong());
        System.out.println("READY");
        System.out.flush();
    }
}
