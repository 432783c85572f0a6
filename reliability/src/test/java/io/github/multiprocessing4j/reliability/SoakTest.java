package io.github.multiprocessing4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.multiprocessing4j.AsyncResult;
import io.github.multiprocessing4j.CallableProcess;
import io.github.multiprocessing4j.ChildProcessException;
import io.github.multiprocessing4j.Connection;
import io.github.multiprocessing4j.Event;
import io.github.multiprocessing4j.Lock;
import io.github.multiprocessing4j.Pipe;
import io.github.multiprocessing4j.Pool;
import io.github.multiprocessing4j.Queue;
import io.github.multiprocessing4j.ResultIterator;
import io.github.multiprocessing4j.Value;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import io.github.multiprocessing4j.tck.Footprint;
import io.github.multiprocessing4j.tck.NoLeakedProcesses;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The soak (issue 15): the test JVM serves as a long-running parent for a fixed time. Each cycle
 * it creates and drops queues, pipes, locks, events, values and a pool; runs {@code Pool.map},
 * {@code Pool.imap} and a {@code CallableProcess} that uses the shared objects; and, half of the
 * cycles on average, SIGKILLs a pool worker while it has a chunk, an idle worker just before a
 * map, or a child while it runs. Heap after a full GC, hosted shared objects, file descriptors, threads,
 * {@code /dev/shm} files and child JVMs are sampled after a warm-up and at the end: none may
 * grow beyond its bound (printed, and in the summary line as {@code hosted_leaked} and
 * {@code heap_growth_mib}).
 *
 * <p>How long it serves: {@code -Dreliability.soak.seconds=<n>}, by default 60 s in the CI
 * form and 2 hours in the long form. The children run on the JDK that
 * {@code -Dreliability.child.java} names (the pom passes it on as
 * {@code multiprocessing4j.local.java}), so that CI runs the parent on one JDK and the children
 * on the other.
 */
@Order(80)
@Tag("soak")
@Timeout(4 * 3600)
class SoakTest {

    /** How long the parent serves. */
    static final Duration DURATION = Duration.ofSeconds(Long.getLong("reliability.soak.seconds", Form.pick(60, 7200)));
    /** One cycle in this many, on average, kills: a busy worker, an idle worker or a child, in turn at random. */
    static final int KILL_ONE_IN = 2;
    /**
     * The heap may grow this much after a full GC between the warm-up and the end (see the
     * README: measured growth stays within a few MiB, whatever the length of the run, while a
     * leak of one pool engine per cycle shows as tens of MiB within minutes).
     */
    static final long HEAP_BOUND_MIB = 16;
    /** Hosted objects are freed exactly (SPEC M9): none may remain. */
    static final int HOSTED_BOUND = 0;
    private static final int ITEMS = 8;
    private static final int EXTRA_OBJECTS = 4;
    private static final Duration SETTLE = Duration.ofSeconds(20);

    private final Random random = new Random(Form.SEED + 15);
    private int maps;
    private int imaps;
    private int callables;
    private int workerKills;
    private int workerKillsFailedChunk;
    private int childKills;
    private int idleWorkerKills;

