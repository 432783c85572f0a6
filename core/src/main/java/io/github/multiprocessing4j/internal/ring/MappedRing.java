package io.github.multiprocessing4j.internal.ring;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A ring buffer of byte messages in a memory-mapped file that two processes of one host map:
 * one writes ({@link RingWriter}), the other reads ({@link RingReader}), in order, each message
 * exactly once.
 *
 * <h2>Concurrency contract</h2>
 * One writer and one reader at a time, over all processes that map the file: single producer,
 * single consumer. Several producers may share the writing end if they hold a lock of their own
 * (across processes, a lock they all share) around each {@link RingWriter#write}; the same goes
 * for consumers. Within a process, {@link #writer} and {@link #reader} may each be called once
 * per instance; the writer and the reader may be in the same process (two threads) or in two.
 *
 * <h2>How a record is committed</h2>
 * A record is its length (4 bytes, native order), the message, and padding to 8 bytes; it may
 * wrap around the end of the data area. The writer copies the record into free space and only
 * then publishes the new write index with release semantics; the reader reads the write index
 * with acquire semantics and never looks past it. A writer killed at any point (SIGKILL
 * included) therefore leaves only whole records for the reader; what it had not published is
 * never seen, and the next writer overwrites it (SPEC M4). The reader frees space the same way,
 * by publishing its read index after it has copied a record out.
 *
 * <h2>The file</h2>
 * A 4 KiB header (magic, version, capacity, and the write index, the read index, the two
 * ends' closed flags and the two ends' {@link LockWord}s on cache lines of their own), then
 * {@code capacity} bytes of data. The file
 * is created with permissions 0600, and every byte of it is written at creation, so that a full
 * {@code /dev/shm} fails {@link #create} with an {@link IOException} instead of killing a
 * process with SIGBUS when a page is first touched. Java cannot unmap a file: the memory is
 * returned once the file is deleted and every process that mapped it has ended or collected its
 * buffer. Deleting the file is the caller's job ({@link SharedMemoryDirectory#close()}).
 */
public final class MappedRing {

    /** The least capacity, in bytes. */
    public static final int MIN_CAPACITY = 64;
    /** The largest capacity, in bytes: 1 GiB. */
    public static final int MAX_CAPACITY = 1 << 30;

    static final long MAGIC = 0x474E_4952_4A34_504DL;   // "MP4JRING" in little-endian ASCII
    static final int VERSION = 1;
    static final int MAGIC_AT = 0;
    static final int VERSION_AT = 8;
    static final int CAPACITY_AT = 12;
    static final int WRITE_INDEX_AT = 64;
    static final int READ_INDEX_AT = 128;
    static final int WRITER_CLOSED_AT = 192;
    static final int READER_CLOSED_AT = 256;
    static final int WRITE_LOCK_AT = 320;
    static final int READ_LOCK_AT = 384;
    /** The first of the words that a ring's user keeps in its header ({@link #word}), a cache line each. */
    static final int WORDS_AT = 448;
    /** How many such words a header has. */
    public static final int WORDS = 8;
    static final int DATA_AT = 4096;
    static final int LENGTH_BYTES = 4;

    /** Aligned longs of a direct buffer: getAcquire and setRelease work across processes that map the same file. */
    static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final Path path;
    private final MappedByteBuffer buffer;
    private final int capacity;
    private final AtomicBoolean writerTaken = new AtomicBoolean();
    private final AtomicBoolean readerTaken = new AtomicBoolean();

    private MappedRing(Path path, MappedByteBuffer buffer, int capacity) {
        this.path = path;
        this.buffer = buffer;
        this.capacity = capacity;
    }

    /**
     * Creates the file of a new, empty ring and maps it. The file must not exist: it is created
     * with permissions 0600 (never through a symbolic link), filled, and removed again if
     * anything fails.
     *
     * @param file where the ring lives, usually {@link SharedMemoryDirectory#newFile}
     * @param capacity the bytes of the data area: a power of two from {@link #MIN_CAPACITY} to
     *     {@link #MAX_CAPACITY}
     * @return the ring, mapped, never null
     * @throws IllegalArgumentException if the capacity is not a power of two in range
     * @throws IOException if the file exists or cannot be created, filled (a full file system)
     *     or mapped; the caller falls back to sockets. The caller's interrupt does not fail it
     *     and is kept ({@link Uninterruptibly}).
     */
    public static MappedRing create(Path file, int capacity) throws IOException {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("a ring's capacity must be a power of two from " + MIN_CAPACITY + " to "
                    + MAX_CAPACITY + " bytes, not " + capacity);
        }
        return Uninterruptibly.run(() -> createOnce(file, capacity));
    }

    private static MappedRing createOnce(Path file, int capacity) throws IOException {
        long size = (long) DATA_AT + capacity;
        // CREATE_NEW fails on an existing file (or link): from here on, the file is ours to remove
        FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        boolean done = false;
        try (channel) {
            // every page written now: a full tmpfs fails here, not with SIGBUS on first touch
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(size, 1 << 16));
            for (long at = 0; at < size; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), size - at));
                at += channel.write(zeros, at);
            }
            MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            buffer.order(ByteOrder.nativeOrder());
            buffer.putInt(VERSION_AT, VERSION);
            buffer.putInt(CAPACITY_AT, capacity);
            LONGS.setRelease(buffer, MAGIC_AT, MAGIC);
            done = true;
            return new MappedRing(file, buffer, capacity);
        } finally {
            if (!done) {
                Files.deleteIfExists(file);
            }
        }
    }

    /**
     * Maps the file of a ring that another process (or this one) created.
     *
     * @param file the ring's file
     * @return the ring, mapped, never null
     * @throws IOException if the file cannot be opened or mapped, or is not a ring of this
     *     version (a wrong magic, version, capacity or size, or indexes that cannot be); the
     *     caller's interrupt does not fail it and is kept ({@link Uninterruptibly})
     */
    public static MappedRing open(Path file) throws IOException {
        return Uninterruptibly.run(() -> openOnce(file));
    }

    private static MappedRing openOnce(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            long size = channel.size();
            if (size < DATA_AT + MIN_CAPACITY || size > (long) DATA_AT + MAX_CAPACITY) {
                throw new IOException(file + " is not a ring: " + size + " bytes");
            }
            MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            buffer.order(ByteOrder.nativeOrder());
            if ((long) LONGS.getAcquire(buffer, MAGIC_AT) != MAGIC) {
                throw new IOException(file + " is not a ring: no magic number");
            }
            int version = buffer.getInt(VERSION_AT);
            if (version != VERSION) {
                throw new IOException(file + " is a ring of format version " + version + ", this process knows "
                        + VERSION + " only");
            }
            int capacity = buffer.getInt(CAPACITY_AT);
            if (Integer.bitCount(capacity) != 1 || (long) DATA_AT + capacity != size) {
                throw new IOException(file + " is not a ring: capacity " + capacity + " in a file of " + size + " bytes");
            }
            // the read index first: a reader at work only moves it towards the write index
            long read = (long) LONGS.getAcquire(buffer, READ_INDEX_AT);
            long write = (long) LONGS.getAcquire(buffer, WRITE_INDEX_AT);
            if (read < 0 || write < read || write - read > capacity) {
                throw new IOException(file + " is not a ring: write index " + write + ", read index " + read);
            }
            return new MappedRing(file, buffer, capacity);
        }
    }

    /**
     * The ring's file.
     *
     * @return the path given to {@link #create} or {@link #open}, never null
     */
    public Path path() {
        return path;
    }

    /**
     * The size of the data area.
     *
     * @return the capacity in bytes
     */
    public int capacity() {
        return capacity;
    }

    /**
     * The largest message this ring carries: its capacity less the 4 bytes of a record's length.
     *
     * @return the largest message, in bytes
     */
    public int maxMessageBytes() {
        return capacity - LENGTH_BYTES;
    }

    /**
     * The writing end of this mapping. Writing starts at the ring's current write index, so a
     * writer that replaces a dead one overwrites what that one had not committed.
     *
     * @param readerAlive asked, while the writer waits for room, whether the reading process is
     *     still alive; false ends the wait with {@link PeerGoneException}
     * @return the writer, never null
     * @throws IllegalStateException if this instance already gave out its writer
     */
    public RingWriter writer(BooleanSupplier readerAlive) {
        if (!writerTaken.compareAndSet(false, true)) {
            throw new IllegalStateException("the writer of " + path + " was already taken: one writer per ring");
        }
        return new RingWriter(this, buffer.duplicate().order(ByteOrder.nativeOrder()), readerAlive);
    }

    /**
     * The reading end of this mapping. Reading starts at the ring's current read index.
     *
     * @param writerAlive asked, while the reader waits for a record, whether the writing
     *     process is still alive; false ends the wait with {@link PeerGoneException} once every
     *     committed record has been read
     * @return the reader, never null
     * @throws IllegalStateException if this instance already gave out its reader
     */
    public RingReader reader(BooleanSupplier writerAlive) {
        if (!readerTaken.compareAndSet(false, true)) {
            throw new IllegalStateException("the reader of " + path + " was already taken: one reader per ring");
        }
        return new RingReader(this, buffer.duplicate().order(ByteOrder.nativeOrder()), writerAlive);
    }

    /**
     * The lock that processes sharing the writing end hold around each write (the concurrency
     * contract above); a new instance on each call, over the same 16 bytes of the file.
     *
     * @return the writers' lock
     */
    public LockWord writerLock() {
        return new LockWord(buffer.duplicate().order(ByteOrder.nativeOrder()), WRITE_LOCK_AT);
    }

    /**
     * The lock that processes sharing the reading end hold around each read.
     *
     * @return the readers' lock
     */
    public LockWord readerLock() {
        return new LockWord(buffer.duplicate().order(ByteOrder.nativeOrder()), READ_LOCK_AT);
    }

    /**
     * How many bytes of the data area hold no unread record: what the writer can fill before it
     * waits; any thread of any process may ask.
     *
     * @return the free bytes, from 0 to the capacity
     */
    public long freeBytes() {
        long used = (long) LONGS.getAcquire(buffer, WRITE_INDEX_AT) - (long) LONGS.getAcquire(buffer, READ_INDEX_AT);
        return Math.max(0, Math.min(capacity, capacity - used));
    }

    /**
     * The bytes a message of {@code length} bytes takes in the data area: its record.
     *
     * @param length the message's length
     * @return the record's size
     */
    public static int recordSize(int length) {
        return recordBytes(length);
    }

    /**
     * Whether a record is committed that the reader has not read: a look at the two indexes that
     * any thread of any process may take, without the reader's or the writer's lock.
     *
     * @return true if the ring holds an unread record
     */
    public boolean hasUnread() {
        return (long) LONGS.getAcquire(buffer, WRITE_INDEX_AT) != (long) LONGS.getAcquire(buffer, READ_INDEX_AT);
    }

    /**
     * The writing end's closed flag: 0 while open; any other value makes a reader that has read
     * every committed record get end of stream. Whoever manages the ring may set and clear it.
     *
     * @return the flag's value
     */
    public long writerClosed() {
        return (long) LONGS.getAcquire(buffer, WRITER_CLOSED_AT);
    }

    /**
     * Sets the writing end's closed flag (see {@link #writerClosed()}).
     *
     * @param value 0 for open, anything else for closed
     */
    public void setWriterClosed(long value) {
        LONGS.setRelease(buffer, WRITER_CLOSED_AT, value);
    }

    /**
     * Whether the reading end is closed: a writer's next write fails.
     *
     * @return true if closed
     */
    public boolean readerClosed() {
        return (long) LONGS.getAcquire(buffer, READER_CLOSED_AT) != 0;
    }

    /** Closes the reading end for every process (see {@link #readerClosed()}). */
    public void closeReader() {
        LONGS.setRelease(buffer, READER_CLOSED_AT, 1L);
    }

    /**
     * A word that the ring's users keep in its header for their own books (a queue's count and
     * state, for example): 0 in a new ring, read with acquire semantics.
     *
     * @param index which word, from 0 to {@link #WORDS} - 1
     * @return its value
     */
    public long word(int index) {
        return (long) LONGS.getAcquire(buffer, wordAt(index));
    }

    /**
     * Adds to a word of the header atomically, for every process that maps the ring.
     *
     * @param index which word, from 0 to {@link #WORDS} - 1
     * @param delta what to add
     * @return the value before
     */
    public long addToWord(int index, long delta) {
        return (long) LONGS.getAndAdd(buffer, wordAt(index), delta);
    }

    /**
     * Sets bits of a word of the header atomically, for every process that maps the ring.
     *
     * @param index which word, from 0 to {@link #WORDS} - 1
     * @param bits the bits to set
     * @return the value before
     */
    public long setBits(int index, long bits) {
        return (long) LONGS.getAndBitwiseOr(buffer, wordAt(index), bits);
    }

    /**
     * Sets a word of the header to {@code value} if it holds {@code expected}, atomically for
     * every process that maps the ring.
     *
     * @param index which word, from 0 to {@link #WORDS} - 1
     * @param expected the value it must hold
     * @param value the new value
     * @return whether it was set
     */
    public boolean compareAndSetWord(int index, long expected, long value) {
        return LONGS.compareAndSet(buffer, wordAt(index), expected, value);
    }

    private static int wordAt(int index) {
        if (index < 0 || index >= WORDS) {
            throw new IndexOutOfBoundsException("a ring's header has words 0 to " + (WORDS - 1) + ", not " + index);
        }
        return WORDS_AT + 64 * index;
    }

    /**
     * The bytes free in the data area now; stale as soon as it returns.
     *
     * @return the free bytes
     */
    int free() {
        long read = (long) LONGS.getAcquire(buffer, READ_INDEX_AT);
        long write = (long) LONGS.getAcquire(buffer, WRITE_INDEX_AT);
        return (int) Math.max(0, capacity - (write - read));
    }

    /** The bytes a record of a message of {@code length} bytes takes: its length, the message, padding to 8. */
    static int recordBytes(int length) {
        return (LENGTH_BYTES + length + 7) & ~7;
    }

    @Override
    public String toString() {
        return "MappedRing[" + path + ", " + capacity + " bytes]";
    }
}
