package io.github.multiprocessing4j.internal.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Value's or an Array's block: in shared memory where there is a directory for it, in the
 * creating process where there is none, and the same semantics through calls as through a
 * mapping (SPEC M5).
 */
class SharedBlockTest {

    @TempDir
    Path tmp;

    @Test
    void withoutADirectoryTheBlockLivesInTheCreatingProcess() {
        SharedBlock block = SharedBlock.create(ElementType.DOUBLE, 3, true, Optional.empty());
        block.set(2, ElementType.DOUBLE.fromDouble(2.5));
        assertEquals(2.5, ElementType.DOUBLE.toDouble(block.get(2)));
        assertTrue(block.isMapped(), "the creating process reaches its own memory directly");
    }

    @Test
    void aDirectoryWhereNoFileCanBeCreatedFallsBackToTheCreatingProcess() {
        SharedBlock block = SharedBlock.create(ElementType.INT, 2, false, Optional.of(tmp.resolve("missing")));
        block.setAll(0, new long[] {4, -5});
        assertArrayEquals(new long[] {4, -5}, block.getAll(0, 2));
    }

    @Test
    void aBlockInADirectoryIsAFileOfItsSize() throws Exception {
        SharedBlock block = SharedBlock.create(ElementType.SHORT, 10, false, Optional.of(tmp));
        try (var files = Files.list(tmp)) {
            Path file = files.findFirst().orElseThrow();
            assertEquals(HostedBlock.size(ElementType.SHORT, 10), Files.size(file));
            assertTrue(file.getFileName().toString().startsWith("block-"));
        }
        block.set(9, -7);
        assertEquals(-7, block.get(9));
    }

    @Test
    void callsToTheCreatorHaveTheSemanticsOfTheMapping() throws Exception {
        SharedBlock mapped = SharedBlock.create(ElementType.LONG_LONG, 4, true, Optional.empty());
        SharedBlock called = mapped.throughCalls();
        assertFalse(called.isMapped());
        called.setAll(1, new long[] {7, 8});
        assertArrayEquals(new long[] {0, 7, 8, 0}, mapped.getAll(0, 4));
        mapped.set(3, 9);
        assertEquals(9, called.get(3));

        // one lock, whichever way it is reached: reentrant in the thread that holds it
        assertTrue(called.acquire(0));
        assertTrue(mapped.acquire(0));
        assertTrue(mapped.isHeldByCurrentThread());
        boolean takenElsewhere = CompletableFuture.supplyAsync(() -> {
            try {
                return mapped.acquire(TimeUnit.MILLISECONDS.toNanos(20));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).get();
        assertFalse(takenElsewhere, "another thread waits for the lock held through calls");
        mapped.release();
        called.release();
        assertFalse(called.isHeldByCurrentThread());
        boolean takenOnceFree = CompletableFuture.supplyAsync(() -> {
            try {
                boolean taken = called.acquire(0);
                called.release();
                return taken;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).get();
        assertTrue(takenOnceFree);
    }
}
