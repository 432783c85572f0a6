package io.github.multiprocessing4j.internal.startcache;

import java.nio.file.Path;
import java.util.List;

/**
 * How a JDK caches what a JVM does at start. Both kinds need a class path of jars only; both are
 * made by a JVM that ran the work once (a training run), and both are refused by a JVM that
 * finds them made for other jars.
 */
enum CacheMode {

    /**
     * JDK 17 to 24: a dynamic class-data archive ({@code -XX:ArchiveClassesAtExit}) on top of the
     * JDK's own. Truncated, it crashes the JVM that maps it (SIGBUS): a child only gets one whose
     * size and digest match its record.
     */
    DYNAMIC_ARCHIVE(".jsa", 16L << 20) {
        @Override
        List<String> useOptions(Path archive) {
            return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off");
        }

        @Override
        List<String> trainingOptions(Path output) {
            return List.of("-XX:ArchiveClassesAtExit=" + output, "-Xlog:cds*=off");
        }

        @Override
        List<String> checkOptions(Path archive) {
            return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on", "-Xlog:cds*=off");
        }
    },

    /**
     * JDK 25 and later: an ahead-of-time cache of loaded and linked classes and method profiles
     * (JEPs 483, 514, 515), made in one step ({@code -XX:AOTCacheOutput}).
     */
    AOT_CACHE(".aot", 96L << 20) {
        @Override
        List<String> useOptions(Path archive) {
            return List.of("-XX:AOTCache=" + archive, "-Xlog:aot*=off,cds*=off");
        }

        @Override
        List<String> trainingOptions(Path output) {
            return List.of("-XX:AOTCacheOutput=" + output, "-Xlog:aot*=off,cds*=off");
        }

        @Override
        List<String> checkOptions(Path archive) {
            return List.of("-XX:AOTCache=" + archive, "-XX:AOTMode=on", "-Xlog:aot*=off,cds*=off");
        }
    };

    private final String suffix;
    private final long roomNeeded;

    CacheMode(String suffix, long roomNeeded) {
        this.suffix = suffix;
        this.roomNeeded = roomNeeded;
    }

    /** The file name suffix of a cache. */
    String suffix() {
        return suffix;
    }

    /** The free space training needs: the cache, its temporary files and a packed class path. */
    long roomNeeded() {
        return roomNeeded;
    }

    /** The mode for a JDK's feature release, or null if it has no usable cache. */
    static CacheMode forFeature(int feature) {
        if (feature >= 25) {
            return AOT_CACHE;
        }
        return feature >= 17 ? DYNAMIC_ARCHIVE : null;
    }

    /** The options of a child that uses the cache, its messages off (they would go to its stdout). */
    abstract List<String> useOptions(Path archive);

    /** The options of the training child that writes the cache at its exit. */
    abstract List<String> trainingOptions(Path output);

    /** The options of a JVM that must fail if it cannot use the cache. */
    abstract List<String> checkOptions(Path archive);
}
