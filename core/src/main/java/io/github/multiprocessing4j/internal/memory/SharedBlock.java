package io.github.multiprocessing4j.internal.memory;

import io.github.multiprocessing4j.internal.ring.LockWord;
import io.github.multiprocessing4j.internal.ring.Uninterruptibly;
import io.github.multiprocessing4j.internal.shared.Shared;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The elements and the lock of a {@code Value} or an {@code Array}, as every process sees them
 * (SPEC M5). The block is a file of the session's directory that each process of the host maps
 * once: element access is a volatile load or store, the lock a compare-and-set on a word of the
 * block ({@link LockWord}). A process that cannot map it (a remote launcher, or no usable
 * {@code /dev/shm}, where the block is a buffer of the creating process) does the same through
 * calls to the creating process ({@link HostedBlock}), with the same semantics.
 *
 * <p>With a lock, every access takes it, as Python's synchronized wrappers do: an access inside
 * {@code getLock()}'s hold nests in it (the lock is reentrant); one outside it waits for the
 * holder. Elements travel as raw bits ({@link ElementType}).
 */
public final class SharedBlock implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** By block id: the mapping of this JVM, shared by every copy of the handle here. */
    private static final Map<String, Mapped> MAPPED = new ConcurrentHashMap<>();
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();
    private static final Object CALLS = new Object();

    private final String id;
    /** The block's file, or null where the creating process has none. */
    private final String file;
    private final ElementType type;
    private final int length;
    private final boolean locked;
    /** The {@link Mapped} block here, or {@link #CALLS}; resolved on first use. */
    private transient Object access;
    /** This process's token, where it calls the creator (kept per handle: calls are slow anyway). */
    private transient volatile int callsToken;

    private SharedBlock(String id, String file, ElementType type, int length, boolean locked) {
        this.id = id;
        this.file = file;
        this.type = type;
        this.length = length;
        this.locked = locked;
    }

    /**
     * Creates a block, hosted in this process, zeroed.
     *
     * @param type the elements' type
     * @param length how many elements, at least 0
     * @param locked whether it has a lock
     * @return the block, never null
     * @throws IllegalArgumentException if the length is negative or too large
     */
    public static SharedBlock create(ElementType type, int length, boolean locked) {
        return create(type, length, locked, SessionMemory.visibleDirectory());
    }

    /**
     * Creates a block in {@code directory}, or, where there is none or the block cannot be
     * created there, in this process's memory, which other processes reach through calls.
     */
    static SharedBlock create(ElementType type, int length, boolean locked, Optional<Path> directory) {
        Objects.requireNonNull(type, "type");
        if (length < 0) {
            throw new IllegalArgumentException("an Array's length must be >= 0, was " + length);
        }
        long size = HostedBlock.size(type, length);
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("an Array of " + length + " '" + type.code() + "' elements takes " + size
                    + " bytes, more than a block holds (" + Integer.MAX_VALUE + ")");
        }
        ByteBuffer buffer = null;
        Path path = null;
        if (directory.isPresent()) {
            path = directory.get().resolve("block-" + Segment.Names.random());
            Path created = path;
            try {
                buffer = Uninterruptibly.run(() -> {
                    try (FileChannel channel = BlockFiles.createFilled(created, size)) {
                        return BlockFiles.map(channel, size);
                    } catch (IOException | RuntimeException e) {
                        Files.deleteIfExists(created);
                        throw e;
                    }
                });
                SessionMemory.own(path);
            } catch (IOException e) {
                logFallback("cannot create a block in " + directory.get().getParent() + " (" + e.getMessage() + ")");
                path = null;
            }
        } else {
            logFallback("no shared-memory directory is usable here");
        }
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect((int) size);
        }
        HostedBlock host = new HostedBlock(buffer, type, length, locked);
        String id = SharedObjects.hostCounted(host);
        Path file = path;
        // freed (SPEC M9): the file goes, and the mapping here once no handle holds it
        host.whenFreed(() -> {
            MAPPED.remove(id);
            if (file != null) {
                SessionMemory.delete(file);
            }
        });
        MAPPED.put(id, new Mapped(host.buffer(), host.lock()));
        SharedBlock block = new SharedBlock(id, path == null ? null : path.toString(), type, length, locked);
        block.access = MAPPED.get(id);
        SharedObjects.track(block, id);
        return block;
    }

    private static void logFallback(String why) {
        if (FALLBACK_LOGGED.compareAndSet(false, true)) {
            Log.LOGGER.warn("shared memory is not usable in this process ({}): Value and Array go through calls to the"
                    + " process that created them", why);
        }
    }

    /**
     * The elements' type.
     *
     * @return the type, never null
     */
    public ElementType type() {
        return type;
    }

    /**
     * The number of elements.
     *
     * @return the length
     */
    public int length() {
        return length;
    }

    /**
     * Whether the block has a lock.
     *
     * @return true unless created without one (Python's {@code RawValue}, {@code lock=False})
     */
    public boolean isLocked() {
        return locked;
    }

    /**
     * Whether this process maps the block (rather than calling its creator).
     *
     * @return true if mapped
     */
    public boolean isMapped() {
        return resolve() instanceof Mapped;
    }

    private Object resolve() {
        Object resolved = access;
        if (resolved == null) {
            resolved = MAPPED.get(id);
            if (resolved == null && file != null) {
                resolved = MAPPED.computeIfAbsent(id, key -> map(Path.of(file)));
            }
            if (resolved == null) {
                // a block whose file is not here (another host: a pod) is the expected case, which the
                // README states; logging it would bind the logging backend in every such child
                if (file == null || Files.exists(Path.of(file))) {
                    logFallback("this process cannot map the block's file");
                }
                resolved = CALLS;
            }
            access = resolved;
        }
        return resolved;
    }

    private Mapped map(Path path) {
        if (!Files.isRegularFile(path)) {
            return null;
        }
        long size = HostedBlock.size(type, length);
        try {
            ByteBuffer buffer = Uninterruptibly.run(() -> {
                try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    return channel.size() != size ? null : BlockFiles.map(channel, size);
                }
            });
            if (buffer == null) {
                return null;
            }
            return new Mapped(buffer, locked ? new LockWord(buffer, HostedBlock.LOCK_AT) : null);
        } catch (IOException | RuntimeException e) {
            Log.LOGGER.debug("cannot map a block: {}", e.toString());
            return null;
        }
    }

    /** The calling thread's owner value for this block's lock. */
    private long me(Mapped mapped) {
        int token = mapped == null ? callsToken : mapped.token;
        if (token == 0) {
            token = (Integer) Shared.quickCall(id, HostedBlock.REGISTER);
            if (mapped == null) {
                callsToken = token;
            } else {
                mapped.token = token;
            }
        }
        return LockWord.owner(token, LockWord.threadNumber());
    }

    /**
     * One element, under the lock if there is one.
     *
     * @param index the element, checked by the caller
     * @return its raw bits
     */
    public long get(int index) {
        Object resolved = resolve();
        if (resolved instanceof Mapped mapped) {
            if (!locked) {
                return type.load(mapped.buffer, offset(index));
            }
            long me = me(mapped);
            acquireUninterruptibly(mapped.lock, me);
            try {
                return type.load(mapped.buffer, offset(index));
            } finally {
                mapped.lock.release(me);
            }
        }
        return ByteBuffer.wrap(read(index, 1)).getLong();
    }

    /**
     * Sets one element, under the lock if there is one.
     *
     * @param index the element, checked by the caller
     * @param raw its raw bits
     */
    public void set(int index, long raw) {
        Object resolved = resolve();
        if (resolved instanceof Mapped mapped) {
            if (!locked) {
                type.store(mapped.buffer, offset(index), raw);
                return;
            }
            long me = me(mapped);
            acquireUninterruptibly(mapped.lock, me);
            try {
                type.store(mapped.buffer, offset(index), raw);
            } finally {
                mapped.lock.release(me);
            }
            return;
        }
        write(index, new long[] {raw});
    }

    /**
     * Elements {@code first} to {@code first + count}, under one hold of the lock.
     *
     * @param first the first, checked by the caller
     * @param count how many, checked by the caller
     * @return their raw bits
     */
    public long[] getAll(int first, int count) {
        long[] raw = new long[count];
        Object resolved = resolve();
        if (resolved instanceof Mapped mapped) {
            long me = locked ? me(mapped) : 0;
            if (locked) {
                acquireUninterruptibly(mapped.lock, me);
            }
            try {
                for (int i = 0; i < count; i++) {
                    raw[i] = type.load(mapped.buffer, offset(first + i));
                }
            } finally {
                if (locked) {
                    mapped.lock.release(me);
                }
            }
            return raw;
        }
        ByteBuffer bytes = ByteBuffer.wrap(read(first, count));
        for (int i = 0; i < count; i++) {
            raw[i] = bytes.getLong();
        }
        return raw;
    }

    /**
     * Sets elements from {@code first} on, under one hold of the lock.
     *
     * @param first the first, checked by the caller
     * @param raw their raw bits
     */
    public void setAll(int first, long[] raw) {
        Object resolved = resolve();
        if (resolved instanceof Mapped mapped) {
            long me = locked ? me(mapped) : 0;
            if (locked) {
                acquireUninterruptibly(mapped.lock, me);
            }
            try {
                for (int i = 0; i < raw.length; i++) {
                    type.store(mapped.buffer, offset(first + i), raw[i]);
                }
            } finally {
                if (locked) {
                    mapped.lock.release(me);
                }
            }
            return;
        }
        write(first, raw);
    }

    private byte[] read(int first, int count) {
        return (byte[]) callUninterruptibly(HostedBlock.READ, first, count, locked ? me(null) : 0L);
    }

    private void write(int first, long[] raw) {
        ByteBuffer bytes = ByteBuffer.allocate(raw.length * Long.BYTES);
        for (long element : raw) {
            bytes.putLong(element);
        }
        callUninterruptibly(HostedBlock.WRITE, first, bytes.array(), locked ? me(null) : 0L);
    }

    /**
     * Takes the lock, reentrantly.
     *
     * @param timeoutNanos negative waits for ever, 0 does not wait
     * @return whether it was taken
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean acquire(long timeoutNanos) throws InterruptedException {
        Object resolved = resolve();
        if (resolved instanceof Mapped mapped) {
            return mapped.lock.acquire(me(mapped), timeoutNanos);
        }
        return (Boolean) Shared.call(id, HostedBlock.ACQUIRE, me(null), timeoutNanos);
    }

    /**
     * Releases one level of the lock.
     *
     * @throws IllegalStateException "cannot release un-acquired lock" if the calling thread does not hold it
     */
    public void release() {
        Object resolved = resolve();
        if (resolved instanceof Mapped mapped) {
            mapped.lock.release(me(mapped));
            return;
        }
        Shared.quickCall(id, HostedBlock.RELEASE, me(null));
    }

    /**
     * Whether the calling thread holds the lock.
     *
     * @return true if it does
     */
    public boolean isHeldByCurrentThread() {
        Object resolved = resolve();
        if (resolved instanceof Mapped mapped) {
            return mapped.lock.isHeldBy(me(mapped));
        }
        return (Boolean) Shared.quickCall(id, HostedBlock.HELD_BY, me(null));
    }

    private int offset(int index) {
        return HostedBlock.DATA_AT + index * type.size();
    }

    /**
     * An access waits for the lock without giving up on interruption, as Python's
     * {@code v.value} does; the interrupt stays set for the caller.
     */
    private static void acquireUninterruptibly(LockWord lock, long me) {
        boolean interrupted = false;
        while (true) {
            try {
                lock.acquire(me, -1);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private Object callUninterruptibly(int op, Object... args) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return Shared.call(id, op, args);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A copy of this handle that goes through calls to the creating process, as one in a process
     * that cannot map the block does.
     */
    SharedBlock throughCalls() {
        SharedBlock copy = new SharedBlock(id, file, type, length, locked);
        copy.access = CALLS;
        SharedObjects.track(copy, id);
        return copy;
    }

    /**
     * Serialized: the copy in flight keeps the block alive until it is deserialized (SPEC M9).
     *
     * @param out the stream
     * @throws IOException if the stream fails
     */
    @Serial
    private void writeObject(java.io.ObjectOutputStream out) throws IOException {
        SharedObjects.sending(id);
        out.defaultWriteObject();
    }

    /**
     * Deserialized: this copy keeps the block alive until it is unreachable; once no copy is
     * left here, this process drops its mapping, so that the block's memory goes with its file.
     *
     * @param in the stream
     * @throws IOException if the stream fails
     * @throws ClassNotFoundException if a class is missing
     */
    @Serial
    private void readObject(java.io.ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        String mapped = id;
        SharedObjects.received(this, id, () -> MAPPED.remove(mapped));
    }

    /** A block mapped in this JVM, and this JVM's token for its lock (0 until registered). */
    private static final class Mapped {
        final ByteBuffer buffer;
        final LockWord lock;
        volatile int token;

        Mapped(ByteBuffer buffer, LockWord lock) {
            this.buffer = buffer;
            this.lock = lock;
        }
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(SharedBlock.class);
    }
}
