package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Connection;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.Queue;
import io.github.multiprocessing4j.QueueEmptyException;
import io.github.multiprocessing4j.SerializableRunnable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every suite shares: the launcher under test, processes created with it, their clean-up,
 * scenarios, and waiting with deadlines.
 *
 * <p>A launcher module runs a suite by extending it and implementing {@link #launcher()}:
 * <pre>{@code
 * class LocalStartTest extends StartSuite {
 *     @Override protected TckLauncher launcher() { return LocalTck.LAUNCHER; }
 * }
 * }</pre>
 * Tests that construct processes without naming a launcher (subclasses, {@code ofMain}) use the
 * default launcher, which the launcher module fixes with the system property
 * {@code multiprocessing4j.launcher}.
 */
@ExtendWith(NoLeakedProcesses.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class TckSuite {

    /** How long a test waits for a child to end that should end by itself. */
    protected static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);
    /** How long a test waits for a child to reach a point of its target. */
    protected static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long a test waits for children to end whose targets make many thousands of calls or
     * messages one after another through the parent: a child that cannot map the parent's shared
     * memory (a pod, whose launcher lacks {@link Capability#SAME_HOST_SHARED_MEMORY}) makes
     * each a round trip over the network: about 0.2 ms on the idle 2-core machine, a value
     * incremented under its lock (four calls) 1 to 4 ms, more while another test JVM loads it, so
     * such tests took 20 to 40 s there. Within the suites' 120 s per test.
     */
    protected static final Duration SERIAL_WORK_JOIN_TIMEOUT = Duration.ofSeconds(90);

    private final List<ChildProcess> tracked = new ArrayList<>();
    private final Set<Long> trackedPids = new HashSet<>();

    /** A fresh directory for the files through which children tell the test what happened. */
    @TempDir
    protected Path tmp;

    /** For subclasses. */
    protected TckSuite() {
    }

    /**
     * The launcher under test.
     *
     * @return the launcher, never null
     */
    protected abstract TckLauncher launcher();

    /**
     * A builder for a process with the launcher under test, marked as this test run's.
     *
     * @param target what to run
     * @return the builder
     */
    protected ChildProcess.Builder builder(SerializableRunnable target) {
        return tagged(launcher().builder(target));
    }

    /**
     * A builder for a process that runs a main class with the launcher under test.
     *
     * @param mainClass the main class
     * @param args its arguments
     * @return the builder
     */
    protected ChildProcess.Builder builderOfMain(Class<?> mainClass, String... args) {
        return tagged(launcher().builderOfMain(mainClass, args));
    }

    private static ChildProcess.Builder tagged(ChildProcess.Builder builder) {
        return builder.environment(NoLeakedProcesses.RUN_TAG_VARIABLE, NoLeakedProcesses.RUN_TAG);
    }

    /**
     * A new, unstarted process with the launcher under test, cleaned up after the test.
     *
     * @param target what to run
     * @return the process
     */
    protected ChildProcess process(SerializableRunnable target) {
        return track(builder(target).build());
    }

    /**
     * A started process with the launcher under test, cleaned up after the test.
     *
     * @param target what to run
     * @return the process
     */
    protected ChildProcess started(SerializableRunnable target) {
        ChildProcess process = process(target);
        process.start();
        return process;
    }

    /**
     * Kills the process after the test if it still runs.
     *
     * @param process the process
     * @param <T> its type
     * @return the process
     */
    protected <T extends ChildProcess> T track(T process) {
        tracked.add(process);
        return process;
    }

    /**
     * Kills the pid after the test if it still runs (a grandchild the test learned about).
     *
     * @param pid the pid
     */
    protected void trackPid(long pid) {
        trackedPids.add(pid);
    }

    /**
     * A scenario for the launcher under test, which reads it back, with its nested launcher and
     * capabilities, with {@link TckLauncher#fromSystemProperties()}.
     *
     * @param mainClass a main class of {@code io.github.multiprocessing4j.tck.scenarios}
     * @param args its arguments
     * @return the scenario, not yet started
     */
    protected Scenario scenario(Class<?> mainClass, String... args) {
        Scenario scenario = Scenario.of(launcher(), mainClass, args);
        launcher().systemProperties().forEach(scenario::systemProperty);
        return scenario;
    }

    /**
     * Skips the test unless the launcher declares the capability (SPEC S3).
     *
     * @param capability what the test needs
     */
    protected void requires(Capability capability) {
        assumeTrue(launcher().has(capability),
                () -> "launcher '" + launcher().name() + "' does not declare " + capability);
    }

    /**
     * A path in {@link #tmp}, as a string a target can capture.
     *
     * @param name the file name
     * @return the absolute path
     */
    protected String file(String name) {
        return tmp.resolve(name).toAbsolutePath().toString();
    }

    /**
     * Waits for a file that a child creates; fails the test if it does not appear.
     *
     * @param path the file
     * @param what what its appearance means, for the failure message
     * @throws InterruptedException if interrupted while waiting
     */
    protected static void awaitFile(String path, String what) throws InterruptedException {
        assertTrue(Poll.until(() -> Files.exists(Path.of(path)), READY_TIMEOUT),
                "timed out after " + READY_TIMEOUT + " waiting for " + what + " (" + path + ")");
    }

    /**
     * The content of a file that a child wrote.
     *
     * @param path the file
     * @return its content
     */
    protected static String read(String path) {
        try {
            return Files.readString(Path.of(path)).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * In the test: the next message of a queue, which must arrive within {@link #READY_TIMEOUT}.
     *
     * @param <T> the type the test expects
     * @param queue the queue
     * @return the message
     * @throws InterruptedException if interrupted while waiting
     */
    @SuppressWarnings("unchecked")
    protected static <T> T next(Queue<?> queue) throws InterruptedException {
        try {
            return (T) queue.get(READY_TIMEOUT);
        } catch (QueueEmptyException e) {
            return fail("nothing arrived within " + READY_TIMEOUT + ": " + e.getMessage());
        }
    }

    /**
     * In the test: the next object on a pipe end, which must arrive within {@link #READY_TIMEOUT}.
     *
     * @param <T> the type the test expects
     * @param connection the pipe end
     * @return the object
     * @throws Exception what {@code recv} throws
     */
    protected static <T> T recv(Connection connection) throws Exception {
        assertTrue(connection.poll(READY_TIMEOUT), "nothing arrived within " + READY_TIMEOUT + " on " + connection);
        return connection.recv();
    }

    /**
     * In the test: the next bytes on a pipe end, which must arrive within {@link #READY_TIMEOUT}.
     *
     * @param connection the pipe end
     * @return the bytes
     * @throws Exception what {@code recvBytes} throws
     */
    protected static byte[] recvBytes(Connection connection) throws Exception {
        assertTrue(connection.poll(READY_TIMEOUT), "nothing arrived within " + READY_TIMEOUT + " on " + connection);
        return connection.recvBytes();
    }

    /**
     * In a child: the next object on a pipe end, waiting at most {@link Targets#MAX_WAIT}.
     *
     * @param <T> the type the child expects
     * @param connection the pipe end
     * @return the object
     * @throws Exception what {@code recv} throws
     * @throws IllegalStateException if nothing arrived in time
     */
    protected static <T> T receive(Connection connection) throws Exception {
        if (!connection.poll(Targets.MAX_WAIT)) {
            throw new IllegalStateException("nothing arrived within " + Targets.MAX_WAIT);
        }
        return connection.recv();
    }

    /**
     * In a child: the next bytes on a pipe end, waiting at most {@link Targets#MAX_WAIT}.
     *
     * @param connection the pipe end
     * @return the bytes
     * @throws Exception what {@code recvBytes} throws
     * @throws IllegalStateException if nothing arrived in time
     */
    protected static byte[] receiveBytes(Connection connection) throws Exception {
        if (!connection.poll(Targets.MAX_WAIT)) {
            throw new IllegalStateException("nothing arrived within " + Targets.MAX_WAIT);
        }
        return connection.recvBytes();
    }

    /**
     * Joins the process with {@link #JOIN_TIMEOUT}, failing the test if it does not end.
     *
     * @param process the process
     * @return its exit code
     * @throws InterruptedException if interrupted while waiting
     */
    protected static int exitCodeAfterJoin(ChildProcess process) throws InterruptedException {
        return exitCodeAfterJoin(process, JOIN_TIMEOUT);
    }

    /**
     * Joins the process with the given timeout, failing the test if it does not end.
     *
     * @param process the process
     * @param timeout how long to wait for its end
     * @return its exit code
     * @throws InterruptedException if interrupted while waiting
     */
    protected static int exitCodeAfterJoin(ChildProcess process, Duration timeout) throws InterruptedException {
        if (!process.join(timeout)) {
            fail(process + " did not end within " + timeout + requestThreadDump(process));
        }
        return process.exitCode().orElseThrow(() -> new AssertionError(
                process + ": join returned true but exitCode() is empty"));
    }

    /**
     * Ends the warm standby JVMs, if warm start is on, before the leak check looks at the
     * process table; the next suite boots new ones.
     */
    @AfterAll
    static void endWarmStandbys() {
        int standbys = Multiprocessing.getWarmStart();
        if (standbys > 0) {
            Multiprocessing.setWarmStart(0);
            Multiprocessing.setWarmStart(standbys);
        }
    }

    /**
     * For a child that did not end in time: asks its JVM for a thread dump (SIGQUIT), which it
     * prints on its standard output and so reaches this test's output (SPEC L13), to show where
     * it stood. Only a process of this host's process table that carries this run's tag is
     * signalled (a container's init passes the signal on to its JVM); a pod's pid is not on this
     * host, and nothing is sent to it.
     *
     * @return what the failure message should add
     */
    private static String requestThreadDump(ChildProcess process) throws InterruptedException {
        long pid = process.pid().orElse(0);
        if (pid <= 0 || !OsProcesses.isRunning(pid) || !NoLeakedProcesses.taggedForThisRun(pid)) {
            return "";
        }
        try {
            if (!OsProcesses.signal(pid, "QUIT", Duration.ofSeconds(5))) {
                return "";
            }
        } catch (IOException e) {
            return "";
        }
        // the dump travels as the child's output: give it a moment to arrive before the failure
        process.join(Duration.ofSeconds(2));
        return " (its JVM was asked for a thread dump with SIGQUIT: see the test's output)";
    }

    /** Kills whatever the test left running. */
    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (ChildProcess process : tracked) {
            try {
                if (process.pid().isPresent() && process.isAlive()) {
                    process.kill();
                    process.join(JOIN_TIMEOUT);
                }
            } catch (IllegalStateException e) {
                // closed, or never started: nothing runs
            }
        }
        trackedPids.forEach(OsProcesses::killQuietly);
        tracked.clear();
        trackedPids.clear();
    }
}
