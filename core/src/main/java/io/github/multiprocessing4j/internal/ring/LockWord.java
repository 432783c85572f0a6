package io.github.multiprocessing4j.internal.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongPredicate;

/**
 * A reentrant lock whose whole state is 16 bytes of a mapped file that processes share (a
 * {@code Value}'s block, SPEC M5, or a pipe's ring):
 * the owner, a {@code long} that is 0 when the lock is free and else
 * {@code token << 32 | thread}, changed only by compare-and-set; and the depth, an {@code int}
 * that only the owner touches. Python's default lock of a {@code Value}, an RLock, without a
 * call to another process: an uncontended acquire is one compare-and-set.
 *
 * <p>Java has no futex, so a waiter cannot be woken by a release: it spins for
 * {@link #SPIN_NANOS}, then yields until {@link #YIELD_NANOS}, then parks for growing times up
 * to {@link #MAX_PARK_NANOS}, and takes the lock when it sees it free. A process killed while it
 * holds the lock cannot release it: the process that hosts the block learns of the end and
 * clears the owner ({@link #releaseOwnersWhere}, SPEC M4).
 */
public final class LockWord {

    /** How long a waiter spins. */
    static final long SPIN_NANOS = 20_000;
    /** Until when a waiter yields its core, then parks. */
    static final long YIELD_NANOS = 200_000;
    /** The first park. */
    static final long FIRST_PARK_NANOS = 10_000;
    /** The longest park: the most a waiter may miss a free lock by. */
    static final long MAX_PARK_NANOS = 1_000_000;

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ThreadLocal<Integer> THREAD = ThreadLocal.withInitial(THREADS::incrementAndGet);

    private final ByteBuffer buffer;
    private final int owner;
    private final int depth;

    /**
     * The lock at {@code offset} of a direct buffer; 16 bytes, 8-aligned, zero when free.
     *
     * @param buffer the block
     * @param offset where the word is
     */
    public LockWord(ByteBuffer buffer, int offset) {
        this.buffer = buffer;
        this.owner = offset;
        this.depth = offset + 8;
    }

    /**
     * The owner value of a thread of a process.
     *
     * @param token the process's token for this block, not 0
     * @param thread the thread's number in its process, not 0
     * @return the owner value
     */
    public static long owner(int token, int thread) {
        return (long) token << 32 | (thread & 0xFFFF_FFFFL);
    }

    /**
     * The calling thread's number in this process, for {@link #owner}: from 1, never reused.
     *
     * @return the number
     */
    public static int threadNumber() {
        return THREAD.get();
    }

    /**
     * Takes the lock if it is free or held by {@code me}.
     *
     * @param me the caller's owner value
     * @return whether it was taken
     */
    public boolean tryAcquire(long me) {
        long current = (long) LONGS.getVolatile(buffer, owner);
        if (current == me) {
            INTS.set(buffer, depth, (int) INTS.get(buffer, depth) + 1);
            return true;
        }
        if (current == 0 && LONGS.compareAndSet(buffer, owner, 0L, me)) {
            INTS.set(buffer, depth, 1);
            return true;
        }
        return false;
    }

    /**
     * Takes the lock, waiting at most {@code timeoutNanos}.
     *
     * @param me the caller's owner value
     * @param timeoutNanos negative waits for ever, 0 does not wait
     * @return whether it was taken
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean acquire(long me, long timeoutNanos) throws InterruptedException {
        if (tryAcquire(me)) {
            return true;
        }
        if (timeoutNanos == 0) {
            return false;
        }
        long start = System.nanoTime();
        long park = FIRST_PARK_NANOS;
        while (true) {
            long waited = System.nanoTime() - start;
            if (timeoutNanos > 0 && waited >= timeoutNanos) {
                return false;
            }
            if (waited < SPIN_NANOS) {
                Thread.onSpinWait();
            } else if (waited < YIELD_NANOS) {
                Thread.yield();
            } else {
                long pause = timeoutNanos > 0 ? Math.min(park, timeoutNanos - waited) : park;
                LockSupport.parkNanos(pause);
                park = Math.min(2 * park, MAX_PARK_NANOS);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if ((long) LONGS.getVolatile(buffer, owner) == 0 && tryAcquire(me)) {
                return true;
            }
        }
    }

    /**
     * Releases one level.
     *
     * @param me the caller's owner value
     * @throws IllegalStateException "cannot release un-acquired lock" if {@code me} does not hold it
     */
    public void release(long me) {
        if ((long) LONGS.getVolatile(buffer, owner) != me) {
            throw new IllegalStateException("cannot release un-acquired lock");
        }
        int left = (int) INTS.get(buffer, depth) - 1;
        INTS.set(buffer, depth, Math.max(left, 0));
        if (left <= 0) {
            // release: what the owner wrote under the lock is seen by the next owner (SPEC M5)
            LONGS.setRelease(buffer, owner, 0L);
        }
    }

    /**
     * Whether {@code me} holds the lock.
     *
     * @param me an owner value
     * @return true if it holds it
     */
    public boolean isHeldBy(long me) {
        return (long) LONGS.getVolatile(buffer, owner) == me;
    }

    /**
     * Whether anyone holds the lock now.
     *
     * @return true if held
     */
    public boolean isHeld() {
        return (long) LONGS.getVolatile(buffer, owner) != 0;
    }

    /**
     * Releases the lock, whatever its depth, if its owner's token passes the test: the owner's
     * process has ended (SPEC M4).
     *
     * @param token the test, on the owner's token
     * @return whether it was released
     */
    public boolean releaseOwnersWhere(LongPredicate token) {
        long current = (long) LONGS.getVolatile(buffer, owner);
        if (current == 0 || !token.test(current >>> 32)) {
            return false;
        }
        INTS.set(buffer, depth, 0);
        return LONGS.compareAndSet(buffer, owner, current, 0L);
    }
}
