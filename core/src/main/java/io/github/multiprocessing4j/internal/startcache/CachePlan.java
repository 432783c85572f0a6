package io.github.multiprocessing4j.internal.startcache;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One cache: a {@code java}, a class path and the options that matter, its key, and the names of
 * its files in the cache directory.
 *
 * <p>The key is a digest of the executable and its JDK's {@code release} file (or of the identity
 * of an image's {@code java}, as its launcher gives it), each class path
 * entry's files by name, size and modification time, and every option but {@code -D}
 * properties and {@code -Xlog} settings: cheap enough to compute before every start, so that a
 * jar rebuilt while the parent runs gets a cache of its own. The cache's record also holds a digest of the entries' contents,
 * which a parent checks once in the background: the JDK 25 cache serves the classes it recorded
 * even when a jar has changed beneath it.
 *
 * @param java the executable
 * @param directory the cache directory
 * @param classPath the child's class path as the parent gives it
 * @param options the child's options as the parent gives them
 * @param key the cache's key
 */
record CachePlan(JavaRuntime java, Path directory, List<Path> classPath, List<String> options, String key) {

    private static final String VERSION = "multiprocessing4j start cache 1";
    /** The name of the file that one training at a time holds locked in a cache directory. */
    static final String TRAINING_LOCK = "training.lock";
    /** The prefix of a packed directory's jar. */
    static final String PACKED_PREFIX = "classes-";

    /**
     * The plan for a child, or empty if an entry is neither a file nor a directory.
     *
     * @throws IOException if a directory entry cannot be read
     */
    static Optional<CachePlan> of(JavaRuntime java, Path directory, List<Path> classPath, List<String> options)
            throws IOException {
        StringBuilder text = new StringBuilder(VERSION).append('\n').append(java.keyText()).append('\n');
        for (Path entry : classPath) {
            String signature = CachedClassPath.statSignature(entry);
            if (signature == null) {
                return Optional.empty();
            }
            text.append(signature).append('\n');
        }
        text.append("options\n");
        for (String option : relevantOptions(options)) {
            text.append(option).append('\n');
        }
        return Optional.of(new CachePlan(java, directory, List.copyOf(classPath), List.copyOf(options),
                Digests.of(text.toString()).substring(0, 40)));
    }

    /** The options that a cache depends on: all but system properties and logging. */
    static List<String> relevantOptions(List<String> options) {
        List<String> relevant = new ArrayList<>();
        for (String option : options) {
            if (!option.startsWith("-D") && !option.startsWith("-Xlog")) {
                relevant.add(option);
            }
        }
        return relevant;
    }

    /** The digest of the class path's contents, from each entry's {@link CachedClassPath#contentDigest}. */
    static String contentKey(JavaRuntime java, List<String> entryDigests, List<String> options) {
        StringBuilder text = new StringBuilder(VERSION).append('\n').append(java.keyText()).append('\n');
        for (String digest : entryDigests) {
            text.append(digest).append('\n');
        }
        text.append("options\n");
        for (String option : relevantOptions(options)) {
            text.append(option).append('\n');
        }
        return Digests.of(text.toString());
    }

    /**
     * Reads every entry's contents.
     *
     * @throws IOException if an entry cannot be read
     */
    String contentKey() throws IOException {
        List<String> digests = new ArrayList<>();
        for (Path entry : classPath) {
            digests.add(CachedClassPath.contentDigest(entry));
        }
        return contentKey(java, digests, options);
    }

    /** The same plan for the {@code java} with the mode a training recorded (an image's). */
    CachePlan withMode(CacheMode mode) {
        return new CachePlan(java.withMode(mode), directory, classPath, options, key);
    }

    /** The cache itself; only once the mode is known. */
    Path archive() {
        return directory.resolve(key + java.mode().suffix());
    }

    /** What the training wrote about the cache; written last, so a cache without one is not published. */
    Path record() {
        return directory.resolve(key + ".record");
    }

    /** Present once a parent has read the class path's contents and found them the record's. */
    Path checked() {
        return directory.resolve(key + ".checked");
    }

    /** Present once a parent has seen this key: the second sighting trains. */
    Path seen() {
        return directory.resolve(key + ".seen");
    }

    /** The training's output, kept when it fails. */
    Path log() {
        return directory.resolve(key + ".log");
    }

    /** Where a training writes the cache before it is published. */
    Path temporaryArchive(long pid) {
        return directory.resolve(key + ".tmp-" + pid + java.mode().suffix());
    }

    /** The jar a directory with these contents is packed into. */
    Path packedJar(String directoryDigest) {
        return directory.resolve(PACKED_PREFIX + directoryDigest.substring(0, 40) + ".jar");
    }
}
