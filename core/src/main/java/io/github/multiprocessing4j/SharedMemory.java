package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.memory.Segment;
import java.io.Serial;
import java.io.Serializable;
import java.nio.ByteBuffer;

/**
 * A named block of bytes that any process of the tree on this host attaches to by name:
 * Python's {@code multiprocessing.shared_memory.SharedMemory(name, create, size)}.
 *
 * <pre>{@code
 * SharedMemory block = SharedMemory.create(1024);          // Python: SharedMemory(create=True, size=1024)
 * block.buffer().put(0, (byte) 42);                        // block.buf[0] = 42
 * String name = block.name();                              // hand the name to another process
 * SharedMemory other = SharedMemory.attach(name);          // SharedMemory(name)
 * other.close();
 * block.unlink();                                          // the owner only
 * }</pre>
 *
 * <p>Exactly one owner, the handle that created the block (SPEC M6): only it may
 * {@link #unlink()} it; a copy sent to another process, or a handle attached by name, is not the
 * owner. The block is removed when its owner unlinks it or its process ends normally, and a block
 * whose owner was killed is removed by the end of the tree's main process, by the first process
 * that tries to attach to it, or at the latest by the next session on the host. Python's
 * resource tracker unlinked blocks their process did not own (cpython#82300); here nothing but
 * the owner unlinks a block that lives.
 *
 * <p>The block lives in the session's directory under {@code /dev/shm}: every process of the
 * tree on this host (local and docker launchers) sees it; a process on another host (a remote
 * launcher) cannot attach, and gets an {@link IllegalStateException} that says so. Beyond Python:
 * the names are those of this process tree only, not of the whole host.
 */
public final class SharedMemory implements Serializable, AutoCloseable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The block's name: all a copy needs to attach. */
    private final String name;
    /** The block's size in bytes. */
    private final int size;
    /** This process's view; null in a copy until first used. */
    private transient Segment segment;
    private transient boolean closed;

    private SharedMemory(Segment segment) {
        this.name = segment.name();
        this.size = segment.size();
        this.segment = segment;
    }

    /**
     * Python's constructor: creates a block, or attaches to one by name.
     *
     * @param name the block's name; null with {@code create} for a new unguessable name
     * @param create whether to create the block (this handle is then its owner)
     * @param size the size in bytes: of the new block, or the least the caller needs when
     *     attaching (0 for any)
     * @throws IllegalArgumentException as {@link #create(String, int)} or {@link #attach(String, int)}
     * @throws IllegalStateException as {@link #create(String, int)} or {@link #attach(String, int)}
     */
    public SharedMemory(String name, boolean create, int size) {
        this(create ? Segment.create(name, size) : Segment.attach(requireName(name), size));
    }

    private static String requireName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("'name' can only be null if create=true");
        }
        return name;
    }

    /**
     * Creates a block with a new unguessable name.
     *
     * @param size its size in bytes, at least 1
     * @return the owner's handle, never null
     * @throws IllegalArgumentException if {@code size <= 0}
     * @throws IllegalStateException if shared memory cannot be used here ({@code /dev/shm}
     *     missing, read-only or full, or another host than the main process's)
     */
    public static SharedMemory create(int size) {
        return new SharedMemory(Segment.create(null, size));
    }

    /**
     * Creates a block with a given name.
     *
     * @param name letters, digits, '_', '.' and '-'
     * @param size its size in bytes, at least 1
     * @return the owner's handle, never null
     * @throws IllegalArgumentException if {@code size <= 0}, the name is not valid, or a block of
     *     that name exists
     * @throws IllegalStateException if shared memory cannot be used here
     */
    public static SharedMemory create(String name, int size) {
        return new SharedMemory(Segment.create(java.util.Objects.requireNonNull(name, "name"), size));
    }

    /**
     * Attaches to a block by name: Python's {@code SharedMemory(name)}.
     *
     * @param name the block's name
     * @return a handle that does not own the block, never null
     * @throws IllegalArgumentException if no block has that name (never created, or unlinked)
     * @throws IllegalStateException if shared memory cannot be used here (another host than the
     *     main process's), or the block's owner ended without unlinking it (the block is removed)
     */
    public static SharedMemory attach(String name) {
        return attach(name, 0);
    }

    /**
     * Attaches to a block by name, which must hold at least {@code size} bytes.
     *
     * @param name the block's name
     * @param size the bytes the caller needs; 0 for any
     * @return a handle that does not own the block, never null
     * @throws IllegalArgumentException if no block has that name, or it holds fewer bytes
     * @throws IllegalStateException as {@link #attach(String)}
     */
    public static SharedMemory attach(String name, int size) {
        return new SharedMemory(Segment.attach(name, size));
    }

    /**
     * The name other processes attach with: Python's {@code name}.
     *
     * @return the name, never null
     */
    public String name() {
        return name;
    }

    /**
     * The size: Python's {@code size}.
     *
     * @return bytes
     */
    public int size() {
        return size;
    }

    /**
     * A view of the whole block: Python's {@code buf}. Each call returns a new view (position 0,
     * limit {@link #size()}, big-endian as every new {@link ByteBuffer}) of the same bytes, so
     * threads do not share a position. A copy of this handle in another process attaches on its
     * first call.
     *
     * @return the view, never null
     * @throws IllegalStateException after {@link #close()}, or as {@link #attach(String)}
     */
    public synchronized ByteBuffer buffer() {
        if (closed) {
            throw new IllegalStateException("SharedMemory '" + name + "' is closed in this process");
        }
        if (segment == null) {
            segment = Segment.attach(name, size);
        }
        return segment.buffer();
    }

    /**
     * Whether this handle created the block and may unlink it.
     *
     * @return true for the owner
     */
    public synchronized boolean isOwner() {
        return segment != null && segment.isOwner();
    }

    /**
     * Stops using the block in this process: Python's {@code close()}. {@link #buffer()} fails
     * afterwards; views handed out before stay valid until they are garbage (Java cannot unmap a
     * buffer that may still be used). Does not unlink the block. A second call does nothing.
     */
    @Override
    public synchronized void close() {
        closed = true;
    }

    /**
     * Removes the block: no process can attach to it any more; those that did keep their views.
     * Python's {@code unlink()}. A second call does nothing.
     *
     * @throws IllegalStateException if this handle is not the owner (it attached to the block, or
     *     is a copy sent to another process)
     */
    public synchronized void unlink() {
        if (segment == null || !segment.isOwner()) {
            throw new IllegalStateException("only the SharedMemory that created block '" + name + "' may unlink it;"
                    + " this one attached to it (Python's cpython#82300: a process unlinking what it does not own)");
        }
        segment.unlink();
    }

    /**
     * Python's repr: {@code SharedMemory('psm_..', size=1024)}.
     *
     * @return the text
     */
    @Override
    public String toString() {
        return "SharedMemory('" + name + "', size=" + size + ")";
    }
}
