package io.github.multiprocessing4j.internal.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The lock word: reentrant, owned by one (process token, thread) pair, recoverable from a dead owner. */
class LockWordTest {

    private final ByteBuffer block = ByteBuffer.allocateDirect(128);
    private final LockWord lock = new LockWord(block, 0);
    private final long me = LockWord.owner(1, 1);
    private final long other = LockWord.owner(2, 1);

    @Test
    void isReentrantAndFreeAfterAsManyReleases() throws Exception {
        assertTrue(lock.acquire(me, 0));
        assertTrue(lock.acquire(me, 0));
        assertFalse(lock.acquire(other, 0));
        lock.release(me);
        assertFalse(lock.acquire(other, 0), "one level is still held");
        lock.release(me);
        assertTrue(lock.acquire(other, 0));
    }

    @Test
    void onlyTheOwnerReleases() throws Exception {
        assertThrows(IllegalStateException.class, () -> lock.release(me), "cannot release un-acquired lock");
        assertTrue(lock.acquire(me, 0));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> lock.release(LockWord.owner(1, 2)));
        assertEquals("cannot release un-acquired lock", e.getMessage());
        assertTrue(lock.isHeldBy(me));
    }

    @Test
    void aTimedAcquireGivesUpAfterItsTimeout() throws Exception {
        assertTrue(lock.acquire(other, 0));
        long start = System.nanoTime();
        assertFalse(lock.acquire(me, TimeUnit.MILLISECONDS.toNanos(50)));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void aWaiterTakesTheLockOnceReleased() throws Exception {
        assertTrue(lock.acquire(other, 0));
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lock.release(other);
        });
        releaser.start();
        assertTrue(lock.acquire(me, TimeUnit.SECONDS.toNanos(10)));
        releaser.join();
    }

    @Test
    void excludesThreadsThatIncrementAPlainCounter() throws Exception {
        int threads = 4;
        int increments = 20_000;
        List<Thread> workers = new ArrayList<>();
        for (int t = 1; t <= threads; t++) {
            long owner = LockWord.owner(t, t);
            Thread worker = new Thread(() -> {
                for (int i = 0; i < increments; i++) {
                    try {
                        lock.acquire(owner, -1);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    block.putLong(64, block.getLong(64) + 1);
                    lock.release(owner);
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        assertEquals((long) threads * increments, block.getLong(64));
    }

    @Test
    void aDeadOwnersLockIsReleasedWhateverItsDepth() throws Exception {
        assertTrue(lock.acquire(other, 0));
        assertTrue(lock.acquire(other, 0));
        assertFalse(lock.releaseOwnersWhere(token -> token == 1), "token 1 does not hold it");
        assertTrue(lock.releaseOwnersWhere(token -> token == 2));
        assertTrue(lock.acquire(me, 0));
        lock.release(me);
        assertFalse(lock.isHeldBy(me));
    }
}