    @Test
    void aServerThatCreatesAndDropsObjectsStaysFlat() throws Exception {
        Sample.fullGc();
        String childVersion;
        // warm-up: a cycle with each kind of kill, so that what is made once is in the baseline
        cycle(0);
        cycle(1);
        cycle(2);
        cycle(3);
        childVersion = childJavaVersion();
        Leaks.Snapshot before = Leaks.snapshot();
        Sample baseline = Sample.take();
        System.out.println("[reliability] soak baseline: " + baseline);
        List<Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + DURATION.toNanos();
        long nextSample = start + Progress.INTERVAL.toNanos();
        int cycles = 0;
        try (Progress.Part part = Progress.part("soak", DURATION)) {
            while (System.nanoTime() < end) {
                cycle(random.nextInt(KILL_ONE_IN * 3));
                cycles++;
                part.step();
                if (System.nanoTime() >= nextSample) {
                    Sample sample = Sample.take();
                    samples.add(sample);
                    System.out.println("[reliability] soak after " + cycles + " cycles, "
                            + Progress.format(System.nanoTime() - start) + ": " + sample.minus(baseline));
                    nextSample = System.nanoTime() + Progress.INTERVAL.toNanos();
                }
            }
        }
        long served = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        Figures.CYCLES.addAndGet(cycles + 4L);
        Figures.SOAK_SECONDS.addAndGet(served);

        Sample after = Sample.settle(baseline);
        Leaks.Report leaks = Leaks.settle(before);
        Sample growth = after.minus(baseline);
        long heapGrowthMib = Math.max(0, (long) Math.ceil(growth.heapBytes() / (1024.0 * 1024)));
        long hostedLeaked = Math.max(0, growth.hosted());
        long shmLeaked = Math.max(0, growth.shmFiles());
        // Leaks counts the hosted objects, /dev/shm files and heap too: its total is every leak
        Figures.HOSTED_LEAKED.addAndGet(Math.max(hostedLeaked, leaks.hostedLeak()));
        Figures.HEAP_GROWTH_MIB.accumulateAndGet(heapGrowthMib, Math::max);
        Figures.LEAKS.addAndGet(Math.max(leaks.total(), shmLeaked));
        System.out.println("[reliability] soak: " + cycles + " cycles in " + served + " s, end: " + after + ", growth: "
                + growth + ", leaks: " + leaks.describe());

        String part = "soak";
        Figures.row(part, "served s, cycles (JDK parent / children)", served + ", " + cycles + " ("
                + System.getProperty("java.version") + " / " + childVersion + ")");
        Figures.row(part, "Pool.map / Pool.imap / CallableProcess jobs", maps + " / " + imaps + " / " + callables);
        Figures.row(part, "SIGKILLed busy workers (chunk failed) / idle workers / children", workerKills + " ("
                + workerKillsFailedChunk + ") / " + idleWorkerKills + " / " + childKills);
        Figures.row(part, "heap after full GC MiB: warm -> end (bound +" + HEAP_BOUND_MIB + ")",
                mib(baseline.heapBytes()) + " -> " + mib(after.heapBytes()));
        Figures.row(part, "hosted objects: warm -> end (max on the way)", baseline.hosted() + " -> " + after.hosted()
                + " (" + samples.stream().mapToInt(Sample::hosted).max().orElse(after.hosted()) + ")");
        Figures.row(part, "fds / threads: warm -> end", baseline.fds() + " / " + baseline.threads() + " -> "
                + after.fds() + " / " + after.threads());
        Figures.row(part, "/dev/shm files / child JVMs: warm -> end", baseline.shmFiles() + " / " + baseline.childJvms()
                + " -> " + after.shmFiles() + " / " + after.childJvms());

        assertEquals(0, leaks.total(), "the soak leaked: " + leaks.describe());
        assertTrue(hostedLeaked <= HOSTED_BOUND, "hosted objects grew by " + growth.hosted() + " in " + cycles
                + " cycles (SPEC M9: dropped objects are freed): " + baseline + " -> " + after);
        assertEquals(0, shmLeaked, "/dev/shm files of the session grew: " + baseline + " -> " + after);
        assertTrue(heapGrowthMib <= HEAP_BOUND_MIB, "the heap after a full GC grew by " + heapGrowthMib + " MiB (bound "
                + HEAP_BOUND_MIB + "): " + baseline + " -> " + after);
    }

