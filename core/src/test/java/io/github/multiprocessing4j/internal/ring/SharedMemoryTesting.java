package io.github.multiprocessing4j.internal.ring;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.Optional;

/** The ring tests' session directory in /dev/shm: a clear skip where there is none, except in CI. */
final class SharedMemoryTesting {

    private SharedMemoryTesting() {
    }

    static SharedMemoryDirectory session() {
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(Files.isDirectory(SharedMemoryDirectory.DEFAULT_ROOT),
                    "no " + SharedMemoryDirectory.DEFAULT_ROOT + " on this machine: the ring tests need it");
        }
        Optional<SharedMemoryDirectory> session = SharedMemoryDirectory.create(SharedMemoryDirectory.DEFAULT_ROOT);
        assertTrue(session.isPresent(), SharedMemoryDirectory.DEFAULT_ROOT + " exists but cannot be used");
        return session.get();
    }
}
