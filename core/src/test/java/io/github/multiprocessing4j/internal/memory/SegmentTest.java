package io.github.multiprocessing4j.internal.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SharedMemory's blocks in one process: one owner, sizes, names, and a block left by a dead owner (SPEC M6). */
class SegmentTest {

    @BeforeEach
    void needsSharedMemory() {
        assumeTrue(SessionMemory.visibleDirectory().isPresent(), "no usable /dev/shm here");
    }

    @Test
    void anAttachedSegmentSeesTheOwnersBytesAndCannotUnlink() {
        Segment owner = Segment.create(null, 100);
        try {
            assertTrue(owner.name().startsWith("psm_"));
            owner.buffer().put(99, (byte) 7);
            Segment attached = Segment.attach(owner.name(), 100);
            assertEquals(100, attached.size());
            assertEquals(7, attached.buffer().get(99));
            assertFalse(attached.isOwner());
            IllegalStateException e = assertThrows(IllegalStateException.class, attached::unlink);
            assertTrue(e.getMessage().contains("only the SharedMemory that created"), e.getMessage());
            IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class,
                    () -> Segment.attach(owner.name(), 101));
            assertTrue(tooLarge.getMessage().contains("has 100 bytes, fewer than the 101"), tooLarge.getMessage());
        } finally {
            owner.unlink();
        }
        IllegalArgumentException gone = assertThrows(IllegalArgumentException.class, () -> Segment.attach(owner.name(), 0));
        assertTrue(gone.getMessage().contains("no shared memory block named"), gone.getMessage());
    }

    @Test
    void refusesBadSizesNamesAndAnExistingName() {
        assertThrows(IllegalArgumentException.class, () -> Segment.create(null, 0));
        assertThrows(IllegalArgumentException.class, () -> Segment.create(null, -1));
        assertThrows(IllegalArgumentException.class, () -> Segment.create("../escape", 10));
        Segment owner = Segment.create("segment-test-name", 10);
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Segment.create("segment-test-name", 10));
            assertTrue(e.getMessage().contains("exists already"), e.getMessage());
        } finally {
            owner.unlink();
        }
    }

    @Test
    void aBlockWhoseOwnerDiedIsRemovedByTheFirstAttacher() throws Exception {
        // a file nobody holds the owner's lock on: what a killed owner leaves
        Path left = SessionMemory.visibleDirectory().orElseThrow().resolve("left-by-a-dead-owner");
        Files.write(left, new byte[64]);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Segment.attach("left-by-a-dead-owner", 0));
        assertTrue(e.getMessage().contains("ended without unlinking it"), e.getMessage());
        assertFalse(Files.exists(left));
    }
}