    /**
     * One cycle of the server.
     *
     * @param kill 0: kill a busy pool worker, 1: kill a child, 2: kill an idle pool worker, anything
     *     else: no kill
     */
    private void cycle(int kill) throws Exception {
        // objects nobody but this process sees, dropped at once
        for (int i = 0; i < EXTRA_OBJECTS; i++) {
            Queue<String> queue = new Queue<>();
            queue.put("x");
            assertEquals("x", queue.get(Children.DEADLINE));
            Event event = new Event();
            event.set();
            Lock lock = new Lock();
            assertTrue(lock.tryAcquire());
            lock.release();
            Pipe.open().left().close();
        }
        // objects a child uses, then dropped
        Queue<Integer> queue = new Queue<>(ITEMS / 2);
        Pipe pipe = Pipe.open();
        Lock lock = new Lock();
        Value counter = Value.ofInt(0);
        Connection childEnd = pipe.right();
        CallableProcess<Integer> job = new CallableProcess<>(() -> serve(queue, childEnd, lock, counter));
        job.start();
        int sum = 0;
        for (int i = 0; i < ITEMS; i++) {
            sum += queue.get(Children.DEADLINE);
        }
        assertTrue(pipe.left().poll(Children.DEADLINE), "nothing on the pipe from " + job);
        assertEquals("done", pipe.left().recv());
        assertEquals(sum, job.result().get(Children.DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(0, Children.joinWithDeadline(job));
        assertEquals(1, counter.getInt());
        job.close();
        callables++;

        Set<Long> childrenBefore = directChildren();
        Pool pool = Pool.builder().processes(2)
                .environment(NoLeakedProcesses.RUN_TAG_VARIABLE, NoLeakedProcesses.RUN_TAG).build();
        try {
            List<Integer> items = IntStream.range(0, 40).boxed().collect(Collectors.toList());
            assertEquals(items.stream().map(x -> x * x).collect(Collectors.toList()), pool.map(x -> x * x, items, 4));
            maps++;
            ResultIterator<Integer> iterator = pool.imap(x -> x + 1, items.subList(0, 20));
            for (int i = 0; i < 20; i++) {
                assertEquals(i + 1, iterator.next(Children.DEADLINE));
            }
            imaps++;
            if (kill == 0) {
                killAWorker(pool, childrenBefore);
            } else if (kill == 2) {
                killAnIdleWorker(pool, childrenBefore);
            }
            // Python's close(): no more tasks, the workers end once idle
            pool.close();
            long closed = System.nanoTime();
            if (!pool.join(Children.DEADLINE)) {
                // what the next reader of this failure needs: the workers as the OS sees them, and
                // where the pool's threads of this JVM are
                fail(pool + " did not end within " + Children.DEADLINE.toSeconds() + " s of close() (kill " + kill + ", " + (System.nanoTime() - closed) / 1_000_000 + " ms)\n" + poolDiagnosis());
            }
        } finally {
            pool.terminate();
        }
        if (kill == 1) {
            killAChild();
        }
    }

    /** SIGKILLs one of the pool's workers while the pool runs slow chunks; the pool goes on. */
    private void killAWorker(Pool pool, Set<Long> childrenBefore) throws Exception {
        List<Integer> items = IntStream.range(0, 12).boxed().collect(Collectors.toList());
        AsyncResult<List<Integer>> slow = pool.mapAsync(SoakTest::slowSquare, items, 1);
        List<Long> workers = new ArrayList<>(directChildren());
        workers.removeAll(childrenBefore);
        assertTrue(!workers.isEmpty(), "no worker of " + pool + " found");
        long victim = workers.get(random.nextInt(workers.size()));
        Children.sleep(random.nextInt(200));
        ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
        workerKills++;
        try {
            assertEquals(items.stream().map(x -> x * x).collect(Collectors.toList()),
                    slow.get(Children.DEADLINE));
        } catch (ExecutionException e) {
            // exactly the chunk the worker held fails, naming the worker and its end
            ChildProcessException failure = assertInstanceOf(ChildProcessException.class, e.getCause());
            assertTrue(String.valueOf(failure.getMessage()).contains("-9")
                    || String.valueOf(failure.getMessage()).contains("SIGKILL"), failure.toString());
            workerKillsFailedChunk++;
        }
        // the worker was replaced: the pool serves on
        assertEquals(List.of(0, 1, 4), pool.map(x -> x * x, List.of(0, 1, 2)));
        maps++;
    }

    /**
     * SIGKILLs an idle worker and maps at once, before the pool has noticed: no chunk may fail, as
     * no worker died running one (the soak found a pool that handed the chunk to the dead worker's
     * waiting request and failed it).
     */
    private void killAnIdleWorker(Pool pool, Set<Long> childrenBefore) throws Exception {
        List<Long> workers = new ArrayList<>(directChildren());
        workers.removeAll(childrenBefore);
        assertTrue(!workers.isEmpty(), "no worker of " + pool + " found");
        ProcessHandle.of(workers.get(random.nextInt(workers.size()))).ifPresent(ProcessHandle::destroyForcibly);
        idleWorkerKills++;
        List<Integer> items = IntStream.range(0, 10).boxed().collect(Collectors.toList());
        assertEquals(items.stream().map(x -> x * x).collect(Collectors.toList()), pool.map(x -> x * x, items, 1));
        maps++;
    }

    /** SIGKILLs a child that computes a value: its result fails clearly, its exit code is -9. */
    private void killAChild() throws Exception {
        CallableProcess<Integer> sleeper = new CallableProcess<>(SoakTest::sleepThenAnswer);
        sleeper.start();
        Children.sleep(random.nextInt(300));
        ProcessHandle.of(sleeper.pid().orElseThrow()).ifPresent(ProcessHandle::destroyForcibly);
        childKills++;
        try {
            sleeper.result().get(Children.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError(sleeper + " gave a result though it was killed");
        } catch (ExecutionException e) {
            assertInstanceOf(ChildProcessException.class, e.getCause());
        }
        assertEquals(-9, Children.joinWithDeadline(sleeper), sleeper.toString());
        sleeper.close();
    }

    /** The children's JDK, as a child reports it. */
    private static String childJavaVersion() throws Exception {
        CallableProcess<String> probe = new CallableProcess<>(() -> System.getProperty("java.version") + " ("
                + System.getProperty("java.home") + ")");
        probe.start();
        String version = probe.result().get(Children.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        Children.joinWithDeadline(probe);
        probe.close();
        String configured = System.getProperty("reliability.child.java", "");
        if (!configured.isBlank()) {
            Path home = Path.of(configured).toRealPath().getParent().getParent();
            assertTrue(version.endsWith("(" + home + ")"), "the children should run on " + home + ": " + version);
        }
        return version.replaceFirst(" .*", "");
    }

    /**
     * In the child: takes the lock, counts, puts the items, says done on the pipe.
     *
     * @return the sum of the items put
     */
    static int serve(Queue<Integer> queue, Connection pipe, Lock lock, Value counter) throws InterruptedException {
        lock.acquire();
        try {
            counter.set(counter.getInt() + 1);
        } finally {
            lock.release();
        }
        int sum = 0;
        for (int i = 0; i < ITEMS; i++) {
            queue.put(i);
            sum += i;
        }
        pipe.send("done");
        return sum;
    }

    /**
     * A slow task, so that a worker is killed with a chunk in hand.
     *
     * @param x the item
     * @return its square
     */
    static int slowSquare(int x) {
        Children.sleep(40);
        return x * x;
    }

    /** Sleeps past any deadline of the suite, then answers. */
    static int sleepThenAnswer() {
        Children.sleep(Children.DEADLINE.toMillis() * 4);
        return 42;
    }

    /** The direct children (pid, alive, CPU time, command) and the stacks of the JVM's multiprocessing4j threads. */
    private static String poolDiagnosis() {
        StringBuilder text = new StringBuilder("children:\n");
        ProcessHandle.current().children().forEach(child -> text.append("  ").append(child.pid())
                .append(child.isAlive() ? " alive" : " ended").append(" cpu=")
                .append(child.info().totalCpuDuration().map(Duration::toMillis).map(ms -> ms + "ms").orElse("?"))
                .append(' ').append(child.info().commandLine().map(line -> line.length() > 200 ? line.substring(0, 200) : line)
                        .orElse("?")).append('\n'));
        text.append("threads:\n");
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith("multiprocessing4j")) {
                text.append("  ").append(thread.getName()).append(' ').append(thread.getState()).append('\n');
                for (int i = 0; i < Math.min(stack.length, 12); i++) {
                    text.append("    at ").append(stack[i]).append('\n');
                }
            }
        });
        return text.toString();
    }

    private static Set<Long> directChildren() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toCollection(HashSet::new));
    }

    private static String mib(long bytes) {
        return String.format("%.1f", bytes / (1024.0 * 1024));
    }

    /** What the soak watches, at one moment. */
    record Sample(long heapBytes, int hosted, int fds, int threads, int shmFiles, int childJvms) {

        static Sample take() {
            long heap = fullGc();
            return new Sample(heap, SharedObjects.hostedCount(), Leaks.fds(), Thread.activeCount(),
                    Footprint.sharedMemoryFiles(),
                    Leaks.childRuntimes().size());
        }

        /** Samples until nothing is above the baseline (what is freed after a GC is given its time). */
        static Sample settle(Sample baseline) throws InterruptedException {
            long deadline = System.nanoTime() + SETTLE.toNanos();
            Sample sample = take();
            while (System.nanoTime() < deadline && (sample.hosted() > baseline.hosted() + HOSTED_BOUND
                    || sample.shmFiles() > baseline.shmFiles() || sample.childJvms() > baseline.childJvms())) {
                Thread.sleep(250);
                sample = take();
            }
            return sample;
        }

        /** Heap used after full collections, in bytes. */
        static long fullGc() {
            long used = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                System.gc();
                used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            }
            return used;
        }

        Sample minus(Sample other) {
            return new Sample(heapBytes - other.heapBytes, hosted - other.hosted, fds - other.fds, threads - other.threads,
                    shmFiles - other.shmFiles, childJvms - other.childJvms);
        }

        @Override
        public String toString() {
            return "heap=" + mib(heapBytes) + " MiB hosted=" + hosted + " fds=" + fds + " threads=" + threads + " shm-files="
                    + shmFiles + " child-jvms=" + childJvms;
        }
    }
}
