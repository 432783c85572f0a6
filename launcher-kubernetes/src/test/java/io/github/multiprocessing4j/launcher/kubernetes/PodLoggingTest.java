package io.github.multiprocessing4j.launcher.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.ChildProcess;
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
 * JVM's own class path only (the bootstrap: core, the SPI, slf4j-api).
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

    @Test
    void aPodLogsThroughTheApplicationsBackendAndSlf4jPrintsNothingOfItsOwn() throws Exception {
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
            ChildProcess child = ChildProcess.builder(PodLoggingTest::logs).launcher("kubernetes")
                    .name("logging-" + ProcessHandle.current().pid()).build();
            child.start();
            assertTrue(child.join(Duration.ofSeconds(120)), "the pod ended");
            code = child.exitCode();
            child.close();
        } finally {
            System.setErr(original);
        }
        String stderr;
        synchronized (captured) {
            stderr = captured.toString(StandardCharsets.UTF_8);
        }
        assertEquals(OptionalInt.of(0), code, stderr);
        List<String> lines = stderr.lines().toList();
        assertTrue(lines.stream().anyMatch(line -> line.endsWith("WARN  [main] pod.logging - a warning from the pod: token-7")),
                "the child's warning as logback-test.xml formats it, on the parent's stderr:\n" + stderr);
        assertTrue(lines.stream().noneMatch(line -> line.startsWith("SLF4J(")), "SLF4J's own reports:\n" + stderr);
    }
}
