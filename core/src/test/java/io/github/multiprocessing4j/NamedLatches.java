package io.github.multiprocessing4j;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Latches by name, for tasks that run on thread workers in the test's own JVM
 * ({@link PoolThreadWorkers}) and must wait for the test or for each other: a task captures a
 * name, never a latch, so that it stays serializable.
 */
final class NamedLatches {

    private static final Map<String, CountDownLatch> LATCHES = new ConcurrentHashMap<>();

    private NamedLatches() {
    }

    /** The latch of that name, of one count unless {@link #put} made it otherwise. */
    static CountDownLatch latch(String name) {
        return LATCHES.computeIfAbsent(name, key -> new CountDownLatch(1));
    }

    /** Makes the latch of that name anew. */
    static void put(String name, CountDownLatch latch) {
        LATCHES.put(name, latch);
    }

    /** Waits at most 30 s for the latch of that name; false if the time is up or interrupted. */
    static boolean await(String name) {
        try {
            return latch(name).await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** After a test: opens every latch, so that no task waits on, and forgets them. */
    static void releaseAll() {
        LATCHES.values().forEach(CountDownLatch::countDown);
        LATCHES.clear();
    }
}
