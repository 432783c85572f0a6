package io.github.multiprocessing4j.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.CallableProcess;
import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.ChildProcessException;
import io.github.multiprocessing4j.Lock;
import io.github.multiprocessing4j.Queue;
import io.github.multiprocessing4j.QueueEmptyException;
import io.github.multiprocessing4j.tck.NoLeakedProcesses;
import io.github.multiprocessing4j.tck.OsProcesses;
import io.github.multiprocessing4j.tck.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Child death in every phase: while it boots and authenticates, while it runs, while it sends a
 * large result, while it holds a lock, while it puts to a full queue, while it is blocked in a
 * queue's get. Each time the parent reports a clear exit code ({@code -9}, {@code -15}), every
 * wait ends within its deadline, and what the child shared keeps working for the others.
 */
@Order(40)
@ExtendWith(NoLeakedProcesses.class)
@Timeout(600)
@Tag("death")
class ChildDeathTest {

    static final int RANDOM_KILLS = Form.pick(12, 300);
    static final int HANDSHAKE_KILLS = Form.pick(4, 100);
    static final int RESULT_KILLS = Form.pick(3, 50);
    private static final int LARGE_RESULT_BYTES = 16 * 1024 * 1024;
    private static final String CHILD_RUNTIME = "io.github.multiprocessing4j.internal.process.ChildRuntime";

    @TempDir
    Path tmp;

