package io.github.multiprocessing4j.internal.startcache;

import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A training run, in a JVM of its own that a parent started in the background: packs the class
 * path's directories into jars, runs one child through the real start path with the options
 * that write a cache at its exit, checks that a JVM can use what was written, publishes it
 * (cache first, record last, each renamed into place, so that a parent never sees half a cache)
 * and removes the least recently used caches beyond the directory's bound. One training at a
 * time holds the directory's training lock; another one gives up at once.
 */
public final class Training {

    /** Exit status: the cache is published, or was already. */
    public static final int PUBLISHED = 0;
    /** Exit status: the training failed; nothing was published. */
    public static final int FAILED = 1;
    /** Exit status: another training holds the lock. */
    public static final int BUSY = 3;
    /** Exit status: the class path changed since the parent looked at it. */
    public static final int CHANGED = 4;
    /** The argument that makes the training's main class a no-op, for the check run. */
    public static final String CHECK = "--check";
    /**
     * The prefix of the {@code java} argument of a training that a launcher started in an image:
     * what follows is the identity of the image's {@code java}, and the training uses its own.
     */
    static final String IN_IMAGE = "image:";

    private static final long CHECK_SECONDS = 60;
    /** Temporary files older than this are a killed training's leftovers. */
    private static final long STALE_MILLIS = TimeUnit.HOURS.toMillis(1);
    private static final FileTime PACKED_ENTRY_TIME = FileTime.fromMillis(315_532_800_000L + 86_400_000L);

    /** Runs the training child. */
    @FunctionalInterface
    public interface Child {
        /**
         * Runs one child through the real start path and waits for it to end.
         *
         * @param java the {@code java} executable
         * @param classPath its class path
         * @param jvmOptions its options
         * @return its raw exit status
         * @throws Exception if it could not be started or did not end in time
         */
        int run(Path java, List<Path> classPath, List<String> jvmOptions) throws Exception;
    }

    private Training() {
    }

    /** The arguments of the training JVM's main class for a plan. */
    static List<String> arguments(CachePlan plan, long maxBytes) {
        String java = plan.java().image() != null ? IN_IMAGE + plan.java().image()
                : plan.java().executable().toString();
        List<String> arguments = new ArrayList<>(List.of(plan.directory().toString(), plan.key(),
                Long.toString(maxBytes), java, Integer.toString(plan.options().size())));
        arguments.addAll(plan.options());
        plan.classPath().forEach(entry -> arguments.add(entry.toString()));
        return arguments;
    }

    /**
     * Trains the cache that the arguments describe.
     *
     * @param args the arguments a parent started the training JVM with
     * @param child how to run the training child
     * @return the exit status: {@link #PUBLISHED}, {@link #FAILED}, {@link #BUSY} or {@link #CHANGED}
     */
    public static int run(String[] args, Child child) {
        try {
            Path directory = Path.of(args[0]);
            String key = args[1];
            long maxBytes = Long.parseLong(args[2]);
            boolean inImage = args[3].startsWith(IN_IMAGE);
            if (inImage) {
                Files.createDirectories(directory);
                // the launcher relays this JVM's output to the parent's: a parent that starts it
                // here sends it to the log instead (kept only when the training fails)
                PrintStream log = new PrintStream(Files.newOutputStream(directory.resolve(key + ".log")), true,
                        StandardCharsets.UTF_8);
                System.setOut(log);
                System.setErr(log);
            }
            String java = args[3];
            int optionCount = Integer.parseInt(args[4]);
            List<String> options = List.of(args).subList(5, 5 + optionCount);
            List<Path> classPath = new ArrayList<>();
            for (int i = 5 + optionCount; i < args.length; i++) {
                classPath.add(Path.of(args[i]));
            }
            Optional<JavaRuntime> runtime = inImage ? JavaRuntime.thisOneInImage(java.substring(IN_IMAGE.length()))
                    : JavaRuntime.of(Path.of(java));
            if (runtime.isEmpty()) {
                System.err.println("no start cache for " + java + ": not a JDK 17 or later with a release file");
                return FAILED;
            }
            int status = train(runtime.get(), directory, classPath, options, key, maxBytes, child);
            if (status == FAILED) {
                System.err.println("java: " + java + "\noptions: " + options + "\nclass path: " + classPath);
            } else {
                // the parent sends this JVM's output there; only a failure is worth keeping
                Files.deleteIfExists(directory.resolve(key + ".log"));
            }
            return status;
        } catch (RuntimeException | IOException e) {
            System.err.println("the start cache training failed: " + e);
            return FAILED;
        }
    }

