package io.github.multiprocessing4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code examples interop} as a user would, in a JVM of its own: with {@code python3} on the
 * PATH it prints what the CPython listener sent; without, it says so and exits with 0.
 */
class InteropExampleTest {

    @TempDir
    Path tempDir;

    private List<String> run(Map<String, String> environment) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Examples.class.getName(), "interop");
        Path out = tempDir.resolve("stdout.txt");
        Path err = tempDir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            assertTrue(process.waitFor(90, TimeUnit.SECONDS), "examples interop did not end within 90 s");
            String describe = "stdout:\n" + Files.readString(out, StandardCharsets.UTF_8)
                    + "\nstderr:\n" + Files.readString(err, StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), describe);
            return Files.readAllLines(out, StandardCharsets.UTF_8);
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static boolean python3OnPath() {
        try {
            Process process = new ProcessBuilder("python3", "-c", "pass").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void interopPrintsWhatTheCPythonListenerSent() throws Exception {
        assumeTrue(python3OnPath(), "python3 is not on the PATH: the interop example's conversation is not tested");
        assertEquals(List.of("CPython sent array('i', ...): [42, 1729]", "CPython answered: HELLO FROM JAVA"),
                run(Map.of()));
    }

    @Test
    void interopWithoutPython3SaysSoAndExitsWithZero() throws Exception {
        assertEquals(List.of("python3 is not on the PATH: the interop example needs CPython 3.8 or newer"),
                run(Map.of("PATH", tempDir.toString())));
    }
}
