package io.github.multiprocessing4j.internal.startcache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * What a training wrote beside a cache it published: the key, the digest of the class path's
 * contents, the cache's size and digest, and the class path its children run with (packed
 * directories as jars, with their sizes). A child gets a cache only when this record matches it.
 *
 * @param key the plan's key
 * @param mode how the {@code java} it was made for caches (which names the cache's file); null in
 *     a record of an earlier version, for this host's {@code java} only
 * @param contentKey the digest of the class path's contents
 * @param archiveSize the cache's size in bytes
 * @param archiveDigest the cache's digest
 * @param classPath the children's class path
 * @param sizes each entry's size: a packed jar's size, or -1 for the user's own entries
 */
record CacheRecord(String key, CacheMode mode, String contentKey, long archiveSize, String archiveDigest, List<Path> classPath,
                   List<Long> sizes) {

    CacheRecord {
        classPath = List.copyOf(classPath);
        sizes = List.copyOf(sizes);
    }

    /**
     * Reads a record.
     *
     * @return the record, or empty if there is none
     * @throws IOException if it cannot be read or is malformed
     */
    static Optional<CacheRecord> read(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            List<Path> classPath = new ArrayList<>();
            List<Long> sizes = new ArrayList<>();
            int entries = Integer.parseInt(properties.getProperty("entries"));
            for (int i = 0; i < entries; i++) {
                classPath.add(Path.of(require(properties, "entry." + i)));
                sizes.add(Long.parseLong(require(properties, "size." + i)));
            }
            String mode = properties.getProperty("mode");
            return Optional.of(new CacheRecord(require(properties, "key"), mode == null ? null : CacheMode.valueOf(mode),
                    require(properties, "contentKey"),
                    Long.parseLong(require(properties, "archiveSize")), require(properties, "archiveDigest"),
                    classPath, sizes));
        } catch (RuntimeException e) {
            throw new IOException("malformed record " + file + ": " + e.getMessage(), e);
        }
    }

    private static String require(Properties properties, String name) {
        String value = properties.getProperty(name);
        if (value == null) {
            throw new IllegalArgumentException("no " + name);
        }
        return value;
    }

    /** Writes this record to a temporary file and renames it into place. */
    void publish(Path file) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("key", key);
        properties.setProperty("mode", mode.name());
        properties.setProperty("contentKey", contentKey);
        properties.setProperty("archiveSize", Long.toString(archiveSize));
        properties.setProperty("archiveDigest", archiveDigest);
        properties.setProperty("entries", Integer.toString(classPath.size()));
        for (int i = 0; i < classPath.size(); i++) {
            properties.setProperty("entry." + i, classPath.get(i).toString());
            properties.setProperty("size." + i, Long.toString(sizes.get(i)));
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            try (OutputStream out = Files.newOutputStream(temporary)) {
                properties.store(out, "multiprocessing4j start cache");
            }
            moveIntoPlace(temporary, file);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Renames a file over another, atomically where the file system can. */
    static void moveIntoPlace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Why this record's cache cannot serve a plan, checking the cache's size and the packed jars'
     * (cheap), and the cache's digest when asked (reads it whole).
     *
     * @return the reason, or null if it can
     */
    String problem(CachePlan plan, boolean readArchive) {
        if (!key.equals(plan.key())) {
            return "its record was written for another java or class path";
        }
        if (mode != null && mode != plan.java().mode()) {
            return "its record names another kind of cache (" + mode + ") than the java uses";
        }
        try {
            long size = Files.size(plan.archive());
            if (size != archiveSize) {
                return "the cache file has " + size + " bytes instead of " + archiveSize;
            }
            for (int i = 0; i < classPath.size(); i++) {
                if (sizes.get(i) >= 0 && Files.size(classPath.get(i)) != sizes.get(i)) {
                    return "the packed class path entry " + classPath.get(i) + " has changed";
                }
            }
            if (readArchive && !Digests.ofFile(plan.archive()).equals(archiveDigest)) {
                return "the cache file's digest does not match its record (the file was changed or damaged)";
            }
        } catch (IOException e) {
            return "a file of it cannot be read: " + e;
        }
        return null;
    }
}