    static int train(JavaRuntime java, Path directory, List<Path> classPath, List<String> options, String key,
                     long maxBytes, Child child) throws IOException {
        Files.createDirectories(directory);
        try (FileChannel lockFile = FileChannel.open(directory.resolve(CachePlan.TRAINING_LOCK),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = lockFile.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                System.err.println("another training holds " + directory.resolve(CachePlan.TRAINING_LOCK));
                return BUSY;
            }
            try {
                return trainLocked(java, directory, classPath, options, key, maxBytes, child);
            } finally {
                lock.release();
            }
        }
    }

    private static int trainLocked(JavaRuntime java, Path directory, List<Path> classPath, List<String> options,
                                   String key, long maxBytes, Child child) throws IOException {
        CachePlan plan = CachePlan.of(java, directory, classPath, options).orElse(null);
        if (plan == null || !plan.key().equals(key)) {
            System.err.println("the class path changed since the parent looked at it: not training");
            return CHANGED;
        }
        Optional<CacheRecord> existing;
        try {
            existing = CacheRecord.read(plan.record());
        } catch (IOException e) {
            existing = Optional.empty();
        }
        if (existing.isPresent() && existing.get().problem(plan, true) == null) {
            return PUBLISHED;
        }
        long pid = ProcessHandle.current().pid();
        Path temporary = plan.temporaryArchive(pid);
        List<Path> temporaries = new ArrayList<>(List.of(temporary, Path.of(temporary + ".config")));
        try {
            List<Path> childClassPath = new ArrayList<>();
            List<Long> sizes = new ArrayList<>();
            List<String> digests = new ArrayList<>();
            for (Path entry : classPath) {
                if (Files.isDirectory(entry)) {
                    Path packing = directory.resolve(CachePlan.PACKED_PREFIX + "tmp-" + pid + "-" + digests.size() + ".jar");
                    temporaries.add(packing);
                    String digest = pack(entry, packing);
                    Path jar = plan.packedJar(digest);
                    if (Files.exists(jar)) {
                        // the same contents, packed before: kept, since caches made with it
                        // recorded its modification time
                        Files.delete(packing);
                    } else {
                        CacheRecord.moveIntoPlace(packing, jar);
                    }
                    digests.add("D " + digest);
                    childClassPath.add(jar);
                    sizes.add(Files.size(jar));
                } else {
                    digests.add(CachedClassPath.contentDigest(entry));
                    childClassPath.add(entry);
                    sizes.add(-1L);
                }
            }
            if (!CachePlan.of(java, directory, classPath, options).map(CachePlan::key).orElse("").equals(key)) {
                System.err.println("the class path changed while it was packed: not training");
                return CHANGED;
            }
            Files.deleteIfExists(temporary);
            List<String> trainingOptions = new ArrayList<>(java.mode().trainingOptions(temporary));
            trainingOptions.addAll(options);
            int status = child.run(java.executable(), childClassPath, trainingOptions);
            if (status != 0 || !Files.isRegularFile(temporary) || Files.size(temporary) == 0) {
                System.err.println("the training child ended with status " + status + " and wrote "
                        + (Files.exists(temporary) ? Files.size(temporary) + " bytes" : "no cache"));
                return FAILED;
            }
            if (!usable(java, temporary, childClassPath, options)) {
                System.err.println("a JVM cannot use the cache the training wrote: not publishing it");
                return FAILED;
            }
            CacheRecord record = new CacheRecord(key, java.mode(), CachePlan.contentKey(java, digests, options),
                    Files.size(temporary), Digests.ofFile(temporary), childClassPath, sizes);
            // a new cache: the first parent that uses it reads the contents once more
            Files.deleteIfExists(plan.checked());
            CacheRecord.moveIntoPlace(temporary, plan.archive());
            record.publish(plan.record());
            Files.deleteIfExists(plan.log());
            evict(directory, maxBytes, key);
            return PUBLISHED;
        } catch (Exception e) {
            System.err.println("the start cache training failed: " + e);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return FAILED;
        } finally {
            StartCache.deleteQuietly(temporaries.toArray(new Path[0]));
        }
    }

