package io.github.multiprocessing4j.reliability;

import io.github.multiprocessing4j.Queue;
import io.github.multiprocessing4j.tck.Footprint;
import io.github.multiprocessing4j.tck.NoLeakedProcesses;
import io.github.multiprocessing4j.tck.OsProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Measures what a run may leak in this JVM and on this host: child processes, file
 * descriptors, threads, containers, the shared objects this JVM hosts, the files of its session
 * under {@code /dev/shm} and its heap after a full collection (SPEC M9, through the tck's
 * {@link Footprint}). A {@link Snapshot} taken before is compared with the state after, polled
 * until a settle deadline so that what ends by itself (a reaper thread, a container being
 * removed, a dropped handle's object freed after a collection) is given its time.
 *
 * <p>What does not count as a leak, and why:
 * <ul>
 * <li>up to {@link #FD_TOLERANCE} more file descriptors: the JDK opens some lazily on first use
 * and keeps them (a jar for a class first loaded during the run, an epoll instance); a leak per
 * cycle shows as hundreds;</li>
 * <li>idle workers of thread pools that reuse threads and let idle ones expire after their
 * keep-alive (the JDK's process reaper, the common fork-join pool, the control channel's cached
 * pools), up to {@link #IDLE_POOL_WORKERS_LIMIT}: a pool created per child and never shut down
 * would exceed it;</li>
 * <li>containers of other test runs on the same engine: only those labelled with this JVM as
 * their parent count;</li>
 * <li>up to {@link #HEAP_TOLERANCE_MIB} more heap after a full collection: classes first loaded
 * during the run, and the JIT's and the JDK's caches, keep some; a leak per cycle of a queue
 * holding one 64 KiB message shows as tens of MiB over a run.</li>
 * </ul>
 * The hosted objects and the {@code /dev/shm} files have no tolerance: every one is freed once
 * its handles are unreachable, and the snapshot is taken once earlier garbage was freed.
 */
final class Leaks {

    static final int FD_TOLERANCE = 4;
    static final int IDLE_POOL_WORKERS_LIMIT = 64;
    static final Duration SETTLE = Duration.ofSeconds(15);
    static final long HEAP_TOLERANCE_MIB = 16;
    private static final String CHILD_RUNTIME = "io.github.multiprocessing4j.internal.process.ChildRuntime";

    private Leaks() {
    }

    /** The state before a run; {@code footprint} after a full collection. */
    record Snapshot(Set<Long> processes, int fds, Set<Thread> threads, Set<String> containers, Footprint footprint) {
    }

    /**
     * What leaked.
     *
     * @param processes child runtimes of this run still running
     * @param fdsBefore file descriptors before
     * @param fdsAfter file descriptors after
     * @param threads threads that are new and not idle pool workers, by name and top frame
     * @param idlePoolWorkers idle pool workers that are new
     * @param containers containers of this JVM that still exist
     * @param before the hosted objects, {@code /dev/shm} files and heap before
     * @param after the same after, after a full collection
     */
    record Report(Map<Long, String> processes, int fdsBefore, int fdsAfter, List<String> threads,
                  int idlePoolWorkers, List<String> containers, Footprint before, Footprint after) {

        int fdLeak() {
            return Math.max(0, fdsAfter - fdsBefore - FD_TOLERANCE);
        }

        /** Shared objects hosted here that were not freed. */
        int hostedLeak() {
            return Math.max(0, after.hosted() - before.hosted());
        }

        /** Files of this session under {@code /dev/shm} that were not deleted. */
        int shmFileLeak() {
            return Math.max(0, after.shmFiles() - before.shmFiles());
        }

        /** The heap's growth after a full collection, in MiB (rounded up). */
        long heapGrowthMib() {
            return after.heapGrowthMib(before);
        }

        /** Every leak: must be 0. */
        int total() {
            return processes.size() + fdLeak() + threads.size() + containers.size()
                    + Math.max(0, idlePoolWorkers - IDLE_POOL_WORKERS_LIMIT) + hostedLeak() + shmFileLeak()
                    + (heapGrowthMib() > HEAP_TOLERANCE_MIB ? 1 : 0);
        }

        String describe() {
            StringBuilder text = new StringBuilder();
            text.append("processes=").append(processes.size()).append(" fds=").append(fdsBefore).append("->")
                    .append(fdsAfter).append(" (tolerance ").append(FD_TOLERANCE).append(") threads=")
                    .append(threads.size()).append(" idle-pool-workers=").append(idlePoolWorkers)
                    .append(" containers=").append(containers.size()).append(" hosted=").append(before.hosted())
                    .append("->").append(after.hosted()).append(" shm_files=").append(before.shmFiles()).append("->")
                    .append(after.shmFiles()).append(" heap_growth_mib=").append(heapGrowthMib()).append(" (tolerance ")
                    .append(HEAP_TOLERANCE_MIB).append(")");
            processes.forEach((pid, line) -> text.append("\n  process ").append(pid).append(": ").append(line));
            threads.forEach(thread -> text.append("\n  thread ").append(thread));
            containers.forEach(container -> text.append("\n  container ").append(container));
            return text.toString();
        }
    }

    /**
     * The state now. The footprint is measured once what was dropped before was freed (at most
     * {@link #SETTLE}), and first of all the cleaner thread of handles exists: it is made once per
     * JVM, on the first handle.
     *
     * @return the snapshot, never null
     * @throws InterruptedException if interrupted while waiting
     */
    static Snapshot snapshot() throws InterruptedException {
        new Queue<String>();
        Footprint footprint = Footprint.settled(SETTLE);
        return new Snapshot(childRuntimes().keySet(), fds(), new HashSet<>(Thread.getAllStackTraces().keySet()),
                Set.copyOf(DockerEngine.containersOfThisJvm()), footprint);
    }

    /**
     * Polls until nothing leaks or {@link #SETTLE} has passed.
     *
     * @param before the state before the run
     * @return what leaked at the end
     * @throws InterruptedException if interrupted while waiting
     */
    static Report settle(Snapshot before) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Report report = measure(before);
        while (report.total() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            report = measure(before);
        }
        return report;
    }

    static Report measure(Snapshot before) {
        Map<Long, String> processes = new TreeMap<>(childRuntimes());
        processes.keySet().removeAll(before.processes());
        List<String> threads = new ArrayList<>();
        int idle = 0;
        for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
            Thread thread = entry.getKey();
            if (before.threads().contains(thread) || !thread.isAlive()) {
                continue;
            }
            StackTraceElement[] stack = entry.getValue();
            if (isIdlePoolWorker(stack)) {
                idle++;
            } else {
                threads.add(thread.getName() + " " + thread.getState() + " at "
                        + Arrays.stream(stack).limit(4).map(String::valueOf).collect(Collectors.joining(" < ")));
            }
        }
        List<String> containers = new ArrayList<>(DockerEngine.containersOfThisJvm());
        containers.removeAll(before.containers());
        return new Report(processes, before.fds(), fds(), threads, idle, containers, before.footprint(), Footprint.now());
    }

    private static boolean isIdlePoolWorker(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            String method = frame.getClassName() + "." + frame.getMethodName();
            if (method.equals("java.util.concurrent.ThreadPoolExecutor.getTask")
                    || method.equals("java.util.concurrent.ForkJoinPool.awaitWork")) {
                return true;
            }
        }
        return false;
    }

    /** Open file descriptors of this JVM by kind (socket, pipe, anon_inode, or the file's path). */
    static Map<String, Integer> fdKinds() {
        Map<String, Integer> kinds = new TreeMap<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                String kind;
                try {
                    kind = Files.readSymbolicLink(fd).toString().replaceAll(":\\[\\d+\\]$", "");
                } catch (IOException e) {
                    kind = "?";
                }
                kinds.merge(kind, 1, Integer::sum);
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc/self/fd (Linux only)", e);
        }
        return kinds;
    }

    /** Open file descriptors of this JVM. */
    static int fds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc/self/fd (Linux only)", e);
        }
    }

    /**
     * The running child runtimes of this test run: processes whose command line names the child
     * runtime and that descend from this JVM or carry this run's tag (orphans, containers).
     *
     * @return their command lines, abbreviated, by pid
     */
    static Map<Long, String> childRuntimes() {
        Set<Long> descendants = new HashSet<>();
        ProcessHandle.current().descendants().forEach(handle -> descendants.add(handle.pid()));
        Map<Long, String> found = new TreeMap<>();
        for (long pid : OsProcesses.allPids()) {
            List<String> line = OsProcesses.commandLine(pid).orElse(List.of());
            int at = line.indexOf(CHILD_RUNTIME);
            if (at < 0 || !OsProcesses.isRunning(pid)) {
                continue;
            }
            if (descendants.contains(pid) || taggedForThisRun(pid)) {
                found.put(pid, String.join(" ", line.subList(at, line.size())));
            }
        }
        return found;
    }

    /**
     * Processes of this run that carry an environment entry, running or not yet reaped.
     *
     * @param entry {@code NAME=value}
     * @return their pids
     */
    static List<Long> withEnvironment(String entry) {
        List<Long> found = new ArrayList<>();
        for (long pid : OsProcesses.allPids()) {
            if (OsProcesses.isRunning(pid) && OsProcesses.environment(pid).map(env -> env.contains(entry)).orElse(false)) {
                found.add(pid);
            }
        }
        return found;
    }

    private static boolean taggedForThisRun(long pid) {
        return OsProcesses.environment(pid)
                .map(env -> env.contains(NoLeakedProcesses.RUN_TAG_VARIABLE + "=" + NoLeakedProcesses.RUN_TAG))
                .orElse(false);
    }
}
