package io.github.multiprocessing4j.launcher.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Connection;
import io.github.multiprocessing4j.Held;
import io.github.multiprocessing4j.Pipe;
import io.github.multiprocessing4j.Queue;
import io.github.multiprocessing4j.QueueEmptyException;
import io.github.multiprocessing4j.Value;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * A pod's logging: its class path is shipped (SPEC R2), the application's logging backend with it
 * (logback and this module's logback-test.xml here), so what the child logs through SLF4J must
 * reach the parent's standard error as that backend formats it, and SLF4J must not print its "No
 * SLF4J providers were found" in every pod, as it did while it looked for a backend on the pod
 * JVM's own class path only (the bootstrap: core, the SPI, slf4j-api). Nor may the library itself
 * log in a pod where nothing went wrong.
 */
@RequiresCluster
@Timeout(180)
class PodLoggingTest {

    @BeforeAll
    static void shareTheTestsDirectory() throws IOException {
        SharedTempDirs.ensureShared();
    }

    static void logs() {
        LoggerFactory.getLogger("pod.logging").warn("a warning from the pod: token-{}", 7);
    }

    /**
     * A pod uses a queue, a pipe and a {@code Value} of its parent: it cannot map their memory (not
     * on its host), which is the expected case and goes through calls. It must log nothing about
     * it: a line there in every such pod was noise, and it bound the logging backend in each (logback
     * reading its configuration: about 0.8 s of CPU per pod).
     */
    @SuppressWarnings("try")
    static void usesSharedObjects(Queue<String> queue, Connection end, Value value) {
        try {
            end.send(queue.get(Duration.ofSeconds(60)) + "-back");
            try (Held held = value.getLock().hold()) {
                value.set(value.getInt() + 1);
            }
        } catch (InterruptedException | QueueEmptyException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aPodLogsThroughTheApplicationsBackendAndSlf4jPrintsNothingOfItsOwn() throws Exception {
        Run run = runCapturingStderr(ChildProcess.builder(PodLoggingTest::logs));
        assertEquals(OptionalInt.of(0), run.code(), run.stderr());
        List<String> lines = run.stderr().lines().toList();
        assertTrue(lines.stream().anyMatch(line -> line.endsWith("WARN  [main] pod.logging - a warning from the pod: token-7")),
                "the child's warning as logback-test.xml formats it, on the parent's stderr:\n" + run.stderr());
        assertTrue(lines.stream().noneMatch(line -> line.startsWith("SLF4J(")), "SLF4J's own reports:\n" + run.stderr());
    }

    @Test
    void aPodThatCannotMapItsParentsSharedObjectsUsesThemThroughCallsAndLogsNothingAboutIt() throws Exception {
        Queue<String> queue = new Queue<>();
        Pipe pipe = Pipe.open();
        Connection mine = pipe.left();
        Connection theirs = pipe.right();
        Value value = Value.of('i', 41);
        try {
            queue.put("ping");
            Run run = runCapturingStderr(ChildProcess.builder(() -> usesSharedObjects(queue, theirs, value)));
            assertEquals(OptionalInt.of(0), run.code(), run.stderr());
            assertEquals("ping-back", mine.recv(), "the message through the queue and back through the pipe");
            assertEquals(42, value.getInt(), "the child's increment of the Value");
            assertTrue(run.stderr().lines().noneMatch(line -> line.contains("cannot map") || line.contains("not usable")),
                    "a log line about the expected fallback:\n" + run.stderr());
        } finally {
            mine.close();
            theirs.close();
            queue.close();
        }
    }

    /** A pod's exit code, and what reached this JVM's stderr while it ran. */
    record Run(OptionalInt code, String stderr) {
    }

    private static Run runCapturingStderr(ChildProcess.Builder builder) throws InterruptedException {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
                original.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8));
        OptionalInt code;
        try {
            ChildProcess child = builder.launcher("kubernetes").name("logging-" + ProcessHandle.current().pid()).build();
            child.start();
            assertTrue(child.join(Duration.ofSeconds(120)), "the pod ended");
            code = child.exitCode();
            child.close();
        } finally {
            System.setErr(original);
        }
        synchronized (captured) {
            return new Run(code, captured.toString(StandardCharsets.UTF_8));
        }
    }
}
