package io.github.multiprocessing4j.internal.memory;

import io.github.multiprocessing4j.internal.ring.MappedRing;
import io.github.multiprocessing4j.internal.ring.SharedMemoryDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's shared-memory directory (SPEC M6): one per process tree, made by the main
 * process under {@code /dev/shm} when it first starts a child or creates a block, after it has
 * removed what dead sessions left there; a child learns it from its parent's task and uses the
 * same directory (a container sees it through a bind mount at the same path). Each process
 * deletes the files it created when it ends normally; the main process deletes the whole
 * directory. What a killed process left is removed by the end of the main process, or, if that
 * was killed too, by the next session on the host ({@link SharedMemoryDirectory#removeStale}).
 */
public final class SessionMemory {

    private static final Object LOCK = new Object();
    private static final Set<Path> OWNED = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean RING_FAILURE_LOGGED = new AtomicBoolean();
    private static final Path ROOT = SharedMemoryDirectory.DEFAULT_ROOT;
    /** The main process's directory, once made. */
    private static SharedMemoryDirectory created;
    /** Whether the main process tried to make it (it may not exist here). */
    private static boolean tried;
    /** In a child: the directory the parent said, or null if the parent has none. */
    private static Path inherited;
    private static boolean child;
    private static boolean hookInstalled;
    /** Whether the process's shutdown sequence ends the session memory, after the children have ended. */
    private static volatile boolean endedBySequence;
    private static volatile boolean ended;

    private SessionMemory() {
    }

    /**
     * Called once in a child before user code runs: the session's directory, as the parent said.
     *
     * @param directory the directory's absolute path, or empty if the session has none
     */
    public static void inherit(String directory) {
        synchronized (LOCK) {
            child = true;
            inherited = directory == null || directory.isEmpty() ? null : Path.of(directory);
        }
    }

    /**
     * The session's directory as this process knows it: in the main process made on first call
     * (empty if shared memory cannot be used on this host, logged once); in a child the one the
     * parent said, which may not be visible here (see {@link #visibleDirectory()}).
     *
     * @return the directory, or empty
     */
    public static Optional<Path> directory() {
        synchronized (LOCK) {
            if (child) {
                return Optional.ofNullable(inherited);
            }
            if (!tried) {
                tried = true;
                SharedMemoryDirectory.removeStale(ROOT);
                created = SharedMemoryDirectory.create(ROOT).orElse(null);
                if (created != null) {
                    installHook();
                }
            }
            return Optional.ofNullable(created).map(SharedMemoryDirectory::path);
        }
    }

    /**
     * The session's directory if this process can use it: it exists here (a child of a remote
     * launcher does not see its parent's host).
     *
     * @return the directory, or empty
     */
    public static Optional<Path> visibleDirectory() {
        return directory().filter(Files::isDirectory);
    }

    /**
     * Creates rings in new files of the session's directory, owned by this process (deleted when
     * it ends). Where that cannot be done (no shared memory here, or it is full or read-only), the
     * caller carries its messages some other way: the first such failure is logged.
     *
     * @param kind what the rings carry, the start of their files' names ({@code pipe}, {@code queue})
     * @param count how many rings
     * @param capacity each one's capacity, as {@link MappedRing#create}
     * @return the rings, or empty
     */
    public static Optional<List<MappedRing>> createRings(String kind, int count, int capacity) {
        Optional<Path> directory = visibleDirectory();
        if (directory.isEmpty()) {
            return Optional.empty();
        }
        List<MappedRing> rings = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                MappedRing ring = MappedRing.create(SharedMemoryDirectory.newFile(directory.get(), kind), capacity);
                own(ring.path());
                rings.add(ring);
            }
            return Optional.of(rings);
        } catch (IOException | RuntimeException e) {
            for (MappedRing ring : rings) {
                delete(ring.path());
            }
            if (RING_FAILURE_LOGGED.compareAndSet(false, true)) {
                Log.LOGGER.warn("cannot create a {}'s ring in {} ({}): pipes and queues carry their messages through"
                        + " the process that made them instead, which is slower", kind, directory.get(), e.toString());
            }
            return Optional.empty();
        }
    }

    /**
     * Deletes a file that this process created, now, if it is still there: its block or pipe was
     * freed (SPEC M9).
     *
     * @param file the file
     */
    public static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            Log.LOGGER.debug("cannot delete {}: {}", file, e.toString());
        }
        disown(file);
    }

    /**
     * Notes a file that this process created: deleted when the process ends normally.
     *
     * @param file the file
     */
    static void own(Path file) {
        synchronized (LOCK) {
            installHook();
        }
        OWNED.add(file);
    }

    /**
     * Forgets a file that was deleted.
     *
     * @param file the file
     */
    static void disown(Path file) {
        OWNED.remove(file);
    }

    /** Called by the process's shutdown sequence when it is installed: it calls {@link #end()} after the children ended. */
    public static void endAfterChildren() {
        endedBySequence = true;
    }

    /**
     * The process ends: deletes the files it created, and in the main process the session's
     * directory. Calling it again does nothing.
     */
    public static void end() {
        SharedMemoryDirectory session;
        synchronized (LOCK) {
            if (ended) {
                return;
            }
            ended = true;
            session = created;
        }
        for (Path file : OWNED) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                Log.LOGGER.debug("cannot delete {}: {}", file, e.toString());
            }
        }
        OWNED.clear();
        if (session != null) {
            try {
                session.close();
            } catch (RuntimeException e) {
                Log.LOGGER.debug("cannot delete {}: {}", session, e.toString());
            }
        }
    }

    private static void installHook() {
        if (!hookInstalled) {
            hookInstalled = true;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (!endedBySequence) {
                    end();
                }
            }, "multiprocessing4j-shared-memory-end"));
        }
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(SessionMemory.class);
    }
}
