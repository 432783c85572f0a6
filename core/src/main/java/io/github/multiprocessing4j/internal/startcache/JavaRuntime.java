package io.github.multiprocessing4j.internal.startcache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code java} executable as the cache sees it: its real path, its JDK's {@code release} file
 * (which names the exact build) and the cache mode that its feature release supports; or, for a
 * child that runs in a container image, the identity its launcher gives that image's
 * {@code java}, which alone keys its caches.
 *
 * @param executable the executable's real path; null for an image's {@code java} seen from the
 *     parent
 * @param release the digest of the {@code release} file's contents; null for an image's
 *     {@code java} seen from the parent
 * @param mode how this JDK caches; null for an image's {@code java} until a training in the image
 *     recorded it
 * @param image the identity of the image's {@code java}; null for this host's
 */
record JavaRuntime(Path executable, String release, CacheMode mode, String image) {

    private static final Pattern VERSION = Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE);
    private static final Map<Path, Optional<JavaRuntime>> KNOWN = new ConcurrentHashMap<>();

    /**
     * The runtime of an executable, read once per JVM: empty if it is not in a JDK whose
     * {@code release} file names a feature release that has a cache.
     */
    static Optional<JavaRuntime> of(Path java) {
        return KNOWN.computeIfAbsent(java.toAbsolutePath(), JavaRuntime::read);
    }

    /**
     * An image's {@code java} as its parent sees it: known by its identity alone, its cache mode
     * learnt from a training's record.
     */
    static JavaRuntime inImage(String identity) {
        return new JavaRuntime(null, null, null, identity);
    }

    /**
     * The {@code java} of this JVM, which runs in the image of the given identity (a training
     * that a launcher started there): keyed by the identity as its parent keyed it.
     */
    static Optional<JavaRuntime> thisOneInImage(String identity) {
        CacheMode mode = CacheMode.forFeature(Runtime.version().feature());
        return mode == null ? Optional.empty() : Optional.of(new JavaRuntime(
                Path.of(System.getProperty("java.home"), "bin", "java"), null, mode, identity));
    }

    /** The same {@code java} with the cache mode a training recorded for it. */
    JavaRuntime withMode(CacheMode recorded) {
        return new JavaRuntime(executable, release, recorded, image);
    }

    /** What a cache's key says of the {@code java}: the mode, executable and build, or the image's identity. */
    String keyText() {
        return image != null ? "image\n" + image : mode + "\n" + executable + "\n" + release;
    }

    /** The free space a training needs, the larger mode's when the mode is not known yet. */
    long roomNeeded() {
        return (mode != null ? mode : CacheMode.AOT_CACHE).roomNeeded();
    }

    private static Optional<JavaRuntime> read(Path java) {
        try {
            Path real = java.toRealPath();
            Path home = real.getParent() == null ? null : real.getParent().getParent();
            if (home == null) {
                return Optional.empty();
            }
            byte[] release = Files.readAllBytes(home.resolve("release"));
            Matcher version = VERSION.matcher(new String(release, StandardCharsets.UTF_8));
            if (!version.find()) {
                return Optional.empty();
            }
            CacheMode mode = CacheMode.forFeature(Integer.parseInt(version.group(1)));
            return mode == null ? Optional.empty() : Optional.of(new JavaRuntime(real, Digests.of(release), mode, null));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
