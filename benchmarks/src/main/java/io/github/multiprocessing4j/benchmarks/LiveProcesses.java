package io.github.multiprocessing4j.benchmarks;

import io.github.multiprocessing4j.ChildProcess;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every process this run started and has not yet seen end, so that none outlives the run:
 * {@link #killAll()} runs in the benchmark's {@code finally} and in a shutdown hook.
 */
final class LiveProcesses {

    private final Set<Process> bare = ConcurrentHashMap.newKeySet();
    private final Set<ChildProcess> children = ConcurrentHashMap.newKeySet();

    Process add(Process process) {
        bare.add(process);
        return process;
    }

    ChildProcess add(ChildProcess child) {
        children.add(child);
        return child;
    }

    void ended(Process process) {
        bare.remove(process);
    }

    void ended(ChildProcess child) {
        children.remove(child);
    }

    /**
     * Joins a child within {@link LocalFigures#TIMEOUT} (else kills it) and checks its exit code.
     *
     * @throws IllegalStateException if it did not end in time or ended with another code
     */
    void awaitChild(ChildProcess child, int expectedExitCode) throws InterruptedException {
        checkEnded(child, child.join(LocalFigures.TIMEOUT), expectedExitCode);
    }

    /**
     * Starts a child, joins it as {@link #awaitChild} does (expecting exit code 0) and closes it.
     *
     * @return the milliseconds from {@code start()} until {@code join()} returned
     * @throws IllegalStateException if it did not end in time or ended with another code
     */
    double startJoinMillis(ChildProcess child) throws InterruptedException {
        long start = System.nanoTime();
        add(child).start();
        boolean ended = child.join(LocalFigures.TIMEOUT);
        double millis = LocalFigures.millisSince(start);
        checkEnded(child, ended, 0);
        child.close();
        return millis;
    }

    private void checkEnded(ChildProcess child, boolean ended, int expectedExitCode) {
        if (!ended) {
            child.kill();
            throw new IllegalStateException(child + " did not end within " + LocalFigures.TIMEOUT.toSeconds() + " s");
        }
        ended(child);
        OptionalInt code = child.exitCode();
        if (code.isEmpty() || code.getAsInt() != expectedExitCode) {
            throw new IllegalStateException(child + " ended with exit code " + code + ", expected " + expectedExitCode);
        }
    }

    /** Kills what is left (SIGKILL) and waits a little for each to end. */
    void killAll() {
        for (Process process : bare) {
            process.destroyForcibly();
        }
        for (ChildProcess child : children) {
            try {
                if (child.isAlive()) {
                    child.kill();
                }
            } catch (IllegalStateException e) {
                // closed or never started: nothing to kill
            }
        }
        try {
            for (Process process : bare) {
                process.waitFor();
                bare.remove(process);
            }
            for (ChildProcess child : children) {
                try {
                    child.join(Duration.ofSeconds(10));
                } catch (IllegalStateException e) {
                    // closed or never started
                }
                children.remove(child);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
