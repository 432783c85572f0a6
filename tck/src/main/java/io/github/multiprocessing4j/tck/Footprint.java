package io.github.multiprocessing4j.tck;

import io.github.multiprocessing4j.internal.shared.SharedObjects;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * What this JVM holds of the library's state, as SPEC M9 is observed: the shared objects it
 * hosts, the files of its session under {@code /dev/shm}, its live threads and its heap after a
 * full garbage collection. A process that creates and drops shared objects returns to the
 * footprint it started from.
 *
 * @param hosted the shared objects this JVM hosts
 * @param shmFiles the files in this JVM's session directories under {@code /dev/shm}
 * @param threads the live threads of this JVM
 * @param heapBytes the heap in use after a full collection
 */
public record Footprint(int hosted, int shmFiles, int threads, long heapBytes) {

    private static final long MIB = 1024 * 1024;

    /**
     * The footprint now, after a full garbage collection.
     *
     * @return the footprint, never null
     */
    public static Footprint now() {
        System.gc();
        return new Footprint(SharedObjects.hostedCount(), sharedMemoryFiles(), ManagementFactory.getThreadMXBean().getThreadCount(),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    /**
     * The footprint once what was dropped before has been freed: a queue made and dropped here is
     * freed by a collection that also finds every object unreachable before it, and the cleaner
     * thread frees them in its own order; so the footprint is taken once three such rounds in a
     * row freed nothing but their own queue.
     *
     * @param timeout how long to try
     * @return the footprint, never null; measured at the deadline if it did not settle by then
     * @throws InterruptedException if interrupted while waiting
     */
    public static Footprint settled(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quietRounds = 0;
        while (true) {
            int hosted = SharedObjects.hostedCount();
            dropCanary();
            Footprint now = awaitSettled(footprint -> footprint.hosted <= hosted,
                    Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            quietRounds = now.hosted == hosted ? quietRounds + 1 : 0;
            if (quietRounds == 3 || System.nanoTime() - deadline >= 0) {
                return now;
            }
            Thread.sleep(20);
        }
    }

    private static void dropCanary() {
        new io.github.multiprocessing4j.Queue<String>();
    }

    /**
     * The files in this JVM's session directories under {@code /dev/shm}: blocks of
     * {@code Value} and {@code Array}, segments of {@code SharedMemory}, rings.
     *
     * @return how many, 0 if there is no session directory
     */
    public static int sharedMemoryFiles() {
        int files = 0;
        for (Path session : SharedMemoryFiles.sessionsOf(ProcessHandle.current().pid())) {
            try (var entries = Files.list(session)) {
                files += (int) entries.count();
            } catch (java.io.IOException e) {
                // the directory went away meanwhile: nothing of it is left
            }
        }
        return files;
    }

    /**
     * Collects garbage and measures until {@code settled} holds of the footprint or the timeout
     * passes: the handles dropped before are found unreachable by a collection, and their
     * objects freed by the cleaner thread just after it.
     *
     * @param settled what the footprint must satisfy
     * @param timeout how long to try
     * @return the last footprint measured: the first that satisfied {@code settled}, or the one at
     *     the deadline
     * @throws InterruptedException if interrupted while waiting
     */
    public static Footprint awaitSettled(Predicate<Footprint> settled, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Footprint now = now();
        while (!settled.test(now) && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
            now = now();
        }
        return now;
    }

    /**
     * Whether this footprint is back to {@code before}: no more hosted objects, files and
     * threads, and at most {@code heapSlackMib} more heap.
     *
     * @param before the footprint to come back to
     * @param heapSlackMib the growth of the heap that is noise, not a leak
     * @return whether it is back
     */
    public boolean isBackTo(Footprint before, long heapSlackMib) {
        return hosted <= before.hosted && shmFiles <= before.shmFiles && threads <= before.threads
                && heapBytes <= before.heapBytes + heapSlackMib * MIB;
    }

    /**
     * The heap growth from {@code before}, in whole MiB, rounded up; 0 if it shrank.
     *
     * @param before an earlier footprint
     * @return the growth in MiB
     */
    public long heapGrowthMib(Footprint before) {
        long growth = heapBytes - before.heapBytes;
        return growth <= 0 ? 0 : (growth + MIB - 1) / MIB;
    }

    @Override
    public String toString() {
        return "hosted=" + hosted + " shm_files=" + shmFiles + " threads=" + threads + " heap_mib="
                + heapBytes / MIB;
    }
}
