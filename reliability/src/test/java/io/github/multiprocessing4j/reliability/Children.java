package io.github.multiprocessing4j.reliability;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.tck.NoLeakedProcesses;
import io.github.multiprocessing4j.tck.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Children of the suite: builders marked as this test run's (so that leak checks find orphans
 * and containers), and the targets they run. Targets are static methods: they are serialized as
 * method references, with only strings captured.
 */
public final class Children {

    /** How long any wait of the suite lasts at most: nothing may hang. */
    public static final Duration DEADLINE = Duration.ofSeconds(30);

    private Children() {
    }

    /**
     * A builder for a child marked as this test run's.
     *
     * @param target what to run
     * @return the builder
     */
    public static ChildProcess.Builder builder(SerializableRunnable target) {
        return ChildProcess.builder(target)
                .environment(NoLeakedProcesses.RUN_TAG_VARIABLE, NoLeakedProcesses.RUN_TAG);
    }

    /**
     * Joins with {@link #DEADLINE}; kills the child and fails if it does not end.
     *
     * @param process the process
     * @return its exit code
     * @throws InterruptedException if interrupted
     */
    public static int joinWithDeadline(ChildProcess process) throws InterruptedException {
        if (!process.join(DEADLINE)) {
            process.kill();
            process.join(DEADLINE);
            throw new AssertionError(process + " did not end within " + DEADLINE + " (killed)");
        }
        return process.exitCode().orElseThrow();
    }

    /** Does nothing: exit code 0. */
    public static void nothing() {
    }

    /** Sleeps for ever (until killed). */
    public static void sleepForever() {
        sleep(Long.MAX_VALUE);
    }

    /**
     * Creates {@code ready}, then sleeps until killed.
     *
     * @param ready the file to create
     */
    public static void readyThenSleep(String ready) {
        touch(ready);
        sleepForever();
    }

    /**
     * Creates {@code ready}, then waits (at most {@link #DEADLINE}) for {@code go}.
     *
     * @param ready the file to create
     * @param go the file to wait for
     */
    public static void readyThenAwait(String ready, String go) {
        readyThenAwait(ready, go, DEADLINE.toMillis());
    }

    /**
     * Creates {@code ready}, then waits (at most {@code millis}) for {@code go}.
     *
     * @param ready the file to create
     * @param go the file to wait for
     * @param millis how long to wait at most
     */
    public static void readyThenAwait(String ready, String go, long millis) {
        touch(ready);
        if (!awaitFile(go, Duration.ofMillis(millis))) {
            throw new IllegalStateException("no " + go + " within " + Duration.ofMillis(millis));
        }
    }

    /**
     * Sleeps; an interrupt ends the sleep early.
     *
     * @param millis how long
     */
    public static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Creates a file (and its directory), or updates its time.
     *
     * @param path the file
     */
    public static void touch(String path) {
        write(path, "");
    }

    /**
     * Writes a file atomically: a reader sees all of it or nothing.
     *
     * @param path the file
     * @param content its content
     */
    public static void write(String path, String content) {
        try {
            Path file = Path.of(path);
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.writeString(partial, content);
            Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits for a file, at most {@link #DEADLINE}.
     *
     * @param path the file
     * @return whether it appeared
     */
    public static boolean awaitFile(String path) {
        return awaitFile(path, DEADLINE);
    }

    /**
     * Waits for a file.
     *
     * @param path the file
     * @param timeout how long at most
     * @return whether it appeared
     */
    public static boolean awaitFile(String path, Duration timeout) {
        try {
            return Poll.until(() -> Files.exists(Path.of(path)), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
