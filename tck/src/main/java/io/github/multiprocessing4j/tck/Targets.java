package io.github.multiprocessing4j.tck;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Multiprocessing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the suites' children run: static methods, so that targets are method references or
 * lambdas that capture only strings and numbers. Everything that waits is bounded by
 * {@link #MAX_WAIT}, so that no child lives forever even if a test forgets it.
 */
public final class Targets {

    /** The longest any target waits. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(30);

    /** How often {@link #runHere()} ran in this JVM (SPEC L5). */
    static final AtomicInteger RUNS_HERE = new AtomicInteger();

    private Targets() {
    }

    /** Returns at once. */
    public static void nothing() {
    }

    /** Calls {@code System.exit(42)}. */
    public static void exit42() {
        System.exit(42);
    }

    /**
     * Calls {@code System.exit(code)}.
     *
     * @param code the status
     */
    public static void exit(int code) {
        System.exit(code);
    }

    /**
     * Throws an {@link IllegalStateException}.
     *
     * @param message its message
     */
    public static void fail(String message) {
        throw new IllegalStateException(message);
    }

    /** Counts a run in {@link #RUNS_HERE}: observable only in the JVM it ran in. */
    public static void runHere() {
        RUNS_HERE.incrementAndGet();
    }

    /**
     * Exits with 10 if a process constructed here, without a daemon flag, is a daemon, else 11
     * (SPEC L4).
     */
    public static void exitWithInheritedDaemonFlag() {
        System.exit(new ChildProcess(Targets::nothing).isDaemon() ? 10 : 11);
    }

    /**
     * Sleeps, bounded by {@link #MAX_WAIT}.
     *
     * @param millis how long
     */
    public static void sleep(long millis) {
        try {
            Thread.sleep(Math.min(millis, MAX_WAIT.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Creates a file (atomically, with the given content) to tell the test something happened.
     *
     * @param path the file
     * @param content what it contains
     */
    public static void write(String path, String content) {
        try {
            Path target = Path.of(path);
            Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
            Files.writeString(temporary, content);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Creates an empty file.
     *
     * @param path the file
     */
    public static void touch(String path) {
        write(path, "");
    }

    /**
     * Waits until the file exists, at most {@link #MAX_WAIT}.
     *
     * @param path the file
     * @return whether it appeared
     */
    public static boolean awaitFile(String path) {
        try {
            return Poll.until(() -> Files.exists(Path.of(path)), MAX_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Creates {@code ready}, then waits for {@code go} (bounded) and returns.
     *
     * @param ready the file that tells the test the target runs
     * @param go the file the test creates to let the target return
     */
    public static void readyThenAwait(String ready, String go) {
        touch(ready);
        awaitFile(go);
    }

    /**
     * Registers a shutdown hook that creates {@code hookRan} and then sleeps {@code hookMillis},
     * creates {@code ready}, then sleeps (bounded).
     *
     * @param hookRan the file the hook creates
     * @param hookMillis how long the hook takes after that
     * @param ready the file that tells the test the hook is registered
     */
    public static void hookThenReady(String hookRan, long hookMillis, String ready) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            touch(hookRan);
            sleep(hookMillis);
        }, "tck-hook"));
        touch(ready);
        sleep(MAX_WAIT.toMillis());
    }

    /**
     * Starts a non-daemon grandchild that writes its pid to {@code grandchildPid}, waits for
     * {@code grandchildGo} (bounded) and then creates {@code grandchildDone}; then creates
     * {@code ready} and waits for {@code go} (bounded).
     *
     * @param launcher the launcher for the grandchild
     * @param grandchildPid where the grandchild writes its pid
     * @param grandchildGo what the grandchild waits for before it finishes
     * @param grandchildDone what the grandchild creates when it finishes
     * @param ready what this child creates once the grandchild runs
     * @param go what this child waits for
     */
    public static void startGrandchild(TckLauncher launcher, String grandchildPid, String grandchildGo,
                                       String grandchildDone, String ready, String go) {
        ChildProcess grandchild = launcher.builder(() -> {
            write(grandchildPid, Long.toString(Multiprocessing.currentProcess().pid()));
            awaitFile(grandchildGo);
            touch(grandchildDone);
        }).daemon(false).build();
        grandchild.start();
        awaitFile(grandchildPid);
        touch(ready);
        awaitFile(go);
    }
}
