package io.github.multiprocessing4j.internal.memory;

import io.github.multiprocessing4j.internal.ring.Uninterruptibly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A named block of bytes in the session's directory: what {@code SharedMemory} is made of
 * (SPEC M6). Exactly one owner, the handle that created it: only the owner may unlink it, and
 * its file is deleted when its process ends normally. While the owner's process lives it holds
 * an exclusive lock on the file, which the kernel drops when the process dies, SIGKILL
 * included: an attacher that can take the lock knows the owner died without unlinking, and
 * removes the block instead of handing out memory nobody owns (Python's cpython#82300, a
 * tracker that unlinks what it does not own, is what one owner avoids).
 */
public final class Segment {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}");
    /** The blocks this process owns, by file: attaching to one of them uses the owner's mapping (see {@link #attach}). */
    private static final Map<Path, Segment> OWNED = new ConcurrentHashMap<>();
    private static final Object ATTACHING = new Object();

    private final String name;
    private final Path file;
    private final int size;
    private final MappedByteBuffer buffer;
    /** The owner's open file and its lock; null for an attached segment, and after unlink. */
    private FileChannel ownerChannel;
    private final boolean owner;

    private Segment(String name, Path file, int size, MappedByteBuffer buffer, FileChannel ownerChannel) {
        this.name = name;
        this.file = file;
        this.size = size;
        this.buffer = buffer;
        this.ownerChannel = ownerChannel;
        this.owner = ownerChannel != null;
    }

    /**
     * Creates a block, owned by the returned segment.
     *
     * @param name its name, or null for a new unguessable one
     * @param size its size in bytes, at least 1
     * @return the owner's segment, never null
     * @throws IllegalArgumentException if the size is not positive, the name is not letters,
     *     digits, '_', '.' and '-', or a block of that name exists
     * @throws IllegalStateException if shared memory cannot be used here, or the block cannot be
     *     created ({@code /dev/shm} full, read-only)
     */
    public static Segment create(String name, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("'size' must be a positive number different from zero, was " + size);
        }
        if (name != null) {
            checkName(name);
        }
        Path directory = usableDirectory();
        Path partial = directory.resolve("partial-" + Names.random());
        String chosen = name != null ? name : "psm_" + Names.random();
        Path file = directory.resolve(chosen);
        try {
            Segment segment = Uninterruptibly.run(() -> createOnce(chosen, partial, file, size));
            OWNED.put(file, segment);
            SessionMemory.own(file);
            return segment;
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException("a shared memory block named '" + chosen + "' exists already", e);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot create shared memory block '" + chosen + "' of " + size
                    + " bytes in " + directory.getParent() + ": " + e.getMessage(), e);
        }
    }

    /** Creates the block's file as {@code partial}, locks and maps it, and links it as {@code file}; undone if it fails. */
    private static Segment createOnce(String chosen, Path partial, Path file, int size) throws IOException {
        FileChannel channel = null;
        try {
            channel = BlockFiles.createFilled(partial, size);
            // locked before anyone can see the name: an attacher that gets the lock knows the owner is dead
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IOException("cannot lock a file of its own");
            }
            MappedByteBuffer mapped = BlockFiles.map(channel, size);
            // link(2) fails if the name exists, where rename(2) would replace the other block
            Files.createLink(file, partial);
            Files.delete(partial);
            return new Segment(chosen, file, size, mapped, channel);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            deleteQuietly(partial);
            throw e;
        }
    }

    /**
     * Attaches to a block by name.
     *
     * @param name the block's name
     * @param size the bytes the caller needs, or 0 for the block's size
     * @return a segment that does not own the block, never null
     * @throws IllegalArgumentException if no block has that name, or it is smaller than {@code size}
     * @throws IllegalStateException if shared memory cannot be used here, or the block's owner
     *     ended without unlinking it (the block is removed then)
     */
    public static Segment attach(String name, int size) {
        Objects.requireNonNull(name, "name");
        if (size < 0) {
            throw new IllegalArgumentException("'size' must be a positive number, or 0 for the block's size, was " + size);
        }
        checkName(name);
        Path directory = usableDirectory();
        Path file = directory.resolve(name);
        Segment owned = OWNED.get(file);
        if (owned != null) {
            checkSize(name, owned.size, size);
            return new Segment(name, file, owned.size, owned.buffer, null);
        }
        synchronized (ATTACHING) {
            try {
                return Uninterruptibly.run(() -> attachOnce(name, file, size));
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("no shared memory block named '" + name + "': it was never created in"
                        + " this process tree, or it was unlinked", e);
            } catch (IOException e) {
                throw new IllegalStateException("cannot attach to shared memory block '" + name + "': " + e, e);
            }
        }
    }

    private static Segment attachOnce(String name, Path file, int size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (ownerIsGone(channel)) {
                Files.deleteIfExists(file);
                throw new IllegalStateException("shared memory block '" + name + "' was left by a process that ended"
                        + " without unlinking it (it was killed?): nobody owns it, so it was removed");
            }
            long bytes = channel.size();
            if (bytes > Integer.MAX_VALUE) {
                throw new IllegalStateException("shared memory block '" + name + "' has " + bytes + " bytes, more than"
                        + " a ByteBuffer holds");
            }
            checkSize(name, (int) bytes, size);
            return new Segment(name, file, (int) bytes, BlockFiles.map(channel, bytes), null);
        }
    }

    private static boolean ownerIsGone(FileChannel channel) throws IOException {
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return false;
            }
            lock.release();
            return true;
        } catch (OverlappingFileLockException e) {
            // this JVM holds it: its owner is alive here
            return false;
        }
    }

    private static void checkSize(String name, int actual, int wanted) {
        if (wanted > actual) {
            throw new IllegalArgumentException("shared memory block '" + name + "' has " + actual
                    + " bytes, fewer than the " + wanted + " asked for");
        }
    }

    private static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a shared memory block's name is 1 to 200 letters, digits, '_', '.' and"
                    + " '-', not starting with '.' or '-': '" + name + "'");
        }
    }

    /**
     * The session's directory, if this process can use it.
     *
     * @throws IllegalStateException if it has none, or cannot see it
     */
    private static Path usableDirectory() {
        Path directory = SessionMemory.directory().orElseThrow(() -> new IllegalStateException(
                "shared memory is not available: /dev/shm is missing, read-only or full on the host of the main"
                        + " process (see the warning it logged); SharedMemory cannot fall back to anything else"));
        if (!Files.isDirectory(directory)) {
            throw new IllegalStateException("shared memory needs the same host: this process does not see the session's"
                    + " shared-memory directory, so it runs on another host than its process tree's main process"
                    + " (a remote launcher); pass the bytes with a Queue or a Pipe instead");
        }
        return directory;
    }

    /**
     * The name.
     *
     * @return the block's name, never null
     */
    public String name() {
        return name;
    }

    /**
     * The size.
     *
     * @return bytes
     */
    public int size() {
        return size;
    }

    /**
     * A new view of the whole block, position 0, limit {@link #size()}.
     *
     * @return the view, never null
     */
    public ByteBuffer buffer() {
        return buffer.duplicate().clear();
    }

    /**
     * Whether this segment created the block.
     *
     * @return true for the owner
     */
    public boolean isOwner() {
        return owner;
    }

    /**
     * Deletes the block's file: no process can attach any more; those that did keep their view.
     *
     * @throws IllegalStateException if this segment does not own the block
     */
    public synchronized void unlink() {
        if (!owner) {
            throw new IllegalStateException("only the SharedMemory that created block '" + name + "' may unlink it;"
                    + " this one attached to it (Python's cpython#82300: a process unlinking what it does not own)");
        }
        if (ownerChannel == null) {
            return;
        }
        deleteQuietly(file);
        OWNED.remove(file);
        SessionMemory.disown(file);
        closeQuietly(ownerChannel);
        ownerChannel = null;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing to do: the file is gone or going
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // removed with the session's directory at the latest
        }
    }

    /** Unguessable names: 128 bits of a {@code SecureRandom}. */
    static final class Names {
        private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

        private Names() {
        }

        static String random() {
            byte[] bytes = new byte[16];
            RANDOM.nextBytes(bytes);
            return java.util.HexFormat.of().formatHex(bytes);
        }
    }
}
