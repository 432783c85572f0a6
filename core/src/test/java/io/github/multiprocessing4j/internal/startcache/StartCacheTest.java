package io.github.multiprocessing4j.internal.startcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.multiprocessing4j.internal.process.StartCacheTraining;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The start cache with this JVM's own {@code java}: trainings are real (a JVM that writes a
 * class-data archive or AOT cache at its exit, then one that must use it), started by the test
 * instead of a background JVM; the bad input of issue 11 each gives one warning, a child
 * without the cache, and nothing half-written.
 */
class StartCacheTest {

    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final long MAX = 256L << 20;

    /** Holds the cache directory, trained once, and a copy of it that each test starts from. */
    @TempDir
    static Path shared;
    private static Path cacheDirectory;
    private static Path template;
    private static List<Path> classPath;
    private static JavaRuntime runtime;
    private static final FileTime EXTRA_TIME = FileTime.fromMillis(1_700_000_000_000L);

    @TempDir
    Path temp;
    private final List<CachePlan> trainingsAsked = new ArrayList<>();
    private final List<StartCache> caches = new ArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    static void trainOnce() throws Exception {
        Optional<JavaRuntime> found = JavaRuntime.of(JAVA);
        assumeTrue(found.isPresent(), "this JVM's java has a start cache");
        runtime = found.get();
        cacheDirectory = shared.resolve("cache");
        template = shared.resolve("template");
        Path extra = Files.createDirectories(shared.resolve("extra"));
        Path core = Path.of(StartCacheTraining.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        classPath = List.of(core, extra);
        restoreExtra();
        CachePlan plan = plan(List.of());
        assertEquals(Training.PUBLISHED, Training.train(runtime, plan.directory(), classPath, List.of(), plan.key(), MAX,
                StartCacheTest::runChild));
        copy(cacheDirectory, template);
    }

    private static void restoreExtra() throws IOException {
        Path file = classPath.get(1).resolve("a.txt");
        Files.writeString(file, "aaaa");
        Files.setLastModifiedTime(file, EXTRA_TIME);
    }

    /** Copies a directory's files with their times: the JDK 17 archive records its jars' times. */
    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.collect(Collectors.toList())) {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES,
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void clear(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.collect(Collectors.toList())) {
                Files.delete(file);
            }
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        restoreExtra();
        clear(cacheDirectory);
        copy(template, cacheDirectory);
        log.start();
        ((Logger) LoggerFactory.getLogger(StartCache.class)).addAppender(log);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (StartCache cache : caches) {
            cache.awaitChecks();
        }
        ((Logger) LoggerFactory.getLogger(StartCache.class)).detachAppender(log);
    }

    private StartCache cache(Path directory) {
        StartCache cache = new StartCache(true, directory, MAX, (plan, maxBytes) -> {
            trainingsAsked.add(plan);
            return null;
        });
        caches.add(cache);
        return cache;
    }

    private long warnings() {
        return log.list.stream().filter(event -> event.getLevel() == Level.WARN).count();
    }

