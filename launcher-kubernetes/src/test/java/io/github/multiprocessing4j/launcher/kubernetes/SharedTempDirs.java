package io.github.multiprocessing4j.launcher.kubernetes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Creates the tests' {@code @TempDir}s below the directory that the system property
 * {@code multiprocessing4j.kubernetes.mounts} shares with every pod, writable by the pods' user
 * (not root), so that children can write the files through which they report to the test.
 */
public final class SharedTempDirs implements TempDirFactory {

    /** Created by JUnit. */
    public SharedTempDirs() {
    }

    /**
     * Creates the shared directory (and the node's code cache) if it is not there yet: every pod
     * mounts them, and a pod whose hostPath is missing waits in ContainerCreating until its start
     * times out. The tck's launcher calls this before any pod, as does a test that has no
     * {@code @TempDir} of its own.
     *
     * @throws IOException if it cannot be created
     */
    public static void ensureShared() throws IOException {
        String shared = System.getProperty("multiprocessing4j.kubernetes.mounts");
        if (shared != null && !shared.isBlank()) {
            sharedRoot(shared);
        }
    }

    private static Path sharedRoot(String shared) throws IOException {
        Path root = Files.createDirectories(Path.of(shared.split(":")[0]));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
        // the node's code cache (kubernetes.codeCache), if the tests use one: a hostPath too,
        // which must exist, writable by the pods' user
        String cache = System.getProperty("multiprocessing4j.kubernetes.codeCache");
        if (cache != null && !cache.isBlank()) {
            Path directory = Files.createDirectories(Path.of(cache));
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        return root;
    }

    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) throws IOException {
        String shared = System.getProperty("multiprocessing4j.kubernetes.mounts");
        if (shared == null || shared.isBlank()) {
            return Files.createTempDirectory("junit");
        }
        Path directory = Files.createTempDirectory(sharedRoot(shared), "junit");
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
        return directory;
    }
}
