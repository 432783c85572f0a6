package io.github.multiprocessing4j.internal.memory;

import io.github.multiprocessing4j.internal.shared.SharedObjects;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The block of a {@code Value} or {@code Array} in the process that created it: it hands each
 * process a token for the block's lock word, serves the processes that cannot map the block
 * (a remote launcher, no {@code /dev/shm}) with calls that do the same as a mapped access, and
 * releases the lock word when the process that holds it was killed (SPEC M4, M5).
 */
public final class HostedBlock implements SharedObjects.Hosted {

    /** register() returns the caller's token for the lock word (an Integer, never 0). */
    public static final int REGISTER = 1;
    /** acquire(owner, timeoutNanos) returns whether the lock was taken. */
    public static final int ACQUIRE = 2;
    /** release(owner). */
    public static final int RELEASE = 3;
    /** heldBy(owner) returns whether the owner holds the lock. */
    public static final int HELD_BY = 4;
    /** read(first, count, owner or 0) returns the raw elements, 8 bytes each. */
    public static final int READ = 5;
    /** write(first, raw elements of 8 bytes each, owner or 0). */
    public static final int WRITE = 6;

    /** Where the lock word is in a block. */
    static final int LOCK_AT = 0;
    /** Where the elements start: a cache line after the lock word. */
    static final int DATA_AT = 64;

    private final ByteBuffer buffer;
    private final ElementType type;
    private final int length;
    private final LockWord lock;
    private final Map<String, Integer> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger lastToken = new AtomicInteger();
    private volatile Runnable whenFreed;

    HostedBlock(ByteBuffer buffer, ElementType type, int length, boolean locked) {
        this.buffer = buffer;
        this.type = type;
        this.length = length;
        this.lock = locked ? new LockWord(buffer, LOCK_AT) : null;
    }

    /**
     * The bytes a block of {@code length} elements takes.
     *
     * @param type the elements' type
     * @param length how many
     * @return the size in bytes
     */
    static long size(ElementType type, int length) {
        return DATA_AT + (long) length * type.size();
    }

    /** What to do once the block is freed: delete its file. */
    void whenFreed(Runnable action) {
        whenFreed = action;
    }

    @Override
    public void freed() {
        Runnable action = whenFreed;
        if (action != null) {
            action.run();
        }
    }

    ByteBuffer buffer() {
        return buffer;
    }

    LockWord lock() {
        return lock;
    }

    @Override
    public boolean mayBlock(int op, Object[] args) {
        switch (op) {
            case ACQUIRE:
                return (Long) args[1] != 0;
            case READ:
            case WRITE:
                return (Long) args[2] != 0;
            default:
                return false;
        }
    }

    @Override
    public Object invoke(int op, Object[] args, String caller) throws Exception {
        switch (op) {
            case REGISTER:
                return tokens.computeIfAbsent(caller, key -> lastToken.incrementAndGet());
            case ACQUIRE:
                return locked().acquire((Long) args[0], (Long) args[1]);
            case RELEASE:
                locked().release((Long) args[0]);
                return null;
            case HELD_BY:
                return locked().isHeldBy((Long) args[0]);
            case READ:
                return read((Integer) args[0], (Integer) args[1], (Long) args[2]);
            case WRITE:
                write((Integer) args[0], (byte[]) args[1], (Long) args[2]);
                return null;
            default:
                throw new IllegalArgumentException("unknown block operation " + op);
        }
    }

    private LockWord locked() {
        if (lock == null) {
            throw new IllegalStateException("this block has no lock");
        }
        return lock;
    }

    private byte[] read(int first, int count, long owner) throws InterruptedException {
        checkRange(first, count);
        ByteBuffer out = ByteBuffer.allocate(count * Long.BYTES);
        if (owner != 0) {
            locked().acquire(owner, -1);
        }
        try {
            for (int i = 0; i < count; i++) {
                out.putLong(type.load(buffer, DATA_AT + (first + i) * type.size()));
            }
        } finally {
            if (owner != 0) {
                lock.release(owner);
            }
        }
        return out.array();
    }

    private void write(int first, byte[] raw, long owner) throws InterruptedException {
        int count = raw.length / Long.BYTES;
        checkRange(first, count);
        ByteBuffer in = ByteBuffer.wrap(raw);
        if (owner != 0) {
            locked().acquire(owner, -1);
        }
        try {
            for (int i = 0; i < count; i++) {
                type.store(buffer, DATA_AT + (first + i) * type.size(), in.getLong());
            }
        } finally {
            if (owner != 0) {
                lock.release(owner);
            }
        }
    }

    private void checkRange(int first, int count) {
        if (first < 0 || count < 0 || first > length - count) {
            throw new IndexOutOfBoundsException("elements " + first + " to " + (first + count) + " of " + length);
        }
    }

    @Override
    public void callerGone(String caller, boolean killed) {
        if (!killed || lock == null) {
            return;
        }
        // Python leaves a lock held by a process that ended by itself; one killed holding it is released (SPEC M4)
        boolean released = lock.releaseOwnersWhere(token -> tokens.entrySet().stream().anyMatch(
                entry -> entry.getValue() == token && SharedObjects.isWithin(entry.getKey(), caller)));
        if (released) {
            Log.LOGGER.warn("a process was killed while it held the lock of a Value or Array; releasing it");
        }
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(HostedBlock.class);
    }
}