    private final List<ChildProcess> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (ChildProcess process : started) {
            if (process.isAlive()) {
                process.kill();
                process.join(Children.DEADLINE);
            }
        }
    }

    private ChildProcess start(ChildProcess process) {
        started.add(process);
        process.start();
        Figures.CYCLES.incrementAndGet();
        return process;
    }

    private String file(String name) {
        return tmp.resolve(name).toString();
    }

    @Test
    void aChildKilledOrTerminatedAtARandomMomentOfItsLifeReportsTheSignal() throws Exception {
        Random random = new Random(Form.SEED + 1);
        Map<String, Integer> outcomes = new TreeMap<>();
        Progress.Part progress = Progress.part("child death, random kills", RANDOM_KILLS);
        for (int i = 0; i < RANDOM_KILLS; i++) {
            progress.step();
            ChildProcess process = start(Children.builder(Children::sleepForever).build());
            TimeUnit.MILLISECONDS.sleep(random.nextInt(600));
            int how = i % 3;
            int expected;
            if (how == 0) {
                process.kill();
                expected = -9;
            } else if (how == 1) {
                // as the OOM killer would: not through the API, so the parent did not send it
                ProcessHandle.of(process.pid().getAsLong()).ifPresent(ProcessHandle::destroyForcibly);
                expected = -9;
            } else {
                process.terminate();
                expected = -15;
            }
            int code = Children.joinWithDeadline(process);
            outcomes.merge((how == 0 ? "kill()" : how == 1 ? "external SIGKILL" : "terminate()") + " -> " + code, 1,
                    Integer::sum);
            assertEquals(expected, code, process.toString());
            assertTrue(process.toString().contains(expected == -9 ? "exitcode=-SIGKILL" : "exitcode=-SIGTERM"),
                    process.toString());
        }
        Figures.row("child death", "killed/terminated at random moments", outcomes.toString());
    }

    @Test
    void aChildKilledDuringItsHandshakeReportsTheSignal() throws Exception {
        int caught = 0;
        Progress.Part progress = Progress.part("child death, handshake kills", HANDSHAKE_KILLS);
        for (int i = 0; i < HANDSHAKE_KILLS; i++) {
            progress.step();
            ChildProcess process = start(Children.builder(Children::sleepForever).build());
            long pid = process.pid().getAsLong();
            Path keyFile = keyFile(pid);
            // the child deletes its key file as soon as it has read it, right before it connects:
            // kill it at that moment, while it connects and authenticates
            boolean read = Poll.until(() -> keyFile == null || !Files.exists(keyFile), Children.DEADLINE);
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            if (read && keyFile != null) {
                caught++;
            }
            assertEquals(-9, Children.joinWithDeadline(process), process.toString());
        }
        Figures.row("child death", "killed as it connected and authenticated", caught + " of " + HANDSHAKE_KILLS);
        assertEquals(HANDSHAKE_KILLS, caught, "the key file was always seen, then gone");
        assertEquals(0, Children.joinWithDeadline(start(Children.builder(Children::nothing).build())),
                "a new child starts and ends normally");
    }

    private static Path keyFile(long pid) throws InterruptedException {
        List<List<String>> seen = new ArrayList<>();
        Poll.until(() -> {
            List<String> line = OsProcesses.commandLine(pid).orElse(List.of());
            int at = line.indexOf(CHILD_RUNTIME);
            if (at >= 0 && line.size() >= at + 3) {
                seen.add(line.subList(at + 1, at + 3));
                return true;
            }
            return false;
        }, Children.DEADLINE);
        return seen.isEmpty() ? null : Path.of(seen.get(0).get(0)).resolveSibling(seen.get(0).get(1) + ".key");
    }

    @Test
    void aChildKilledWhileSendingALargeResultGivesTheWholeValueOrAClearFailure() throws Exception {
        Random random = new Random(Form.SEED + 2);
        int whole = 0;
        int failed = 0;
        Progress.Part progress = Progress.part("child death, large results", RESULT_KILLS);
        for (int i = 0; i < RESULT_KILLS; i++) {
            progress.step();
            String sending = file("sending-" + i);
            CallableProcess<byte[]> process = new CallableProcess<>(() -> largeResult(sending));
            start(process);
            assertTrue(Children.awaitFile(sending), "the child got to its result");
            TimeUnit.MILLISECONDS.sleep(random.nextInt(1500));
            process.kill();
            int code = Children.joinWithDeadline(process);
            try {
                byte[] value = process.result().get(Children.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                assertArrayEquals(expectedResult(), value, "a result that arrived is whole");
                whole++;
            } catch (ExecutionException e) {
                assertInstanceOf(ChildProcessException.class, e.getCause());
                assertTrue(e.getCause().getMessage().contains("exit code " + code), e.getCause().getMessage());
                failed++;
            } catch (TimeoutException e) {
                throw new AssertionError("result() of a killed child did not complete within " + Children.DEADLINE, e);
            }
            assertTrue(code == -9 || code == 0, process + ": " + code);
            // ended and checked: let its 16 MiB result go (the long form runs 50 of them)
            started.remove(process);
        }
        Figures.row("child death", "killed while sending a 16 MiB result: whole / clear failure", whole + " / " + failed);
    }

    static byte[] largeResult(String sending) {
        byte[] value = expectedResult();
        Children.touch(sending);
        return value;
    }

    static byte[] expectedResult() {
        byte[] value = new byte[LARGE_RESULT_BYTES];
        new Random(7).nextBytes(value);
        return value;
    }

    @Test
    void aLockHeldByAKilledChildIsReleasedForTheOthers() throws Exception {
        Lock lock = new Lock();
        String ready = file("holding");
        ChildProcess holder = start(Children.builder(() -> holdLock(lock, ready)).build());
        assertTrue(Children.awaitFile(ready), "the child took the lock");
        assertFalse(lock.tryAcquire(), "the lock is held by the child");
        holder.kill();
        assertEquals(-9, Children.joinWithDeadline(holder));
        ChildProcess next = start(Children.builder(() -> acquireOrExit3(lock)).build());
        assertEquals(0, Children.joinWithDeadline(next), "another process acquires the lock within 10 s");
        assertTrue(lock.acquire(Duration.ofSeconds(10)), "the parent acquires it too");
        lock.release();
        Figures.row("child death", "lock held by a killed child: released", "yes");
    }

    static void holdLock(Lock lock, String ready) {
        lock.tryAcquire();
        Children.touch(ready);
        Children.sleepForever();
    }

    static void acquireOrExit3(Lock lock) {
        try {
            if (!lock.acquire(Duration.ofSeconds(10))) {
                System.exit(3);
            }
        } catch (InterruptedException e) {
            System.exit(4);
        }
        lock.release();
    }

    @Test
    void aChildKilledWhileBlockedInAQueueGetLeavesTheQueueWorking() throws Exception {
        Queue<String> queue = new Queue<>();
        String ready = file("getting");
        ChildProcess getter = start(Children.builder(() -> blockOnGet(queue, ready)).build());
        // the child's get waits in the child (a queue in shared memory, holding the readers' lock)
        // or in the parent (a queue whose messages wait there): the child says which it saw
        assertTrue(Children.awaitFile(ready), "the child's get waits");
        getter.kill();
        assertEquals(-9, Children.joinWithDeadline(getter));
        assertTrue(Poll.until(() -> threadsIn("HostedQueue", "get") == 0, Children.DEADLINE),
                "the dead child's get was abandoned: no thread waits for it any more");
        queue.put("after");
        assertEquals("after", queue.get(Duration.ofSeconds(5)), "the message was not taken by the dead getter");
        Figures.row("child death", "killed blocked in Queue.get: queue works", "yes");
    }

    static void blockOnGet(Queue<String> queue, String ready) {
        touchWhenWaitingIn("get", ready);
        try {
            queue.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aChildKilledWhilePuttingToAFullQueueLeavesWholeMessages() throws Exception {
        Queue<Integer> queue = new Queue<>(4);
        String ready = file("putting");
        String blocked = file("blocked");
        ChildProcess putter = start(Children.builder(() -> putForever(queue, ready, blocked)).build());
        assertTrue(Children.awaitFile(ready), "the child started putting");
        List<Integer> received = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            received.add(queue.get(Duration.ofSeconds(10)));
        }
        // the put waits in the child (a queue in shared memory) or in the parent
        assertTrue(Children.awaitFile(blocked), "the child's put waits at the bound");
        assertTrue(Poll.until(() -> queue.qsize() == 4, Children.DEADLINE), "the child blocks putting to the full queue");
        putter.kill();
        assertEquals(-9, Children.joinWithDeadline(putter));
        while (true) {
            try {
                received.add(queue.getNowait());
            } catch (QueueEmptyException e) {
                break;
            }
        }
        for (int i = 0; i < received.size(); i++) {
            assertEquals(i, received.get(i), "messages in order, none torn: " + received);
        }
        queue.put(-1);
        assertEquals(-1, queue.get(Duration.ofSeconds(5)));
        Figures.row("child death", "killed putting to a full queue: whole messages", received.size());
    }

    static void putForever(Queue<Integer> queue, String ready, String blocked) {
        Children.touch(ready);
        touchWhenWaitingIn("put", blocked);
        try {
            for (int i = 0; ; i++) {
                queue.put(i);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * In a child: touches {@code file} once the calling thread waits inside {@code Queue.<method>},
     * parked or waiting (on its own rings, or for the parent's answer), as a watcher thread sees it.
     */
    private static void touchWhenWaitingIn(String method, String file) {
        Thread caller = Thread.currentThread();
        Thread watcher = new Thread(() -> {
            while (caller.isAlive()) {
                Thread.State state = caller.getState();
                if ((state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
                        && Arrays.stream(caller.getStackTrace()).anyMatch(frame ->
                                frame.getClassName().equals(Queue.class.getName()) && frame.getMethodName().equals(method))) {
                    Children.touch(file);
                    return;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "queue-wait-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static int threadsIn(String simpleClassName, String method) {
        int count = 0;
        for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
            if (Arrays.stream(stack).anyMatch(frame -> frame.getClassName().endsWith("." + simpleClassName)
                    && frame.getMethodName().equals(method))) {
                count++;
            }
        }
        return count;
    }
}