    /**
     * Packs a directory into a jar, its members in name order.
     *
     * @return the digest of the directory's contents, as {@link CachedClassPath#contentDigest} computes it
     */
    static String pack(Path source, Path jar) throws IOException {
        MessageDigest digest = Digests.sha256();
        try (JarOutputStream out = new JarOutputStream(new BufferedOutputStream(Files.newOutputStream(jar)))) {
            for (CachedClassPath.Member member : CachedClassPath.members(source)) {
                byte[] bytes = member.directory() ? new byte[0] : Files.readAllBytes(member.file());
                digest.update(member.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(bytes);
                digest.update((byte) 0);
                JarEntry entry = new JarEntry(member.name());
                entry.setLastModifiedTime(PACKED_ENTRY_TIME);
                out.putNextEntry(entry);
                out.write(bytes);
                out.closeEntry();
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Whether a JVM that must use the cache (or fail) starts with it. */
    private static boolean usable(JavaRuntime java, Path archive, List<Path> classPath, List<String> options)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java.executable().toString());
        command.addAll(java.mode().checkOptions(archive));
        command.addAll(options);
        command.add("-cp");
        command.add(classPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
        command.add(StartCache.TRAINER);
        command.add(CHECK);
        Process check = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!check.waitFor(CHECK_SECONDS, TimeUnit.SECONDS)) {
            check.destroyForcibly();
            return false;
        }
        return check.exitValue() == 0;
    }

    /**
     * Removes the least recently used caches (by their record's modification time, which a parent
     * touches when it first uses one) until the directory is within its bound, the one just made
     * excepted; then packed jars that no record names, and a killed training's leftovers.
     */
    static void evict(Path directory, long maxBytes, String keep) throws IOException {
        long now = System.currentTimeMillis();
        List<Path> files;
        try (Stream<Path> listed = Files.list(directory)) {
            files = listed.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        long total = 0;
        for (Path file : files) {
            String name = file.getFileName().toString();
            long age = now - modified(file).toMillis();
            boolean leftover = name.contains(".tmp-") || name.startsWith(CachePlan.PACKED_PREFIX + "tmp-");
            // a failed training's output is kept a day; a key seen once and never again, a month
            if (leftover && age > STALE_MILLIS || name.endsWith(".log") && age > TimeUnit.DAYS.toMillis(1)
                    || name.endsWith(".seen") && age > TimeUnit.DAYS.toMillis(30)) {
                Files.deleteIfExists(file);
                continue;
            }
            total += Files.size(file);
        }
        List<Path> records = files.stream().filter(file -> file.getFileName().toString().endsWith(".record"))
                .sorted(Comparator.comparing(Training::modified)).collect(Collectors.toList());
        Set<Path> kept = new HashSet<>(records);
        for (Path record : records) {
            if (total <= maxBytes) {
                break;
            }
            String key = record.getFileName().toString().replace(".record", "");
            if (key.equals(keep)) {
                continue;
            }
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.startsWith(key + ".") && !name.endsWith(".seen") && Files.exists(file)) {
                    total -= Files.size(file);
                    Files.deleteIfExists(file);
                }
            }
            kept.remove(record);
        }
        Set<Path> referenced = new HashSet<>();
        for (Path record : kept) {
            try {
                CacheRecord.read(record).ifPresent(read -> referenced.addAll(read.classPath()));
            } catch (IOException e) {
                // a malformed record is removed by the parent that reads it
            }
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.startsWith(CachePlan.PACKED_PREFIX) && !name.startsWith(CachePlan.PACKED_PREFIX + "tmp-")
                    && !referenced.contains(file) && now - modified(file).toMillis() > STALE_MILLIS) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
