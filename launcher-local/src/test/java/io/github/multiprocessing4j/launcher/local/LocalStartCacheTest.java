package io.github.multiprocessing4j.launcher.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Queue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The start cache on the local launcher, end to end (issue 11): the first children of a class
 * path start as they always did while a training JVM makes the cache in the background, and a
 * later child starts with it (its command line names the cache, its class path is jars only)
 * and runs its target as any other. The test JVM's cache directory is under {@code target} (the build sets
 * {@code MULTIPROCESSING4J_STARTCACHE_DIR}).
 */
class LocalStartCacheTest {

    private static final Duration DEADLINE = Duration.ofMinutes(3);

    /** What a child reports: its JVM options and class path. */
    private static String describe() {
        List<String> arguments = ProcessHandle.current().info().arguments().map(List::of).orElse(List.of());
        return String.join(" ", arguments) + "\n" + System.getProperty("java.class.path");
    }

    @Test
    void laterChildrenStartWithTheCacheThatATrainingMadeInTheBackground() throws Exception {
        Path directory = Path.of(System.getenv("MULTIPROCESSING4J_STARTCACHE_DIR"));
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        int children = 0;
        String report;
        do {
            assertTrue(System.nanoTime() < deadline, "no child started with a cache within " + DEADLINE
                    + " (" + children + " children); the cache directory holds " + listing(directory));
            Queue<String> reports = new Queue<>();
            ChildProcess child = new ChildProcess(() -> reports.put(describe()));
            child.start();
            report = reports.get(Duration.ofMinutes(1));
            child.join();
            assertEquals(0, child.exitCode().getAsInt());
            children++;
            if (!report.contains("-XX:SharedArchiveFile=") && !report.contains("-XX:AOTCache=")) {
                Thread.sleep(200);
            }
        } while (!report.contains("-XX:SharedArchiveFile=") && !report.contains("-XX:AOTCache="));
        assertTrue(report.contains(directory.toString()), report);
        String classPath = report.substring(report.indexOf('\n') + 1);
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            assertTrue(Files.isRegularFile(Path.of(entry)), "a jar: " + entry);
        }
    }

    private static String listing(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).toList().toString();
        } catch (java.io.IOException e) {
            return "nothing (" + e + ")";
        }
    }
}