    /** The training child: a JVM that runs nothing but the training's main class's check. */
    private static int runChild(Path java, List<Path> classPath, List<String> options) throws Exception {
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(options);
        command.addAll(List.of("-cp", classPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                StartCache.TRAINER, Training.CHECK));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the training child did not end");
        }
        return process.exitValue();
    }

    private static CachePlan plan(List<String> options) throws IOException {
        return CachePlan.of(runtime, cacheDirectory.toAbsolutePath().normalize(), classPath, options).orElseThrow();
    }

    /** The cache the class trained, ready in the directory. */
    private CachePlan train(List<String> options) throws IOException {
        CachePlan plan = plan(options);
        assertEquals(Training.PUBLISHED, Training.train(runtime, plan.directory(), classPath, options, plan.key(), MAX,
                (java, path, jvmOptions) -> {
                    throw new AssertionError("trained already");
                }));
        return plan;
    }

    private List<String> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(cacheDirectory)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.contains("tmp"))
                    .collect(Collectors.toList());
        }
    }

    @Test
    void aKeyIsTrainedOnItsSecondSightingAndItsCacheThenServesChildren() throws Exception {
        clear(cacheDirectory);
        StartCache cache = cache(cacheDirectory);
        List<String> options = List.of("-Dx=1");
        assertTrue(cache.apply(JAVA, classPath, options).isEmpty());
        assertTrue(trainingsAsked.isEmpty(), "the first sighting only marks the key");
        assertTrue(cache.apply(JAVA, classPath, options).isEmpty());
        assertEquals(1, trainingsAsked.size(), "the second sighting trains");
        assertTrue(cache.apply(JAVA, classPath, options).isEmpty());
        assertEquals(1, trainingsAsked.size(), "a parent trains a key once");

        copy(template, cacheDirectory);
        CachePlan plan = train(options);
        StartCache.Applied applied = cache.apply(JAVA, classPath, options).orElseThrow();
        assertTrue(applied.jvmOptions().get(0).endsWith(plan.archive().toString()), applied.jvmOptions().toString());
        assertEquals("-Dx=1", applied.jvmOptions().get(applied.jvmOptions().size() - 1));
        assertEquals(classPath.get(1).getFileName().toString(), "extra");
        assertTrue(applied.classPath().stream().allMatch(entry -> Files.isRegularFile(entry)),
                "directories are packed into jars: " + applied.classPath());
        assertEquals(0, runChild(JAVA, applied.classPath(), applied.jvmOptions()), "a JVM starts with the cache");
        assertEquals(List.of(), leftovers());
        assertEquals(0, warnings());
    }

    @Test
    void anImagesJavaIsKeyedByItsIdentityAndItsCacheIsTrainedThroughItsLauncherThenReadOnly() throws Exception {
        // the "image" is this host: its trainer runs the training JVM with this java, as a
        // container of the image would run it with the image's
        Path directory = temp.resolve("image-cache");
        StartCache cache = new StartCache(true, directory, MAX, null);
        caches.add(cache);
        List<Path> fullClassPath = java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of).collect(Collectors.toList());
        List<List<String>> asked = new ArrayList<>();
        List<CompletableFuture<Process>> trainings = new ArrayList<>();
        StartCache.ImageTrainer trainer = (mainClass, arguments, path, options, writable) -> {
            asked.add(arguments);
            assertEquals(directory.toAbsolutePath().normalize(), writable);
            List<String> command = new ArrayList<>(List.of(JAVA.toString()));
            command.addAll(options);
            command.addAll(List.of("-cp", path.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                    mainClass));
            command.addAll(arguments);
            CompletableFuture<Process> ended = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().onExit();
            trainings.add(ended);
            return ended;
        };
        List<String> options = List.of("-Dy=2");
        assertTrue(cache.applyInImage("image one", fullClassPath, options, trainer).isEmpty());
        assertTrue(asked.isEmpty(), "the first sighting only marks the key");
        assertTrue(cache.applyInImage("image one", fullClassPath, options, trainer).isEmpty());
        assertEquals(1, asked.size(), "the second sighting trains, through the image's launcher");
        assertEquals(Training.IN_IMAGE + "image one", asked.get(0).get(3));
        assertEquals(0, trainings.get(0).get(3, TimeUnit.MINUTES).exitValue(), "the training published a cache");

        StartCache.Applied applied = cache.applyInImage("image one", fullClassPath, options, trainer).orElseThrow();
        assertEquals(List.of(directory.toAbsolutePath().normalize()), applied.readOnlyPaths(),
                "a child in an image reads the cache directory");
        assertTrue(applied.jvmOptions().get(0).contains(directory.toString()), applied.jvmOptions().toString());
        assertTrue(applied.classPath().stream().allMatch(Files::isRegularFile), applied.classPath().toString());
        assertEquals(0, runChild(JAVA, applied.classPath(), applied.jvmOptions()), "a JVM starts with the cache");
        assertTrue(cache.applyInImage("image two", fullClassPath, options, trainer).isEmpty(),
                "another image has no cache");
        assertTrue(cache.apply(JAVA, fullClassPath, options).isEmpty(), "nor has this host's java");
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(List.of(), files.map(file -> file.getFileName().toString())
                    .filter(name -> name.contains("tmp") || name.endsWith(".log")).collect(Collectors.toList()));
        }
        assertEquals(0, warnings());
    }

    @Test
    void optionsThatChooseClassDataSharingThemselvesGetNoCache() throws Exception {
        clear(cacheDirectory);
        StartCache cache = cache(cacheDirectory);
        for (String option : List.of("-Xshare:off", "-XX:SharedArchiveFile=/x.jsa", "-XX:AOTCache=/x.aot")) {
            assertTrue(cache.apply(JAVA, classPath, List.of(option)).isEmpty());
        }
        try (Stream<Path> files = Files.list(cacheDirectory)) {
            assertEquals(0, files.count(), "nothing is written");
        }
    }

    @Test
    void aDirectoryThatCannotBeWrittenGivesOneWarningAndNoCache() throws Exception {
        Path file = Files.writeString(temp.resolve("a-file"), "x");
        StartCache cache = cache(file.resolve("cache"));
        for (int i = 0; i < 3; i++) {
            assertTrue(cache.apply(JAVA, classPath, List.of()).isEmpty());
        }
        assertEquals(1, warnings(), log.list.toString());
        assertTrue(log.list.get(0).getFormattedMessage().contains("cannot write in the start cache directory"));
        assertEquals("x", Files.readString(file));
        assertTrue(trainingsAsked.isEmpty());
    }

    @Test
    void aTruncatedCacheIsNotUsedButRemovedWithOneWarning() throws Exception {
        CachePlan plan = train(List.of());
        byte[] whole = Files.readAllBytes(plan.archive());
        plan.archive().toFile().setWritable(true);
        Files.write(plan.archive(), java.util.Arrays.copyOf(whole, whole.length / 2));
        StartCache cache = cache(cacheDirectory);
        for (int i = 0; i < 3; i++) {
            assertTrue(cache.apply(JAVA, classPath, List.of()).isEmpty());
        }
        assertEquals(1, warnings(), log.list.toString());
        assertTrue(log.list.get(0).getFormattedMessage().contains("bytes instead of"), log.list.toString());
        assertFalse(Files.exists(plan.archive()));
        assertFalse(Files.exists(plan.record()));
        assertEquals(1, trainingsAsked.size(), "it is made again");
    }

    @Test
    void aCacheOfTheSameSizeWithOtherBytesIsNotUsed() throws Exception {
        CachePlan plan = train(List.of());
        byte[] bytes = Files.readAllBytes(plan.archive());
        bytes[bytes.length / 2] ^= 0x5a;
        plan.archive().toFile().setWritable(true);
        Files.write(plan.archive(), bytes);
        assertTrue(cache(cacheDirectory).apply(JAVA, classPath, List.of()).isEmpty());
        assertEquals(1, warnings(), log.list.toString());
        assertFalse(Files.exists(plan.record()));
    }

    @Test
    void aCacheFromAnotherJdkBuildIsNotUsed() throws Exception {
        CachePlan made = train(List.of());
        // another build of the JDK: the same java behind a launcher script, another release file
        Path home = Files.createDirectories(temp.resolve("other-jdk/bin")).getParent();
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\nexec " + JAVA + " \"$@\"\n");
        java.toFile().setExecutable(true);
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + Runtime.version().feature()
                + ".0.99\"\nIMPLEMENTOR=\"another build\"\n");
        JavaRuntime other = JavaRuntime.of(java).orElseThrow();
        CachePlan foreign = CachePlan.of(other, made.directory(), classPath, List.of()).orElseThrow();
        Files.copy(made.archive(), foreign.archive());
        Files.copy(made.record(), foreign.record());

        StartCache cache = cache(cacheDirectory);
        assertTrue(cache.apply(java, classPath, List.of()).isEmpty());
        assertTrue(cache.apply(java, classPath, List.of()).isEmpty());
        assertEquals(1, warnings(), log.list.toString());
        assertTrue(log.list.get(0).getFormattedMessage().contains("another java or class path"));
        assertFalse(Files.exists(foreign.archive()));
        assertTrue(cache.apply(JAVA, classPath, List.of()).isPresent(), "the real JDK's cache is untouched");
    }

    @Test
    void twoTrainingsAtOnceOneTrainsTheOtherGivesUp() throws Exception {
        clear(cacheDirectory);
        CachePlan plan = plan(List.of());
        CountDownLatch childStarted = new CountDownLatch(1);
        CountDownLatch mayEnd = new CountDownLatch(1);
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> {
            try {
                return Training.train(runtime, plan.directory(), classPath, List.of(), plan.key(), MAX,
                        (java, path, options) -> {
                            childStarted.countDown();
                            mayEnd.await();
                            return runChild(java, path, options);
                        });
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(childStarted.await(60, TimeUnit.SECONDS));
        assertEquals(Training.BUSY, Training.train(runtime, plan.directory(), classPath, List.of(), plan.key(), MAX,
                StartCacheTest::runChild));
        assertTrue(cache(cacheDirectory).apply(JAVA, classPath, List.of()).isEmpty(), "no cache while one trains");
        mayEnd.countDown();
        assertEquals(Training.PUBLISHED, first.get(120, TimeUnit.SECONDS));
        assertTrue(cache(cacheDirectory).apply(JAVA, classPath, List.of()).isPresent());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aClassPathThatChangesGetsACacheOfItsOwn() throws Exception {
        CachePlan plan = train(List.of());
        StartCache cache = cache(cacheDirectory);
        assertTrue(cache.apply(JAVA, classPath, List.of()).isPresent());
        Path changed = classPath.get(1).resolve("a.txt");
        Files.writeString(changed, "changed");
        assertTrue(cache.apply(JAVA, classPath, List.of()).isEmpty(), "the changed class path has no cache yet");
        assertEquals(Training.CHANGED, Training.train(runtime, plan.directory(), classPath, List.of(), plan.key(), MAX,
                StartCacheTest::runChild), "a training for the old class path does not run");
        assertEquals(0, warnings(), "a new class path is not a problem");
        assertTrue(Files.exists(plan.archive()), "the old class path's cache stays until it is evicted");
    }

    @Test
    void contentsChangedBehindTheSameSizeAndTimeAreFoundInTheBackground() throws Exception {
        CachePlan plan = train(List.of());
        Path file = classPath.get(1).resolve("a.txt");
        FileTime time = Files.getLastModifiedTime(file);
        Files.writeString(file, "bbbb");
        Files.setLastModifiedTime(file, time);
        StartCache cache = cache(cacheDirectory);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (cache.apply(JAVA, classPath, List.of()).isPresent()) {
            assertTrue(System.nanoTime() < deadline, "the contents were not checked");
            Thread.sleep(20);
        }
        assertEquals(1, warnings(), log.list.toString());
        assertTrue(log.list.get(0).getFormattedMessage().contains("contents have changed"));
        assertFalse(Files.exists(plan.record()));
    }

    @Test
    void theContentsAreReadByTheFirstParentThatUsesACacheOnly() throws Exception {
        CachePlan plan = train(List.of());
        StartCache first = cache(cacheDirectory);
        assertTrue(first.apply(JAVA, classPath, List.of()).isPresent());
        first.awaitChecks();
        assertTrue(Files.exists(plan.checked()), "the first parent read the contents and found them the record's");
        Path file = classPath.get(1).resolve("a.txt");
        FileTime time = Files.getLastModifiedTime(file);
        Files.writeString(file, "bbbb");
        Files.setLastModifiedTime(file, time);
        StartCache second = cache(cacheDirectory);
        assertTrue(second.apply(JAVA, classPath, List.of()).isPresent());
        second.awaitChecks();
        assertTrue(second.apply(JAVA, classPath, List.of()).isPresent(), "a later parent trusts sizes and times");
        assertEquals(0, warnings());
    }

    @Test
    void aChildThatCrashesAtStartWithTheCacheTurnsItOff() throws Exception {
        CachePlan plan = train(List.of());
        StartCache cache = cache(cacheDirectory);
        StartCache.Applied applied = cache.apply(JAVA, classPath, List.of()).orElseThrow();
        cache.childEndedBeforeConnecting(applied.key(), 1);
        assertTrue(cache.apply(JAVA, classPath, List.of()).isPresent(), "an exit status that is no crash is not the cache's");
        cache.childEndedBeforeConnecting(applied.key(), 135);
        cache.childEndedBeforeConnecting(applied.key(), 135);
        assertTrue(cache.apply(JAVA, classPath, List.of()).isEmpty());
        assertEquals(1, warnings(), log.list.toString());
        assertFalse(Files.exists(plan.archive()));
        assertFalse(Files.exists(plan.record()));
    }

    @Test
    void aFullDiskGivesOneWarningAndLeavesNothingHalfWritten() throws Exception {
        Path mount = Files.createDirectories(temp.resolve("small"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount.toString()) == 0,
                "needs to mount a small tmpfs (root)");
        try {
            Path directory = mount.resolve("cache");
            StartCache cache = cache(directory);
            for (int i = 0; i < 3; i++) {
                assertTrue(cache.apply(JAVA, classPath, List.of()).isEmpty());
            }
            assertEquals(1, warnings(), log.list.toString());
            assertTrue(log.list.get(0).getFormattedMessage().contains("MB free"), log.list.toString());
            assertTrue(trainingsAsked.isEmpty());

            // a training that runs out of room anyway publishes nothing and leaves nothing
            CachePlan plan = CachePlan.of(runtime, directory, classPath, List.of()).orElseThrow();
            assertEquals(Training.FAILED, Training.train(runtime, directory, classPath, List.of(), plan.key(), MAX,
                    StartCacheTest::runChild));
            try (Stream<Path> files = Files.list(directory)) {
                assertEquals(List.of(CachePlan.TRAINING_LOCK),
                        files.map(f -> f.getFileName().toString()).collect(Collectors.toList()));
            }
        } finally {
            if (run("umount", mount.toString()) != 0) {
                // busy a moment longer (a JVM of the training still ending): detach it now
                assertEquals(0, run("umount", "-l", mount.toString()));
            }
        }
    }

    @Test
    void theLeastRecentlyUsedCachesGoBeyondTheBound() throws Exception {
        clear(cacheDirectory);
        List<String> keys = List.of("old", "middle", "new");
        for (int i = 0; i < keys.size(); i++) {
            Path archive = Files.write(cacheDirectory.resolve(keys.get(i) + ".jsa"), new byte[1000]);
            Path record = cacheDirectory.resolve(keys.get(i) + ".record");
            new CacheRecord(keys.get(i), CacheMode.AOT_CACHE, "c", 1000, "d", List.of(), List.of()).publish(record);
            Files.setLastModifiedTime(record, FileTime.fromMillis(1_000_000L * (i + 1)));
            Files.setLastModifiedTime(archive, FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        Path unused = Files.write(cacheDirectory.resolve(CachePlan.PACKED_PREFIX + "0123.jar"), new byte[10]);
        Files.setLastModifiedTime(unused, FileTime.fromMillis(0));
        Training.evict(cacheDirectory, 2500, "old");
        assertTrue(Files.exists(cacheDirectory.resolve("old.jsa")), "the cache just made is kept");
        assertFalse(Files.exists(cacheDirectory.resolve("middle.jsa")));
        assertFalse(Files.exists(cacheDirectory.resolve("middle.record")));
        assertTrue(Files.exists(cacheDirectory.resolve("new.jsa")));
        assertFalse(Files.exists(unused), "a packed jar that no record names goes");
    }

    @Test
    void theDefaultDirectoryIsTheUsersCache() {
        assertEquals(Path.of("/x/multiprocessing4j/start"), StartCache.defaultDirectory("/x", "/home/u"));
        assertEquals(Path.of("/home/u/.cache/multiprocessing4j/start"), StartCache.defaultDirectory(null, "/home/u"));
        assertEquals(Path.of("/home/u/.cache/multiprocessing4j/start"), StartCache.defaultDirectory("relative", "/home/u"));
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }
}
