package io.github.multiprocessing4j.internal.startcache;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start cache of child JVMs, as a parent uses it: before each start, the options and class
 * path that give a child the cache made for its {@code java}, class path and options, if one is
 * ready; otherwise nothing, and (the second time a parent anywhere sees that key) a training JVM
 * in the background, which the parent never waits for.
 *
 * <p>Settings (system properties of the parent, or else the environment variables
 * {@value #ENVIRONMENT} and {@value #DIRECTORY_ENVIRONMENT}): {@value #PROPERTY} ({@code off}
 * turns the cache off), {@value #DIRECTORY_PROPERTY} (the directory; by default
 * {@code $XDG_CACHE_HOME/multiprocessing4j/start} or {@code ~/.cache/multiprocessing4j/start})
 * and {@value #MAX_BYTES_PROPERTY} (the bound of the directory's size; least recently used
 * caches are removed beyond it).
 *
 * <p>A child never fails because of the cache: a cache whose record does not match it is not
 * used (one warning, and it is made again); a directory that cannot be written, or has no room,
 * gives one warning and no cache; a child that crashes at start with a cache (a signal before it
 * connected) makes later children of this parent start without it.
 */
public final class StartCache {

    /** The system property that turns the cache off with {@code off}. */
    public static final String PROPERTY = "multiprocessing4j.startcache";
    /** The system property that names the cache directory. */
    public static final String DIRECTORY_PROPERTY = "multiprocessing4j.startcache.dir";
    /** The environment variable read when {@value #PROPERTY} is not set. */
    public static final String ENVIRONMENT = "MULTIPROCESSING4J_STARTCACHE";
    /** The environment variable read when {@value #DIRECTORY_PROPERTY} is not set. */
    public static final String DIRECTORY_ENVIRONMENT = "MULTIPROCESSING4J_STARTCACHE_DIR";
    /** The system property that bounds the cache directory's size, in bytes. */
    public static final String MAX_BYTES_PROPERTY = "multiprocessing4j.startcache.maxBytes";
    /** The default bound: about 20 JDK 25 caches, or 100 JDK 17 archives. */
    static final long DEFAULT_MAX_BYTES = 256L << 20;
    /** The main class of the training JVM. */
    static final String TRAINER = "io.github.multiprocessing4j.internal.process.StartCacheTraining";
    /**
     * Options with which the user manages class-data sharing himself: a cache of ours would
     * conflict with them ({@code -XX:AOTCache} with any {@code -Xshare} refuses to start).
     */
    private static final List<String> USER_SHARING_OPTIONS = List.of("-Xshare", "-XX:SharedArchiveFile",
            "-XX:ArchiveClassesAtExit", "-XX:+AutoCreateSharedArchive", "-XX:-AutoCreateSharedArchive", "-XX:AOT",
            "-XX:SharedClassListFile", "-XX:DumpLoadedClassList", "-XX:+UseSharedSpaces", "-XX:-UseSharedSpaces",
            "-XX:+RequireSharedSpaces", "-XX:+RecordDynamicDumpInfo");
    /** Raw exit statuses of a JVM that crashed: SIGABRT (a fatal error), SIGBUS, SIGSEGV. */
    private static final Set<Integer> CRASHES = Set.of(134, 135, 139);

    private final boolean enabled;
    private final Path directory;
    private final long maxBytes;
    private final Trainer trainer;
    /** The trainer a test gave, which trains images' caches too; null otherwise. */
    private final Trainer testTrainer;
    private final Map<String, KeyState> states = new ConcurrentHashMap<>();
    private final Set<String> directoryWarnings = ConcurrentHashMap.newKeySet();
    private volatile Boolean writable;
    private volatile CompletableFuture<?> training;
    private ExecutorService checks;

    /**
     * A start cache.
     *
     * @param enabled whether children get caches
     * @param directory where caches are kept
     * @param maxBytes the bound of the directory's size
     */
    public StartCache(boolean enabled, Path directory, long maxBytes) {
        this(enabled, directory, maxBytes, null);
    }

    /**
     * A start cache whose trainings are started by the given trainer (tests).
     *
     * @param trainer starts a training; null for a JVM of its own
     */
    StartCache(boolean enabled, Path directory, long maxBytes, Trainer trainer) {
        this.enabled = enabled;
        this.directory = directory.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
        this.trainer = trainer != null ? trainer : StartCache::startTraining;
        this.testTrainer = trainer;
    }

    /** Starts a training. */
    @FunctionalInterface
    interface Trainer {
        /**
         * Starts the training of a plan's cache.
         *
         * @return what completes when the training has ended, or null if it has already
         * @throws IOException if it cannot be started
         */
        CompletableFuture<?> start(CachePlan plan, long maxBytes) throws IOException;
    }

    /**
     * Starts a training JVM in a child's image, through the child's launcher: the JVM runs that
     * image's {@code java}, sees the class path at the same paths as this host, and can write
     * the cache directory at the same path.
     */
    @FunctionalInterface
    public interface ImageTrainer {
        /**
         * Starts the training JVM.
         *
         * @param mainClass its main class
         * @param arguments the arguments of its {@code main}
         * @param classPath its class path
         * @param jvmOptions its options
         * @param directory the cache directory, which it must be able to write
         * @return what completes when it has ended
         * @throws IOException if it cannot be started
         */
        CompletableFuture<?> start(String mainClass, List<String> arguments, List<Path> classPath,
                                   List<String> jvmOptions, Path directory) throws IOException;
    }

    /**
     * The cache this JVM's system properties describe, made once.
     *
     * @return the system's start cache, never null
     */
    public static StartCache system() {
        return Configured.INSTANCE;
    }

    /**
     * The directory caches are kept in.
     *
     * @return the directory, never null
     */
    public Path directory() {
        return directory;
    }

    /**
     * What a child starts with when it uses a cache.
     *
     * @param classPath the class path (directories replaced by jars packed from them)
     * @param jvmOptions the options, the cache's first
     * @param readOnlyPaths what the child must be able to read besides its class path: the cache
     *     directory for a child in an image, nothing for a child of this host
     * @param key the cache's key, for {@link #childEndedBeforeConnecting}
     */
    public record Applied(List<Path> classPath, List<String> jvmOptions, List<Path> readOnlyPaths, String key) {
        /**
         * Copies the lists.
         *
         * @param classPath the class path
         * @param jvmOptions the options
         * @param readOnlyPaths the paths to read
         * @param key the key
         */
        public Applied {
            classPath = List.copyOf(classPath);
            jvmOptions = List.copyOf(jvmOptions);
            readOnlyPaths = List.copyOf(readOnlyPaths);
        }
    }

    /** What this parent knows of one key. */
    private static final class KeyState {
        CacheRecord verified;
        boolean distrusted;
        boolean warned;
        boolean trainingStarted;
        boolean contentChecked;
    }

    /**
     * The class path and options that give a child its cache, if one is ready; otherwise empty,
     * and a training may start in the background. Never throws.
     *
     * @param java the child's {@code java} executable on this host
     * @param classPath the child's class path
     * @param jvmOptions the child's options
     * @return the child's class path and options with the cache, or empty to start it as it is
     */
    public Optional<Applied> apply(Path java, List<Path> classPath, List<String> jvmOptions) {
        if (!enabled || managesSharingItself(jvmOptions)) {
            return Optional.empty();
        }
        try {
            Optional<JavaRuntime> runtime = JavaRuntime.of(java);
            if (runtime.isEmpty()) {
                return Optional.empty();
            }
            return apply(runtime.get(), classPath, jvmOptions, trainer);
        } catch (IOException | RuntimeException e) {
            Log.LOGGER.debug("no start cache for this child: {}", e.toString());
            return Optional.empty();
        }
    }

    /**
     * The class path and options that give a child in an image its cache, if one is ready (the
     * cache directory is then among {@link Applied#readOnlyPaths()}); otherwise empty, and a
     * training may start in the image, through the given trainer. Never throws.
     *
     * @param identity the identity of the image's {@code java}, as its launcher gives it
     * @param classPath the child's class path, on this host and in the image
     * @param jvmOptions the child's options
     * @param imageTrainer starts a training JVM in the image
     * @return the child's class path and options with the cache, or empty to start it as it is
     */
    public Optional<Applied> applyInImage(String identity, List<Path> classPath, List<String> jvmOptions,
                                          ImageTrainer imageTrainer) {
        if (!enabled || managesSharingItself(jvmOptions)) {
            return Optional.empty();
        }
        try {
            Trainer inImage = testTrainer != null ? testTrainer : (plan, max) -> imageTrainer.start(TRAINER,
                    Training.arguments(plan, max), plan.classPath(), trainingOptions(), plan.directory());
            return apply(JavaRuntime.inImage(identity), classPath, jvmOptions, inImage);
        } catch (IOException | RuntimeException e) {
            Log.LOGGER.debug("no start cache for this child: {}", e.toString());
            return Optional.empty();
        }
    }

    private Optional<Applied> apply(JavaRuntime runtime, List<Path> classPath, List<String> jvmOptions,
                                    Trainer trainWith) throws IOException {
        Optional<CachePlan> planned = CachePlan.of(runtime, directory, classPath, jvmOptions);
        if (planned.isEmpty()) {
            return Optional.empty();
        }
        CachePlan plan = planned.get();
        KeyState state = states.computeIfAbsent(plan.key(), key -> new KeyState());
        synchronized (state) {
            return apply(plan, state, trainWith);
        }
    }

    private Optional<Applied> apply(CachePlan plan, KeyState state, Trainer trainWith) {
        if (state.distrusted) {
            return Optional.empty();
        }
        if (state.verified != null && plan.java().mode() == null) {
            plan = plan.withMode(state.verified.mode());
        }
        if (state.verified != null) {
            if (state.verified.problem(plan, false) == null) {
                return Optional.of(applied(plan, state.verified));
            }
            state.verified = null;
        }
        Optional<CacheRecord> record = Optional.empty();
        try {
            if (Files.isRegularFile(plan.record())) {
                record = CacheRecord.read(plan.record());
            }
        } catch (IOException e) {
            warnOnce(state, plan, e.getMessage());
            removeCache(plan);
            record = Optional.empty();
        }
        if (record.isPresent() && plan.java().mode() == null) {
            if (record.get().mode() == null) {
                warnOnce(state, plan, "its record does not say what kind of cache it is");
                removeCache(plan);
                record = Optional.empty();
            } else {
                plan = plan.withMode(record.get().mode());
            }
        }
        if (record.isPresent()) {
            String problem = record.get().problem(plan, true);
            if (problem == null) {
                state.verified = record.get();
                touch(plan.record());
                checkContentLater(plan, state);
                return Optional.of(applied(plan, state.verified));
            }
            warnOnce(state, plan, problem);
            removeCache(plan);
        }
        trainLater(plan, state, trainWith);
        return Optional.empty();
    }

    private static Applied applied(CachePlan plan, CacheRecord record) {
        List<String> options = new ArrayList<>(plan.java().mode().useOptions(plan.archive()));
        options.addAll(plan.options());
        return new Applied(record.classPath(), options,
                plan.java().image() != null ? List.of(plan.directory()) : List.of(), plan.key());
    }

    /** Removes a cache's record, file and check mark (the file by its mode, or any mode's when not known). */
    private static void removeCache(CachePlan plan) {
        deleteQuietly(plan.record(), plan.checked());
        for (CacheMode mode : plan.java().mode() != null ? List.of(plan.java().mode()) : List.of(CacheMode.values())) {
            deleteQuietly(plan.withMode(mode).archive());
        }
    }

    /** The options of a training JVM: it runs briefly, and must not use or make a cache itself. */
    private static List<String> trainingOptions() {
        return List.of("-XX:TieredStopAtLevel=1", "-D" + PROPERTY + "=off");
    }

    /**
     * Tells the cache that a child started with it ended before it connected: if a crash, later
     * children of this parent start without that cache, and it is made again by a later parent.
     *
     * @param key the key of the cache the child used
     * @param rawStatus the child's raw exit status
     */
    public void childEndedBeforeConnecting(String key, int rawStatus) {
        if (!CRASHES.contains(rawStatus)) {
            return;
        }
        KeyState state = states.get(key);
        if (state == null) {
            return;
        }
        synchronized (state) {
            if (state.distrusted) {
                return;
            }
            state.distrusted = true;
            state.verified = null;
        }
        Log.LOGGER.warn("a child started with the start cache {} crashed at start (exit status {}): later children of"
                + " this process start without it, and it is removed to be made again", directory.resolve(key),
                rawStatus);
        try (var files = Files.list(directory)) {
            for (Path file : files.filter(file -> file.getFileName().toString().startsWith(key + "."))
                    .filter(file -> !file.getFileName().toString().endsWith(".seen")).collect(Collectors.toList())) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            Log.LOGGER.debug("could not remove the start cache {}: {}", key, e.toString());
        }
    }

    /** Whether a child's options already choose what class-data sharing it does. */
    static boolean managesSharingItself(List<String> jvmOptions) {
        return jvmOptions.stream().anyMatch(option -> USER_SHARING_OPTIONS.stream().anyMatch(option::startsWith));
    }

    /** A key's first warning in this parent; later ones are at debug level. */
    private void warnOnce(KeyState state, CachePlan plan, String problem) {
        if (!state.warned) {
            state.warned = true;
            Log.LOGGER.warn("the start cache {} cannot be used: {}; children start without it while it is made again"
                    + " in the background", named(plan), problem);
        } else {
            Log.LOGGER.debug("the start cache {} cannot be used: {}", named(plan), problem);
        }
    }

    /** The cache's file, or its record's while the mode of an image's java is not known. */
    private static Path named(CachePlan plan) {
        return plan.java().mode() != null ? plan.archive() : plan.record();
    }

    private void warnAboutDirectoryOnce(String what, String message) {
        if (directoryWarnings.add(what)) {
            Log.LOGGER.warn(message);
        }
    }

    /**
     * Reads the class path's contents in the background, the first time a parent uses a cache (a
     * {@code .checked} file beside it then says so): a cache made for other contents (a jar
     * rewritten with its old size and time) is removed.
     */
    private void checkContentLater(CachePlan plan, KeyState state) {
        if (state.contentChecked) {
            return;
        }
        state.contentChecked = true;
        if (Files.exists(plan.checked())) {
            // a parent checked this cache's class path already: reading it all again in every
            // parent would take a core from the children that start meanwhile
            return;
        }
        CacheRecord record = state.verified;
        checks().execute(() -> {
            try {
                String contentKey = plan.contentKey();
                // files that changed their size or time since have another key: not this cache's business
                boolean sameFiles = CachePlan.of(plan.java(), directory, plan.classPath(), plan.options())
                        .map(CachePlan::key).orElse("").equals(plan.key());
                if (sameFiles && contentKey.equals(record.contentKey())) {
                    Files.write(plan.checked(), new byte[0]);
                } else if (sameFiles) {
                    synchronized (state) {
                        state.distrusted = true;
                        state.verified = null;
                        warnOnce(state, plan, "it was made for class path entries whose contents have changed since");
                    }
                    removeCache(plan);
                }
            } catch (IOException | RuntimeException e) {
                Log.LOGGER.debug("could not read the class path to check the start cache {}: {}", plan.archive(),
                        e.toString());
            }
        });
    }

    /** Waits for the background checks started so far to end, and starts no more (tests). */
    synchronized void awaitChecks() throws InterruptedException {
        if (checks != null) {
            checks.shutdown();
            checks.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
        }
    }

    private synchronized ExecutorService checks() {
        if (checks == null) {
            checks = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "multiprocessing4j-startcache");
                thread.setDaemon(true);
                thread.setPriority(Thread.MIN_PRIORITY);
                return thread;
            });
        }
        return checks;
    }

    /**
     * Starts a training JVM for a key unless this parent did already, one of its trainings still
     * runs, or the directory cannot hold one; the first time any parent sees a key, it only marks
     * it as seen: a class path that children start from once is not worth seconds of training.
     */
    private void trainLater(CachePlan plan, KeyState state, Trainer trainWith) {
        if (state.trainingStarted) {
            return;
        }
        CompletableFuture<?> running = training;
        if (running != null && !running.isDone()) {
            return;
        }
        if (!writableDirectory()) {
            return;
        }
        try {
            long usable = Files.getFileStore(directory).getUsableSpace();
            if (usable < plan.java().roomNeeded()) {
                warnAboutDirectoryOnce("room", "the start cache directory " + directory + " has "
                        + (usable >> 20) + " MB free, and a cache needs about " + (plan.java().roomNeeded() >> 20)
                        + " MB: children start without a cache (free some space, or set -D" + DIRECTORY_PROPERTY
                        + " elsewhere, or -D" + PROPERTY + "=off)");
                return;
            }
            try {
                Files.createFile(plan.seen());
                Log.LOGGER.debug("start cache {}: first sighting, marked as seen", plan.key());
                return;
            } catch (FileAlreadyExistsException seenBefore) {
                // the second sighting: train
            }
            state.trainingStarted = true;
            training = trainWith.start(plan, maxBytes);
            Log.LOGGER.debug("start cache {}: training in the background", plan.key());
        } catch (IOException | RuntimeException e) {
            warnAboutDirectoryOnce("training", "could not start the training of a start cache in " + directory + ": "
                    + e + "; children start without a cache");
        }
    }

    private static CompletableFuture<?> startTraining(CachePlan plan, long maxBytes) throws IOException {
        List<String> command = new ArrayList<>();
        Path nice = Path.of("/usr/bin/nice");
        if (Files.isExecutable(nice)) {
            // it competes with the user's children for the CPU: let them go first
            command.addAll(List.of(nice.toString(), "-n", "15"));
        }
        command.add(plan.java().executable().toString());
        command.addAll(trainingOptions());
        command.add("-cp");
        command.add(plan.classPath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
        command.add(TRAINER);
        command.addAll(Training.arguments(plan, maxBytes));
        return new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(plan.log().toFile())
                .start().onExit();
    }

    /** Whether the directory exists or can be made, and a file can be written in it: checked once. */
    private boolean writableDirectory() {
        Boolean known = writable;
        if (known == null) {
            try {
                Files.createDirectories(directory);
                Path probe = Files.createTempFile(directory, "probe-", ".tmp");
                Files.delete(probe);
                known = true;
            } catch (IOException | RuntimeException e) {
                known = false;
                warnAboutDirectoryOnce("writable", "cannot write in the start cache directory " + directory + " ("
                        + e + "): children start without a cache (set -D" + DIRECTORY_PROPERTY
                        + " to a writable directory, or -D" + PROPERTY + "=off)");
            }
            writable = known;
        }
        return known;
    }

    private static void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            // only for eviction's order
        }
    }

    static void deleteQuietly(Path... files) {
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // what is left is not used: its record is gone or never matched
            }
        }
    }

    /** The default directory: {@code $XDG_CACHE_HOME/multiprocessing4j/start}, else under {@code ~/.cache}. */
    static Path defaultDirectory(String xdgCacheHome, String userHome) {
        Path base = xdgCacheHome != null && !xdgCacheHome.isBlank() && Path.of(xdgCacheHome).isAbsolute()
                ? Path.of(xdgCacheHome) : Path.of(userHome, ".cache");
        return base.resolve("multiprocessing4j").resolve("start");
    }

    /** The cache of this JVM's system properties. */
    private static final class Configured {
        static final StartCache INSTANCE = fromProperties();

        private static StartCache fromProperties() {
            boolean enabled = !"off".equalsIgnoreCase(setting(PROPERTY, ENVIRONMENT, "on").trim());
            String configured = setting(DIRECTORY_PROPERTY, DIRECTORY_ENVIRONMENT, null);
            Path directory = configured != null && !configured.isBlank() ? Path.of(configured)
                    : defaultDirectory(System.getenv("XDG_CACHE_HOME"), System.getProperty("user.home"));
            long maxBytes = DEFAULT_MAX_BYTES;
            try {
                maxBytes = Long.parseLong(System.getProperty(MAX_BYTES_PROPERTY, "" + DEFAULT_MAX_BYTES).trim());
            } catch (NumberFormatException e) {
                Log.LOGGER.warn("-D{} is not a number of bytes: using {}", MAX_BYTES_PROPERTY, DEFAULT_MAX_BYTES);
            }
            return new StartCache(enabled, directory, maxBytes);
        }

        /** A system property, else an environment variable (which every JVM started from here inherits). */
        private static String setting(String property, String variable, String otherwise) {
            String value = System.getProperty(property);
            if (value == null || value.isBlank()) {
                value = System.getenv(variable);
            }
            return value == null || value.isBlank() ? otherwise : value;
        }
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(StartCache.class);
    }
}
