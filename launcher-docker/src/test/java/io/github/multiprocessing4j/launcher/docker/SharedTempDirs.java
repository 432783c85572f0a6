package io.github.multiprocessing4j.launcher.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Creates the tests' {@code @TempDir}s below the directory that the system property
 * {@code multiprocessing4j.docker.mounts} shares with every container, so that children can
 * write the files through which they report to the test. The default factory of this module
 * ({@code junit-platform.properties}).
 */
public final class SharedTempDirs implements TempDirFactory {

    /** Created by JUnit. */
    public SharedTempDirs() {
    }

    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) throws IOException {
        String shared = System.getProperty(ContainerSpec.MOUNTS_PROPERTY);
        if (shared == null || shared.isBlank()) {
            return Files.createTempDirectory("junit");
        }
        Path root = Files.createDirectories(Path.of(shared.split(java.io.File.pathSeparator)[0]));
        return Files.createTempDirectory(root, "junit");
    }
}
