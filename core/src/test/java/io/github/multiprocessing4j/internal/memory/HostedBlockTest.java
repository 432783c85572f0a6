package io.github.multiprocessing4j.internal.memory;

import io.github.multiprocessing4j.internal.ring.LockWord;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The creator's side of a Value or Array: what a process that cannot map the block does through
 * calls, and the release of a lock whose holder was killed (SPEC M4).
 */
class HostedBlockTest {

    private final HostedBlock block = new HostedBlock(ByteBuffer.allocateDirect((int) HostedBlock.size(ElementType.INT, 4)),
            ElementType.INT, 4, true);

    private long owner(String caller, int thread) throws Exception {
        return LockWord.owner((Integer) block.invoke(HostedBlock.REGISTER, new Object[0], caller), thread);
    }

    @Test
    void givesEachProcessItsOwnTokenOnce() throws Exception {
        Object first = block.invoke(HostedBlock.REGISTER, new Object[0], "child-a");
        assertEquals(first, block.invoke(HostedBlock.REGISTER, new Object[0], "child-a"));
        assertNotEquals(first, block.invoke(HostedBlock.REGISTER, new Object[0], "child-b"));
    }

    @Test
    void readsAndWritesElementsUnderTheCallersLock() throws Exception {
        long a = owner("child-a", 7);
        ByteBuffer raw = ByteBuffer.allocate(16).putLong(5).putLong(-6);
        block.invoke(HostedBlock.WRITE, new Object[] {1, raw.array(), a}, "child-a");
        byte[] read = (byte[]) block.invoke(HostedBlock.READ, new Object[] {0, 4, 0L}, "child-b");
        ByteBuffer elements = ByteBuffer.wrap(read);
        assertArrayEquals(new long[] {0, 5, -6, 0},
                new long[] {elements.getLong(), elements.getLong(), elements.getLong(), elements.getLong()});
        assertThrows(IndexOutOfBoundsException.class, () -> block.invoke(HostedBlock.READ, new Object[] {3, 2, 0L}, "x"));
        assertTrue(block.mayBlock(HostedBlock.READ, new Object[] {0, 1, a}));
        assertFalse(block.mayBlock(HostedBlock.READ, new Object[] {0, 1, 0L}));
    }

    @Test
    void releasesTheLockOfAKilledProcessOrItsDescendantsOnly() throws Exception {
        long grandchild = owner("child-a/grandchild", 1);
        assertTrue((Boolean) block.invoke(HostedBlock.ACQUIRE, new Object[] {grandchild, 0L}, "child-a/grandchild"));
        long other = owner("child-b", 1);
        block.callerGone("child-b", true);
        assertFalse((Boolean) block.invoke(HostedBlock.ACQUIRE, new Object[] {other, 0L}, "child-b"));
        block.callerGone("child-a", false);
        assertFalse((Boolean) block.invoke(HostedBlock.ACQUIRE, new Object[] {other, 0L}, "child-b"),
                "a process that ended by itself keeps what it held (Python)");
        block.callerGone("child-a", true);
        assertTrue((Boolean) block.invoke(HostedBlock.ACQUIRE, new Object[] {other, 0L}, "child-b"),
                "the lock a killed process's child held is released");
    }
}
