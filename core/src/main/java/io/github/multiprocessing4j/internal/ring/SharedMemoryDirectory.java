package io.github.multiprocessing4j.internal.ring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's directory of shared-memory files: {@code <root>/multiprocessing4j-<pid>-<start>-<random>},
 * created with permissions 0700, holding files created 0600 under unguessable names (SPEC C2:
 * only a process that was told a name can open its file). The pid and start time of the
 * creating process are in the name, so that the next session on the host can remove what a
 * session killed with SIGKILL left behind ({@link #removeStale}).
 */
public final class SharedMemoryDirectory implements AutoCloseable {

    /** Where shared memory lives on Linux. */
    public static final Path DEFAULT_ROOT = Path.of("/dev/shm");
    static final String PREFIX = "multiprocessing4j-";
    /**
     * How far apart two readings of one process's start time may be. The JDK derives a start
     * time from the boot time that {@code /proc/stat} gives in whole seconds from the wall clock,
     * and each JVM reads it once: when the clock is adjusted in between, two JVMs read a process's
     * start differently. The 2-hour soak's session directory was deleted as a dead session's while
     * it ran, which only such a mismatch explains. A pid reused within this time of the dead process's start only
     * keeps its leftovers until a later session.
     */
    static final long START_TOLERANCE_MILLIS = 60_000;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path directory;

    private SharedMemoryDirectory(Path directory) {
        this.directory = directory;
    }

    /**
     * Creates a session's directory under {@code root}, after checking that a file can be
     * created, filled and mapped there. When it cannot ({@code root} missing, not a directory,
     * read-only, full, or not a POSIX file system), logs one line that says why and that messages
     * go through sockets, and returns empty: the caller falls back to sockets.
     *
     * @param root usually {@link #DEFAULT_ROOT}
     * @return the directory, or empty when shared memory cannot be used here
     */
    public static Optional<SharedMemoryDirectory> create(Path root) {
        Path directory = null;
        try {
            if (!Files.isDirectory(root)) {
                throw new IOException(root + " is not a directory");
            }
            directory = Files.createDirectory(root.resolve(PREFIX + ProcessHandle.current().pid() + "-"
                    + startMillis(ProcessHandle.current()) + "-" + Names.random()),
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            SharedMemoryDirectory session = new SharedMemoryDirectory(directory);
            Path probe = session.newFile("probe");
            try (FileChannel channel = FileChannel.open(probe, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                channel.write(ByteBuffer.allocate(4096), 0);
                channel.map(FileChannel.MapMode.READ_WRITE, 0, 4096).put(0, (byte) 1);
            }
            return Optional.of(session);
        } catch (IOException | UnsupportedOperationException | UncheckedIOException | SecurityException e) {
            if (directory != null) {
                deleteQuietly(directory);
            }
            Log.LOGGER.warn("shared memory is not available under {} ({}): messages between processes go through"
                    + " sockets", root, e.toString());
            return Optional.empty();
        }
    }

    /**
     * The directory.
     *
     * @return its path, never null
     */
    public Path path() {
        return directory;
    }

    /**
     * A new name in this directory that nobody can guess: {@code kind} and 128 random bits. The
     * file is not created.
     *
     * @param kind says what the file is for, such as {@code ring}: letters and digits
     * @return the path, never null
     * @throws IllegalArgumentException if {@code kind} is not letters and digits
     */
    public Path newFile(String kind) {
        return newFile(directory, kind);
    }

    /**
     * A new name that nobody can guess in a directory of shared memory, such as a session's
     * directory that another process made: {@code kind} and 128 random bits. The file is not
     * created.
     *
     * @param directory the directory
     * @param kind says what the file is for: letters and digits
     * @return the path, never null
     * @throws IllegalArgumentException if {@code kind} is not letters and digits
     */
    public static Path newFile(Path directory, String kind) {
        if (kind.isEmpty() || !kind.chars().allMatch(Character::isLetterOrDigit)) {
            throw new IllegalArgumentException("a file kind of letters and digits, not '" + kind + "'");
        }
        return directory.resolve(kind + "-" + Names.random());
    }

    /**
     * Creates a ring in a new file of this directory.
     *
     * @param capacity as {@link MappedRing#create}
     * @return the ring, never null
     * @throws IOException as {@link MappedRing#create}: the caller falls back to sockets
     */
    public MappedRing createRing(int capacity) throws IOException {
        return MappedRing.create(newFile("ring"), capacity);
    }

    /**
     * Deletes the directory and every file in it. Processes that mapped a file keep their
     * mapping until they drop it; nobody can open it any more. Closing twice does nothing.
     *
     * @throws UncheckedIOException if a file cannot be deleted
     */
    @Override
    public void close() {
        try {
            deleteTree(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e.getCause());
        }
    }

    /**
     * Deletes the session directories under {@code root} that this user owns and whose creating
     * process has ended (no process with that pid, or one that started at another time, more than
     * {@link #START_TOLERANCE_MILLIS} apart): what
     * sessions killed with SIGKILL left behind (SPEC M6, M9).
     *
     * @param root usually {@link #DEFAULT_ROOT}
     * @return how many directories were deleted
     */
    public static int removeStale(Path root) {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        int removed = 0;
        String user = System.getProperty("user.name");
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, PREFIX + "*")) {
            entries.forEach(candidates::add);
        } catch (IOException e) {
            Log.LOGGER.debug("cannot list {}: {}", root, e.toString());
            return 0;
        }
        for (Path candidate : candidates) {
            String[] parts = candidate.getFileName().toString().substring(PREFIX.length()).split("-");
            try {
                if (parts.length != 3 || !Files.isDirectory(candidate, LinkOption.NOFOLLOW_LINKS)
                        || !Files.getOwner(candidate, LinkOption.NOFOLLOW_LINKS).getName().equals(user)) {
                    continue;
                }
                long pid = Long.parseLong(parts[0]);
                long start = Long.parseLong(parts[1]);
                boolean alive = ProcessHandle.of(pid).map(process -> start == 0 || startMillis(process) == 0
                        || Math.abs(startMillis(process) - start) <= START_TOLERANCE_MILLIS).orElse(false);
                if (!alive) {
                    deleteTree(candidate);
                    removed++;
                }
            } catch (NumberFormatException | IOException | UncheckedIOException e) {
                Log.LOGGER.debug("left {}: {}", candidate, e.toString());
            }
        }
        return removed;
    }

    /** When a process started, in milliseconds since the epoch; 0 if the system does not say. */
    private static long startMillis(ProcessHandle process) {
        return process.info().startInstant().map(instant -> instant.toEpochMilli()).orElse(0L);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static void deleteQuietly(Path root) {
        try {
            deleteTree(root);
        } catch (IOException | UncheckedIOException e) {
            Log.LOGGER.debug("cannot delete {}: {}", root, e.toString());
        }
    }

    @Override
    public String toString() {
        return "SharedMemoryDirectory[" + directory + "]";
    }

    /** Unguessable names: 128 bits of a {@link SecureRandom}, created when first needed. */
    private static final class Names {
        private static final SecureRandom RANDOM = new SecureRandom();

        static String random() {
            byte[] bytes = new byte[16];
            RANDOM.nextBytes(bytes);
            return HexFormat.of().formatHex(bytes);
        }
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(SharedMemoryDirectory.class);
    }
}
