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
 * (which names the exact build) and the cache mode that its feature release supports.
 *
 * @param executable the executable's real path
 * @param release the digest of the {@code release} file's contents
 * @param mode how this JDK caches
 */
record JavaRuntime(Path executable, String release, CacheMode mode) {

    private static final Pattern VERSION = Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE);
    private static final Map<Path, Optional<JavaRuntime>> KNOWN = new ConcurrentHashMap<>();

    /**
     * The runtime of an executable, read once per JVM: empty if it is not in a JDK whose
     * {@code release} file names a feature release that has a cache.
     */
    static Optional<JavaRuntime> of(Path java) {
        return KNOWN.computeIfAbsent(java.toAbsolutePath(), JavaRuntime::read);
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
            return mode == null ? Optional.empty() : Optional.of(new JavaRuntime(real, Digests.of(release), mode));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
