package io.github.multiprocessing4j.internal.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child whose logging backend comes with the shipped class path (SPEC R2), as in a pod: a JVM
 * whose own class path has core and slf4j-api but not logback, which it then loads through a
 * class loader of its own, as {@link CodeCache} does.
 */
class ShippedLoggingTest {

    @Test
    void whatIsLoggedBeforeAndAfterTheBackendArrivesReachesIt() throws Exception {
        Run run = run(location(ch.qos.logback.classic.LoggerContext.class), location(ch.qos.logback.core.Context.class));
        assertEquals(0, run.exitCode(), run.stderr());
        List<String> lines = run.stderr().lines().toList();
        int before = indexOf(lines, "INFO  [main] shipped.early - before the backend: token-1");
        int after = indexOf(lines, "WARN  [main] shipped.early - after the backend: token-2");
        assertTrue(before >= 0 && after > before, "logback's lines, in order:\n" + run.stderr());
        assertTrue(indexOf(lines, "INFO  [main] shipped.late - a logger made after: token-3") > after, run.stderr());
        assertFalse(run.stderr().contains("token-0"), "a DEBUG line that logback-test.xml leaves out:\n" + run.stderr());
        assertTrue(lines.stream().noneMatch(line -> line.startsWith("SLF4J(")), "SLF4J's own reports:\n" + run.stderr());
    }

    @Test
    void withoutABackendInTheShippedJarsNothingIsPrinted() throws Exception {
        Run run = run();
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("", run.stderr());
    }

    @Test
    void aChildThatLogsNothingNeverStartsTheBackend() throws Exception {
        Path loaded = Files.createTempFile("shipped-logging", ".classes");
        try {
            Run run = run(List.of("-Xlog:class+load=info:file=" + loaded), QUIET,
                    location(ch.qos.logback.classic.LoggerContext.class), location(ch.qos.logback.core.Context.class));
            assertEquals(0, run.exitCode(), run.stderr());
            assertEquals("", run.stderr());
            String classes = Files.readString(loaded);
            assertTrue(classes.contains(ShippedLogging.class.getName()), "the JVM's class loading log:\n" + classes);
            assertFalse(classes.contains("ch.qos.logback"), "logback was loaded although nothing was logged");
        } finally {
            Files.deleteIfExists(loaded);
        }
    }

    @Test
    void theOptionsNameThisProviderUnlessTheUserChoseOne() {
        assertEquals(List.of("-Dslf4j.provider=" + ShippedLogging.class.getName(), "-Dslf4j.internal.verbosity=WARN"),
                ShippedLogging.jvmOptions(List.of("-Xmx64m")));
        assertEquals(List.of("-Dslf4j.provider=" + ShippedLogging.class.getName()),
                ShippedLogging.jvmOptions(List.of("-Dslf4j.internal.verbosity=DEBUG")));
        assertEquals(List.of(), ShippedLogging.jvmOptions(List.of("-Dslf4j.provider=org.example.Mine")));
    }

    /** The child's first argument when it only asks for a logger and logs nothing. */
    private static final String QUIET = "quiet";
    /** The child's first argument when it logs. */
    private static final String LOUD = "loud";

    /**
     * The child: logs, loads the backend's jars (its other arguments) in a loader of its own, logs
     * again, and waits for the backend as a child's end does; or, {@link #QUIET}, only takes a
     * logger and binds.
     */
    public static final class Child {

        private Child() {
        }

        /**
         * @param args the backend's jars
         * @throws Exception never, or the test fails
         */
        public static void main(String[] args) throws Exception {
            boolean quiet = QUIET.equals(args[0]);
            Logger early = LoggerFactory.getLogger("shipped.early");
            if (!quiet) {
                early.info("before the backend: {}", "token-1");
                early.debug("left out by the configuration: token-0");
            }
            URL[] urls = new URL[args.length - 1];
            for (int i = 1; i < args.length; i++) {
                urls[i - 1] = Path.of(args[i]).toUri().toURL();
            }
            try (URLClassLoader shipped = new URLClassLoader("shipped", urls, ClassLoader.getSystemClassLoader())) {
                ShippedLogging.bindTo(shipped);
                if (!quiet) {
                    early.warn("after the backend: token-2");
                    LoggerFactory.getLogger("shipped.late").info("a logger made after: {}", "token-3");
                }
                if (!ShippedLogging.awaitBackend(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("the backend was not bound within 30 s");
                }
            }
        }
    }

    private record Run(int exitCode, String stderr) {
    }

    private static Run run(String... backend) throws Exception {
        return run(List.of(), LOUD, backend);
    }

    private static Run run(List<String> jvmOptions, String mode, String... backend) throws Exception {
        // core's classes, slf4j-api and this test's classes (Child, logback-test.xml): no logback
        String classPath = String.join(File.pathSeparator, location(ShippedLogging.class), location(LoggerFactory.class),
                location(ShippedLoggingTest.class));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath));
        command.addAll(jvmOptions);
        command.addAll(ShippedLogging.jvmOptions(List.of()));
        command.add(Child.class.getName());
        command.add(mode);
        command.addAll(List.of(backend));
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().close();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return e.toString();
            }
        });
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the child did not end within 60 s: " + stderr.getNow(""));
        }
        return new Run(process.exitValue(), stderr.get(10, TimeUnit.SECONDS));
    }

    private static int indexOf(List<String> lines, String suffix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith(suffix)) {
                return i;
            }
        }
        return -1;
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
