package io.github.multiprocessing4j.launcher.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Queue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The start cache in containers, end to end (issue 11): the first children of a class path
 * start as they always did while a training container makes the cache for the image's
 * {@code java} in the background; a later child starts with it (its command line names the
 * cache, its class path is jars only, the cache directory is mounted read-only) and runs its
 * target as any other. The cache directory is under {@code target} (the build sets
 * {@code MULTIPROCESSING4J_STARTCACHE_DIR}); {@link NoContainerLeftTest} checks, last, that no
 * training container is left either.
 */
@RequiresDockerEngine
class DockerStartCacheTest {

    private static final Duration DEADLINE = Duration.ofMinutes(3);

    /** What a child reports: its JVM options, its class path, and whether it can write the cache directory. */
    private static String describe(String directory) {
        List<String> arguments = ProcessHandle.current().info().arguments().map(List::of).orElse(List.of());
        boolean writable;
        try {
            Files.delete(Files.createTempFile(Path.of(directory), "probe-", ".tmp"));
            writable = true;
        } catch (java.io.IOException e) {
            writable = false;
        }
        return String.join(" ", arguments) + "\n" + System.getProperty("java.class.path") + "\n" + writable;
    }

    @Test
    void laterChildrenStartWithTheCacheThatATrainingContainerMadeForTheImage() throws Exception {
        Path directory = Path.of(System.getenv("MULTIPROCESSING4J_STARTCACHE_DIR")).toAbsolutePath();
        String directoryName = directory.toString();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        int children = 0;
        String report;
        do {
            assertTrue(System.nanoTime() < deadline, "no child started with a cache within " + DEADLINE
                    + " (" + children + " children); the cache directory holds " + listing(directory));
            Queue<String> reports = new Queue<>();
            ChildProcess child = new ChildProcess(() -> reports.put(describe(directoryName)));
            child.start();
            report = reports.get(Duration.ofMinutes(1));
            child.join();
            assertEquals(0, child.exitCode().getAsInt());
            children++;
            if (!usesCache(report)) {
                Thread.sleep(500);
            }
        } while (!usesCache(report));
        String[] lines = report.split("\n");
        assertTrue(lines[0].contains(directoryName), report);
        for (String entry : lines[1].split(":")) {
            assertTrue(Files.isRegularFile(Path.of(entry)), "a jar: " + entry);
        }
        assertEquals("false", lines[2], "the cache directory is read-only in the container");
        // the record says which kind of cache the image's java made: its JDK 17 makes an archive
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> records = files.filter(file -> file.toString().endsWith(".record")).toList();
            assertFalse(records.isEmpty(), listing(directory));
            boolean archive = false;
            for (Path record : records) {
                Properties properties = new Properties();
                try (var in = Files.newInputStream(record)) {
                    properties.load(in);
                }
                archive |= "DYNAMIC_ARCHIVE".equals(properties.getProperty("mode"));
            }
            assertTrue(archive, "a record of the image's JDK 17 archive: " + listing(directory));
        }
    }

    private static boolean usesCache(String report) {
        return report.contains("-XX:SharedArchiveFile=") || report.contains("-XX:AOTCache=");
    }

    private static String listing(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).toList().toString();
        } catch (java.io.IOException e) {
            return "nothing (" + e + ")";
        }
    }
}
