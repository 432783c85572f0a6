package io.github.multiprocessing4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code examples pool} as a user would, in a JVM of its own, like {@link ExamplesTest}
 * does for the other programs: Python's documentation prints {@code [1, 4, 9]}, and so must we,
 * with no worker left running after the program.
 */
class PoolExampleTest {

    @TempDir
    Path tempDir;

    @Test
    void poolPrintsTheSquaresOfOneTwoThreeAndLeavesNoWorkerRunning() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String launcher = System.getProperty("multiprocessing4j.launcher");
        if (launcher != null) {
            command.add("-Dmultiprocessing4j.launcher=" + launcher);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Examples.class.getName(), "pool"));
        Path out = tempDir.resolve("stdout.txt");
        Path err = tempDir.resolve("stderr.txt");
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        List<ProcessHandle> workers = new ArrayList<>();
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
                process.descendants().filter(child -> !workers.contains(child)).forEach(workers::add);
                assertTrue(System.nanoTime() - end < 0, "examples pool did not end within 90 s");
            }
            String describe = "stdout:\n" + Files.readString(out, StandardCharsets.UTF_8)
                    + "\nstderr:\n" + Files.readString(err, StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), describe);
            assertEquals(List.of("[1, 4, 9]"), Files.readAllLines(out, StandardCharsets.UTF_8), describe);
            long grace = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (workers.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() - grace < 0) {
                Thread.sleep(50);
            }
            assertEquals(List.of(), workers.stream().filter(ProcessHandle::isAlive).toList(),
                    "workers alive 5 s after the program ended; " + describe);
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            workers.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
