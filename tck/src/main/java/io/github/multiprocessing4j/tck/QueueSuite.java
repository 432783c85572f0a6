package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Event;
import io.github.multiprocessing4j.JoinableQueue;
import io.github.multiprocessing4j.Lock;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.Queue;
import io.github.multiprocessing4j.QueueEmptyException;
import io.github.multiprocessing4j.QueueFullException;
import io.github.multiprocessing4j.SimpleQueue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Queues shared by processes: Python's {@code multiprocessing.Queue}, {@code JoinableQueue} and
 * {@code SimpleQueue}. Each test hands queues to children by capturing them in their targets;
 * what a child observes comes back on a second queue of reports. Beyond Python,
 * {@code close()} closes a queue for every process: puts fail, gets take what is left and then
 * fail instead of waiting.
 */
@ExtendWith(NoLeakedProcesses.class)
public abstract class QueueSuite extends TckSuite {

    /** The largest message a queue carries, serialized: 64 MiB ({@code Queue}'s contract). */
    private static final int LIMIT = 64 * 1024 * 1024;
    /** A timeout short enough to wait for in a test, long enough to measure. */
    private static final Duration SHORT = Duration.ofMillis(300);
    /** What a wait of {@link #SHORT} must at least have lasted, allowing for clock granularity. */
    private static final long SHORT_MIN_MILLIS = 250;

    /** For subclasses. */
    protected QueueSuite() {
    }

    /**
     * A value of the tests' own class: it reaches the child through the class path.
     *
     * @param x one coordinate
     * @param y the other
     */
    record Point(int x, int y) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    private ChildProcess child(CheckedTarget target) {
        return started(CheckedTarget.unchecked(target));
    }

    @Test
    void queue_objectsTravelBetweenProcessesInFifoOrder() throws Exception {
        Queue<Object> toChild = new Queue<>();
        Queue<Object> toParent = new Queue<>();
        List<Object> messages = Arrays.asList(Arrays.asList(42, null, "hello"), null, "测试多进程",
                new Point(3, 4), Map.of("key", List.of(1, 2, 3)), Long.MAX_VALUE);
        for (Object message : messages) {
            toChild.put(message);
        }
        assertEquals(messages.size(), toChild.qsize());
        assertFalse(toChild.isEmpty());
        assertFalse(toChild.isFull(), "an unbounded queue is never full");
        assertEquals(0, toChild.maxSize());
        int many = 200;
        ChildProcess child = child(() -> {
            // an echo: each message comes back with the pid of the process that took it
            long pid = Multiprocessing.currentProcess().pid();
            for (int i = 0; i < messages.size(); i++) {
                toParent.put(Arrays.asList(pid, toChild.get(Targets.MAX_WAIT)));
            }
            for (int i = 0; i < many; i++) {
                toParent.put(i);
            }
        });
        long pid = child.pid().getAsLong();
        for (Object message : messages) {
            Object echo = next(toParent);
            assertEquals(Arrays.asList(pid, message), echo, "the echo of " + message);
        }
        for (int i = 0; i < many; i++) {
            Object value = next(toParent);
            assertEquals(i, value, "messages come out in the order they were put");
        }
        assertEquals(0, exitCodeAfterJoin(child));
        assertTrue(toChild.isEmpty(), "the child took every message");
        assertTrue(toParent.isEmpty());
    }

    @Test
    void queue_getWaitsForAPutFromAnotherProcessOrFailsWithQueueEmptyAfterItsTimeout() throws Exception {
        Queue<String> queue = new Queue<>();
        Queue<Object> reports = new Queue<>();
        ChildProcess child = child(() -> {
            long start = System.nanoTime();
            try {
                reports.put("get(300 ms) returned " + queue.get(SHORT));
            } catch (QueueEmptyException e) {
                reports.put(Arrays.asList("QueueEmptyException", millisSince(start), e.getMessage()));
            }
            try {
                reports.put("getNowait() returned " + queue.getNowait());
            } catch (QueueEmptyException e) {
                reports.put("getNowait: QueueEmptyException");
            }
            reports.put("waiting");
            reports.put("got " + queue.get(Targets.MAX_WAIT));
        });
        List<Object> timedOut = next(reports);
        assertEquals("QueueEmptyException", timedOut.get(0), "get(300 ms) on an empty queue, in the child");
        assertTrue((Long) timedOut.get(1) >= SHORT_MIN_MILLIS, "get(300 ms) waited " + timedOut.get(1) + " ms");
        assertTrue(((String) timedOut.get(2)).contains("empty"),
                "the message says the queue stayed empty: " + timedOut);
        assertEquals("getNowait: QueueEmptyException", next(reports));
        assertEquals("waiting", next(reports));

        long start = System.nanoTime();
        assertThrows(QueueEmptyException.class, () -> queue.get(SHORT), "get(300 ms) in the parent");
        assertTrue(millisSince(start) >= SHORT_MIN_MILLIS, "get(300 ms) waited " + millisSince(start) + " ms");
        assertThrows(QueueEmptyException.class, queue::getNowait);
        assertThrows(QueueEmptyException.class, () -> queue.get(Duration.ofMillis(-1)),
                "a negative timeout means zero (SPEC L17)");

        queue.put("hello");
        assertEquals("got hello", next(reports), "the child's get() returned with what the parent put");
        assertEquals(0, exitCodeAfterJoin(child));
    }

    /**
     * SPEC M3, a bounded queue: a child's puts on a queue of two that holds two fail with
     * {@link QueueFullException} without waiting ({@code putNowait}) or after their timeout, and a
     * put without a timeout returns once the parent takes one; the parent's own {@code putNowait}
     * on the full queue fails too. Observed: the child's reports, the queue's size, and the three
     * messages in order.
     */
    @Test
    void m3_aBoundedQueueMakesPutsWaitForRoomOrFailWithQueueFull() throws Exception {
        Queue<Integer> queue = new Queue<>(2);
        Queue<Object> reports = new Queue<>();
        ChildProcess child = child(() -> {
            queue.put(1, Targets.MAX_WAIT);
            queue.put(2, Targets.MAX_WAIT);
            try {
                queue.putNowait(3);
                reports.put("putNowait(3) succeeded");
            } catch (QueueFullException e) {
                reports.put("putNowait: QueueFullException");
            }
            long start = System.nanoTime();
            try {
                queue.put(3, SHORT);
                reports.put("put(3, 300 ms) succeeded");
            } catch (QueueFullException e) {
                reports.put(Arrays.asList("QueueFullException", millisSince(start), e.getMessage()));
            }
            reports.put("putting 3");
            queue.put(3, Targets.MAX_WAIT); // waits until the parent takes one
            reports.put("put 3");
        });
        assertEquals("putNowait: QueueFullException", next(reports), "putNowait on a full queue, in the child");
        List<Object> timedOut = next(reports);
        assertEquals("QueueFullException", timedOut.get(0), "put(3, 300 ms) on a full queue, in the child");
        assertTrue((Long) timedOut.get(1) >= SHORT_MIN_MILLIS, "put(3, 300 ms) waited " + timedOut.get(1) + " ms");
        assertTrue(((String) timedOut.get(2)).contains("full"), "the message says the queue stayed full: " + timedOut);
        assertEquals("putting 3", next(reports));

        assertEquals(2, queue.maxSize());
        assertEquals(2, queue.qsize());
        assertTrue(queue.isFull());
        assertThrows(QueueFullException.class, () -> queue.putNowait(9), "putNowait in the parent");
        assertEquals(1, queue.get(READY_TIMEOUT), "taking one makes room for the child's put");
        assertEquals("put 3", next(reports));
        assertEquals(2, queue.get(READY_TIMEOUT));
        assertEquals(3, queue.get(READY_TIMEOUT));
        assertTrue(queue.isEmpty());
        assertFalse(queue.isFull());
        queue.put(4, Duration.ofMillis(-1)); // a negative timeout means zero (SPEC L17): there is room
        assertEquals(4, queue.get(Duration.ofMillis(-1)));
        assertEquals(0, exitCodeAfterJoin(child));
    }

    /**
     * SPEC M1 with several senders and receivers: two child producers and the parent put 300
     * values each on a bounded queue that two child consumers drain. Observed: every value is
     * taken exactly once, and each consumer took each producer's values in the order they were
     * put.
     */
    @Test
    void m1_manyProducersAndConsumersAcrossProcessesLoseNothingAndKeepEachProducersOrder() throws Exception {
        int perProducer = 300;
        int consumers = 2;
        Queue<Integer> queue = new Queue<>(16);
        Queue<List<Integer>> received = new Queue<>();
        List<ChildProcess> producers = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            int first = p * perProducer;
            producers.add(child(() -> {
                for (int value = first; value < first + perProducer; value++) {
                    queue.put(value, Targets.MAX_WAIT);
                }
            }));
        }
        List<ChildProcess> consuming = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            consuming.add(child(() -> {
                List<Integer> mine = new ArrayList<>();
                for (Integer value = queue.get(Targets.MAX_WAIT); value >= 0; value = queue.get(Targets.MAX_WAIT)) {
                    mine.add(value);
                }
                received.put(mine);
            }));
        }
        // the parent is the third producer
        int parentFirst = 2 * perProducer;
        for (int value = parentFirst; value < parentFirst + perProducer; value++) {
            queue.put(value, READY_TIMEOUT);
        }
        for (ChildProcess producer : producers) {
            assertEquals(0, exitCodeAfterJoin(producer), "a producer");
        }
        for (int c = 0; c < consumers; c++) {
            queue.put(-1, READY_TIMEOUT); // one end marker per consumer
        }
        List<Integer> all = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            List<Integer> mine = next(received);
            for (int p = 0; p < 3; p++) {
                int producer = p;
                List<Integer> fromProducer = mine.stream().filter(value -> value / perProducer == producer)
                        .collect(Collectors.toList());
                assertEquals(fromProducer.stream().sorted().collect(Collectors.toList()), fromProducer,
                        "a consumer takes each producer's values in the order they were put");
            }
            all.addAll(mine);
        }
        for (ChildProcess consumer : consuming) {
            assertEquals(0, exitCodeAfterJoin(consumer), "a consumer");
        }
        int total = 3 * perProducer;
        assertEquals(total, all.size(), "the consumers got as many values as were put");
        assertEquals((long) total * (total - 1) / 2, all.stream().mapToLong(Integer::longValue).sum(), "their sum");
        all.sort(null);
        assertEquals(IntStream.range(0, total).boxed().collect(Collectors.toList()), all,
                "every value was taken exactly once");
        assertTrue(queue.isEmpty());
    }

    @Test
    void joinableQueue_joinWaitsUntilEveryTaskIsDoneInAnyProcess() throws Exception {
        JoinableQueue<Integer> tasks = new JoinableQueue<>();
        Queue<Object> reports = new Queue<>();
        Event go = new Event();
        for (int task = 1; task <= 5; task++) {
            tasks.put(task);
        }
        assertFalse(tasks.join(Duration.ZERO), "five tasks were put and none is done");
        ChildProcess child = child(() -> {
            int sum = 0;
            for (int i = 0; i < 5; i++) {
                sum += tasks.get(Targets.MAX_WAIT);
            }
            reports.put(sum);
            go.await(Targets.MAX_WAIT);
            for (int i = 0; i < 5; i++) {
                tasks.taskDone();
            }
            try {
                tasks.taskDone();
                reports.put("a sixth taskDone() was accepted");
            } catch (IllegalStateException e) {
                reports.put(e.getMessage());
            }
        });
        Object sum = next(reports);
        assertEquals(15, sum, "the child took the five tasks");
        assertTrue(tasks.isEmpty());
        assertFalse(tasks.join(SHORT), "every task was taken, but none is done yet");
        go.set();
        assertTrue(tasks.join(READY_TIMEOUT), "join() returns once the child marked every task done");
        tasks.join(); // returns at once
        assertEquals("taskDone() called too many times", next(reports), "taskDone() in the child, once too often");
        IllegalStateException e = assertThrows(IllegalStateException.class, tasks::taskDone);
        assertEquals("taskDone() called too many times", e.getMessage(), "taskDone() in the parent, once too often");
        assertEquals(0, exitCodeAfterJoin(child));
    }

    @Test
    void simpleQueue_carriesMessagesBothWaysAndCloses() throws Exception {
        SimpleQueue<String> toParent = new SimpleQueue<>();
        SimpleQueue<String> toChild = new SimpleQueue<>();
        assertTrue(toParent.isEmpty());
        ChildProcess child = child(() -> {
            toParent.put("a");
            toParent.put("b");
            List<String> received = new ArrayList<>();
            try {
                while (true) {
                    received.add(toChild.get()); // returns once the parent closes the queue
                }
            } catch (IllegalStateException e) {
                toParent.put(received + " then " + e.getMessage());
            }
            try {
                toChild.put("c");
                toParent.put("a put on the closed queue succeeded");
            } catch (IllegalStateException e) {
                toParent.put("put: " + e.getMessage());
            }
        });
        assertEquals("a", take(toParent));
        assertEquals("b", take(toParent));
        toChild.put("x");
        toChild.put("y");
        toChild.close();
        String drained = take(toParent);
        assertTrue(drained.startsWith("[x, y] then ") && drained.contains("closed"),
                "the child took what was left, then get() failed instead of waiting: " + drained);
        String put = take(toParent);
        assertTrue(put.startsWith("put: ") && put.contains("closed"),
                "put() on the closed queue, in the child: " + put);
        toChild.close(); // twice is fine
        assertEquals(0, exitCodeAfterJoin(child));
    }

    @Test
    void queue_aGetBlockedOnAQueueWhoseProducerWasKilledReturnsOnTimeoutAndOnClose() throws Exception {
        Queue<String> queue = new Queue<>();
        Queue<Object> reports = new Queue<>();
        Event producerKilled = new Event();
        ChildProcess producer = child(() -> {
            queue.put("first");
            Targets.sleep(Targets.MAX_WAIT.toMillis()); // killed while it sleeps
        });
        ChildProcess consumer = child(() -> {
            reports.put(queue.get(Targets.MAX_WAIT));
            producerKilled.await(Targets.MAX_WAIT);
            try {
                reports.put("get(300 ms) returned " + queue.get(SHORT));
            } catch (QueueEmptyException e) {
                reports.put("timed out");
            }
            reports.put("waiting");
            long start = System.nanoTime();
            try {
                reports.put("get() returned " + queue.get(Targets.MAX_WAIT));
            } catch (QueueEmptyException e) {
                reports.put("get() timed out after " + millisSince(start) + " ms: the close did not end it");
            } catch (IllegalStateException e) {
                reports.put("closed: " + e.getMessage());
            }
        });
        assertEquals("first", next(reports));
        producer.kill();
        assertEquals(-9, exitCodeAfterJoin(producer));
        producerKilled.set();
        assertEquals("timed out", next(reports), "the child's get(300 ms) after its producer was killed");
        assertThrows(QueueEmptyException.class, () -> queue.get(SHORT), "the parent's get(300 ms)");
        assertEquals("waiting", next(reports));
        queue.close();
        String closed = next(reports);
        assertTrue(closed.startsWith("closed: ") && closed.contains("closed"),
                "the child's get() returns when the queue is closed: " + closed);
        assertEquals(0, exitCodeAfterJoin(consumer));
    }

    @Test
    void queue_aGetThatIsInterruptedOrWhoseProcessIsKilledTakesNothing() throws Exception {
        Queue<String> queue = new Queue<>();
        Queue<Object> reports = new Queue<>();
        ChildProcess child = child(() -> {
            List<String> seen = new ArrayList<>();
            Thread getter = new Thread(() -> {
                try {
                    seen.add("got " + queue.get(Targets.MAX_WAIT));
                } catch (InterruptedException e) {
                    seen.add("interrupted");
                } catch (QueueEmptyException e) {
                    seen.add("timed out");
                }
            });
            getter.start();
            // interrupt it while it waits for the reply, not before its call is sent
            Poll.until(() -> getter.getState() == Thread.State.WAITING || getter.getState() == Thread.State.TIMED_WAITING
                    || !getter.isAlive(), Targets.MAX_WAIT);
            getter.interrupt();
            getter.join(Targets.MAX_WAIT.toMillis());
            reports.put(seen.toString());
            reports.put("waiting");
            reports.put("got " + queue.get(Targets.MAX_WAIT)); // the child is killed while it waits
        });
        assertEquals("[interrupted]", next(reports), "an interrupted get() in the child");
        assertEquals("waiting", next(reports));
        child.kill();
        assertEquals(-9, exitCodeAfterJoin(child));
        queue.put("first");
        queue.put("second");
        assertEquals("first", queue.get(READY_TIMEOUT), "neither the interrupted get() nor the killed one took it");
        assertEquals("second", queue.get(READY_TIMEOUT));
        assertTrue(reports.isEmpty(), "the killed child's get() returned nothing");
    }

    @Test
    void queue_aPutByAThreadWhoseInterruptIsPendingLeavesTheChildsOtherCallsWorking() throws Exception {
        Queue<String> queue = new Queue<>();
        ChildProcess child = child(() -> {
            Thread.currentThread().interrupt();
            String outcome;
            try {
                queue.put("put while interrupted");
                outcome = "returned";
            } catch (InterruptedException e) {
                outcome = "InterruptedException";
            } catch (IllegalStateException e) {
                outcome = "IllegalStateException: " + e.getMessage();
            }
            Thread.interrupted(); // the interrupt is handled: the next calls are ordinary ones
            queue.put("outcome: " + outcome);
        });
        assertEquals(0, exitCodeAfterJoin(child), "the child's call after the interrupted one worked");
        String received = queue.getNowait();
        if (received.equals("put while interrupted")) {
            received = queue.getNowait();
        }
        assertTrue(received.equals("outcome: returned") || received.equals("outcome: InterruptedException"),
                "a put() with the interrupt pending returns or throws InterruptedException: " + received);
    }

    @Test
    void queue_aQueueCreatedInAChildIsNotReachableFromTheParentAndSaysSo() throws Exception {
        Queue<Object> reports = new Queue<>();
        ChildProcess child = child(() -> {
            Queue<String> own = new Queue<>();
            own.put("the child's");
            reports.put(own);
        });
        Queue<String> foreign = next(reports);
        assertEquals(0, exitCodeAfterJoin(child));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> foreign.get(SHORT));
        assertTrue(e.getMessage().contains("not reachable"),
                "using the queue of another process fails with a message that says so: " + e.getMessage());
    }

    /**
     * SPEC M2, a message that is not serializable: put by a child (on an unbounded queue, whose
     * put is posted, and on a bounded one, whose put is answered) and by the parent, directly or
     * inside a list. Observed: each put fails in its sender with an
     * {@link IllegalArgumentException} that names {@link NotSerializable}; nothing of it arrives;
     * the next message put by the same sender on the same queue arrives.
     */
    @Test
    void m2_aMessageThatCannotBeSerializedFailsInTheSenderParentOrChildAndTheQueueKeepsWorking() throws Exception {
        Queue<Object> queue = new Queue<>();
        Queue<Object> bounded = new Queue<>(4);
        Queue<Object> reports = new Queue<>();
        IllegalArgumentException parentDirect = assertThrows(IllegalArgumentException.class,
                () -> queue.put(new NotSerializable()), "put() of a NotSerializable in the parent");
        assertTrue(parentDirect.getMessage().contains(NotSerializable.class.getName()),
                "the parent's exception names the class: " + parentDirect.getMessage());
        IllegalArgumentException parentNested = assertThrows(IllegalArgumentException.class,
                () -> bounded.put(new ArrayList<>(List.of("fine", new NotSerializable())), READY_TIMEOUT),
                "put() of a list holding a NotSerializable in the parent");
        assertTrue(parentNested.getMessage().contains(NotSerializable.class.getName()),
                "the parent's exception names the class inside the message: " + parentNested.getMessage());
        assertTrue(queue.isEmpty() && bounded.isEmpty(), "nothing of the parent's refused messages arrived");
        queue.put("the parent's, still working");
        bounded.put("the parent's, still working", READY_TIMEOUT);
        ChildProcess child = child(() -> {
            try {
                queue.put(new NotSerializable());
                reports.put("a NotSerializable was put");
            } catch (IllegalArgumentException e) {
                reports.put(e.getMessage());
            }
            try {
                queue.put(new ArrayList<>(List.of("fine", new NotSerializable())));
                reports.put("a list holding a NotSerializable was put");
            } catch (IllegalArgumentException e) {
                reports.put(e.getMessage());
            }
            try {
                bounded.put(new NotSerializable(), Targets.MAX_WAIT);
                reports.put("a NotSerializable was put on the bounded queue");
            } catch (IllegalArgumentException e) {
                reports.put(e.getMessage());
            }
            queue.put("still working");
            bounded.put("still working", Targets.MAX_WAIT);
        });
        String direct = next(reports);
        assertTrue(direct.contains(NotSerializable.class.getName()),
                "the sender's exception names the class: " + direct);
        String nested = next(reports);
        assertTrue(nested.contains(NotSerializable.class.getName()),
                "the sender's exception names the class inside the message: " + nested);
        String onBounded = next(reports);
        assertTrue(onBounded.contains(NotSerializable.class.getName()),
                "the sender's exception names the class, on the bounded queue: " + onBounded);
        assertEquals(0, exitCodeAfterJoin(child));
        assertEquals("the parent's, still working", next(queue));
        assertEquals("still working", next(queue), "nothing of the refused messages arrived, and the queue works");
        assertEquals("the parent's, still working", next(bounded));
        assertEquals("still working", next(bounded), "the same on the bounded queue");
        assertTrue(queue.isEmpty() && bounded.isEmpty());
    }

    /**
     * SPEC M2, a message over the limit: a {@code byte[]} of 64 MiB + 1 put by the parent, then by
     * a child. Observed: each put fails in its sender with an {@link IllegalArgumentException}
     * that gives the limit (its bytes and "64 MiB"); the queue stays empty of it; the child's
     * next put, of exactly 64 MiB serialized, arrives whole, then another one.
     */
    @Test
    void m2_aMessageLargerThan64MiBIsRefusedInTheSenderParentOrChildWithTheLimitAndOneOfExactly64MiBTravels()
            throws Exception {
        Queue<Object> queue = new Queue<>();
        Queue<Object> reports = new Queue<>();
        int exactPayload = LIMIT - serializedSize(new byte[0]);
        IllegalArgumentException parent = assertThrows(IllegalArgumentException.class,
                () -> queue.put(new byte[LIMIT + 1]), "put() of 64 MiB + 1 bytes in the parent");
        assertTrue(parent.getMessage().contains(Integer.toString(LIMIT)) && parent.getMessage().contains("64 MiB"),
                "the parent's exception gives the limit, " + LIMIT + " bytes (64 MiB): " + parent.getMessage());
        assertTrue(queue.isEmpty(), "nothing of the parent's refused message arrived");
        ChildProcess child = child(() -> {
            try {
                queue.put(new byte[LIMIT + 1]);
                reports.put("64 MiB + 1 bytes were put");
            } catch (IllegalArgumentException e) {
                reports.put(e.getMessage());
            }
            byte[] exact = new byte[exactPayload]; // 64 MiB once serialized
            exact[0] = 1;
            exact[exactPayload - 1] = 2;
            queue.put(exact);
            queue.put("after");
        });
        String tooLarge = next(reports);
        assertTrue(tooLarge.contains(Integer.toString(LIMIT)) && tooLarge.contains("64 MiB"),
                "the sender's exception gives the limit, " + LIMIT + " bytes (64 MiB): " + tooLarge);
        byte[] exact = next(queue);
        assertEquals(exactPayload, exact.length, "a message of exactly 64 MiB, serialized, is not refused");
        assertArrayEquals(new byte[] {1, 2}, new byte[] {exact[0], exact[exactPayload - 1]});
        assertEquals("after", next(queue));
        assertEquals(0, exitCodeAfterJoin(child));
    }

    @Test
    void queue_closeClosesTheQueueForEveryProcess() throws Exception {
        Queue<String> queue = new Queue<>();
        Queue<Object> reports = new Queue<>();
        queue.put("a");
        queue.put("b");
        queue.close();
        queue.close(); // twice is fine
        ChildProcess child = child(() -> {
            List<String> seen = new ArrayList<>();
            try {
                queue.put("c");
                seen.add("put succeeded");
            } catch (IllegalStateException e) {
                seen.add("put: " + e.getMessage());
            }
            seen.add(queue.get(Targets.MAX_WAIT));
            seen.add(queue.get());
            long start = System.nanoTime();
            try {
                seen.add("get(30 s) returned " + queue.get(Targets.MAX_WAIT));
            } catch (IllegalStateException e) {
                seen.add("get(30 s) after " + (millisSince(start) < 5000 ? "less than 5 s" : millisSince(start) + " ms")
                        + ": " + e.getMessage());
            }
            try {
                seen.add("get() returned " + queue.get());
            } catch (IllegalStateException e) {
                seen.add("get: " + e.getMessage());
            }
            reports.put(new ArrayList<>(seen));
        });
        List<String> seen = next(reports);
        assertEquals(5, seen.size(), seen::toString);
        assertTrue(seen.get(0).startsWith("put: ") && seen.get(0).contains("closed"), "put() in the child: " + seen);
        assertEquals(List.of("a", "b"), seen.subList(1, 3), "the child took what was left");
        assertTrue(seen.get(3).startsWith("get(30 s) after less than 5 s: ") && seen.get(3).contains("closed"),
                "get(30 s) on the closed, empty queue fails at once: " + seen);
        assertTrue(seen.get(4).startsWith("get: ") && seen.get(4).contains("closed"),
                "get() on the closed, empty queue fails instead of waiting: " + seen);
        IllegalStateException put = assertThrows(IllegalStateException.class, () -> queue.put("d"));
        assertTrue(put.getMessage().contains("closed"), put.getMessage());
        assertThrows(IllegalStateException.class, () -> queue.get(SHORT), "get(300 ms) in the parent");
        assertEquals(0, exitCodeAfterJoin(child));
    }

    @Test
    void queue_aChildsPutReturnsOnceBufferedAndOneThatFailedShowsUpAtItsNextCallOnTheQueue() throws Exception {
        Queue<String> queue = new Queue<>();
        Queue<Object> reports = new Queue<>();
        Event closedByParent = new Event();
        ChildProcess child = child(() -> {
            queue.put("before");
            reports.put("put before");
            assertTrue(closedByParent.await(Targets.MAX_WAIT), "the parent closed the queue");
            List<String> seen = new ArrayList<>();
            // where the child's handle does not know that the queue was closed elsewhere, the put
            // is sent without waiting, and its failure answers the child's next call on the
            // queue; where it sees the queue's state (a queue in shared memory), the put fails
            try {
                queue.put("after");
                seen.add("put returned");
            } catch (IllegalStateException e) {
                seen.add("put: " + e.getMessage());
                reports.put(seen);
                return;
            }
            try {
                seen.add("next call returned " + queue.qsize());
            } catch (IllegalStateException e) {
                seen.add("next call: " + e.getMessage());
            }
            seen.add("then qsize " + queue.qsize());
            reports.put(seen);
        });
        assertEquals("put before", next(reports));
        assertEquals("before", next(queue), "a put that returned was delivered");
        queue.close();
        closedByParent.set();
        List<String> seen = next(reports);
        assertTrue(seen.equals(List.of("put returned", "next call: the queue is closed", "then qsize 0"))
                || seen.equals(List.of("put: the queue is closed")), "a put after close() fails, at once or at the"
                        + " next call: " + seen);
        assertEquals(0, exitCodeAfterJoin(child));
    }

    @Test
    void m1_putsOfOneChildArriveOnceAndInTheOrderTheyWereMade() throws Exception {
        Queue<Integer> queue = new Queue<>();
        int count = 5_000;
        ChildProcess child = child(() -> {
            for (int i = 0; i < count; i++) {
                queue.put(i);
            }
        });
        for (int i = 0; i < count; i++) {
            Object message;
            try {
                message = queue.get(READY_TIMEOUT);
            } catch (QueueEmptyException e) {
                message = fail("message " + i + " of " + count + " did not arrive within " + READY_TIMEOUT
                        + "; the child " + (child.isAlive() ? "runs" : "ended with " + child.exitCode()));
            }
            assertEquals(i, (Integer) message, "message " + i);
        }
        assertEquals(0, exitCodeAfterJoin(child));
        assertTrue(queue.isEmpty(), "no message arrived twice");
    }

    /**
     * SPEC M1 with four producers, four consumers and a kill. Four child producers put the values
     * {@code p * 250 + i}, {@code i} from 0 to 249, in that order, on one queue of 16; four child
     * consumers take values and report each one, tagged with the consumer's number, before they
     * take the next. A report is a put on a bounded queue, which returns only once the parent's
     * queue holds it: so a consumer holds at most one value that the parent has not seen (its get
     * was answered but it was killed before it reported, or it was killed while its report was on
     * its way). The consumer that made the latest report is killed once a third of the values were
     * reported; once the producers have ended, the three others get an end marker each, and the
     * parent drains what is left.
     *
     * <p>Observed: no value is reported twice; each consumer got each producer's values in
     * increasing order; all 1000 values were reported or left in the queue, except at most one,
     * the value the killed consumer may have held; nothing is left.
     */
    @Test
    void m1_fourProducersAndFourConsumersDuplicateNothingKeepEachProducersOrderAndLoseOnlyWhatAKilledConsumerHeld()
            throws Exception {
        int producers = 4;
        int consumers = 4;
        int perProducer = 250;
        int total = producers * perProducer;
        Queue<Integer> work = new Queue<>(16);
        // bounded but never full: a put on it returns once the parent's queue holds the report
        Queue<int[]> reports = new Queue<>(total + consumers);
        // held by each consumer while it runs: the killed one's is released once its channel is done
        List<Lock> running = new ArrayList<>();
        List<ChildProcess> consuming = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            int consumer = c;
            running.add(new Lock());
            consuming.add(child(() -> {
                if (!running.get(consumer).acquire(Targets.MAX_WAIT)) {
                    throw new IllegalStateException("consumer " + consumer + "'s lock was not free");
                }
                for (int value = work.get(Targets.MAX_WAIT); value >= 0; value = work.get(Targets.MAX_WAIT)) {
                    reports.put(new int[] {consumer, value}, Targets.MAX_WAIT);
                }
            }));
        }
        List<ChildProcess> producing = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int first = p * perProducer;
            producing.add(child(() -> {
                for (int value = first; value < first + perProducer; value++) {
                    work.put(value, Targets.MAX_WAIT);
                }
            }));
        }
        // what each consumer reported, in the order it reported; the last list is what the parent drained
        List<List<Integer>> received = new ArrayList<>();
        for (int c = 0; c <= consumers; c++) {
            received.add(new ArrayList<>());
        }
        int killed = -1;
        for (int count = 0; count < total / 3; count++) {
            int[] report = next(reports);
            received.get(report[0]).add(report[1]);
            killed = report[0];
        }
        consuming.get(killed).kill();
        assertEquals(-9, exitCodeAfterJoin(consuming.get(killed)), "the killed consumer");
        assertTrue(running.get(killed).acquire(READY_TIMEOUT),
                "the killed consumer's lock is released: the parent is done with its channel (SPEC M4)");
        for (ChildProcess producer : producing) {
            assertEquals(0, exitCodeAfterJoin(producer), "a producer");
        }
        for (int c = 0; c < consumers - 1; c++) {
            work.put(-1, READY_TIMEOUT); // one end marker per live consumer
        }
        for (int c = 0; c < consumers; c++) {
            if (c != killed) {
                assertEquals(0, exitCodeAfterJoin(consuming.get(c)), "consumer " + c);
            }
        }
        for (int[] report = poll(reports); report != null; report = poll(reports)) {
            received.get(report[0]).add(report[1]);
        }
        for (Integer left = poll(work); left != null; left = poll(work)) {
            received.get(consumers).add(left);
        }
        assertTrue(work.isEmpty() && reports.isEmpty());

        Set<Integer> seen = new HashSet<>();
        List<Integer> duplicates = new ArrayList<>();
        for (int c = 0; c <= consumers; c++) {
            List<Integer> mine = received.get(c);
            for (int p = 0; p < producers; p++) {
                int producer = p;
                List<Integer> fromProducer = mine.stream().filter(value -> value / perProducer == producer)
                        .collect(Collectors.toList());
                assertEquals(fromProducer.stream().sorted().collect(Collectors.toList()), fromProducer,
                        (c == consumers ? "the parent" : "consumer " + c) + " got producer " + p
                                + "'s values in the order they were put");
            }
            mine.stream().filter(value -> !seen.add(value)).forEach(duplicates::add);
        }
        assertEquals(List.of(), duplicates, "values received twice");
        List<Integer> missing = IntStream.range(0, total).filter(value -> !seen.contains(value)).boxed()
                .collect(Collectors.toList());
        assertTrue(missing.size() <= 1, "every value is received, except at most the one that consumer " + killed
                + " may have held when it was killed; missing: " + missing);
        assertEquals(total - missing.size(), seen.size(), "only values that were put were received");
    }

    /**
     * SPEC M3, a queue without a bound: a child puts 64 messages of 1 MiB on an unbounded queue
     * that nobody reads. Its puts return once a message is on its way (Python's feeder thread),
     * but not without limit: once some megabytes are on their way or held for the queue, the
     * next put waits until a consumer takes messages, instead of growing the heap of the parent
     * (which holds the queue) by all the child puts. A watchdog thread of the child writes a file
     * once a put has waited a second.
     *
     * <p>Observed: the child says its put waits before it has put 32 of the messages, and the
     * queue then holds at most 32; once the parent takes messages, all 64 arrive, whole and in
     * order, and the child ends normally.
     */
    @Test
    void m3_aChildsPutsOnAnUnboundedQueueThatNobodyReadsWaitInsteadOfFillingTheHeap() throws Exception {
        Queue<byte[]> queue = new Queue<>();
        int count = 64;
        int size = 1024 * 1024;
        int atMost = 32;
        String waiting = file("waiting");
        String done = file("done");
        ChildProcess child = child(() -> WaitWatchdog.callWatched(count, waiting, done,
                i -> queue.put(WholeMessages.of(i, size))));
        assertTrue(Poll.until(() -> Files.exists(Path.of(waiting)) || Files.exists(Path.of(done)), READY_TIMEOUT),
                "the child neither finished its puts nor said that one waits within " + READY_TIMEOUT);
        int held = queue.qsize();
        assertFalse(Files.exists(Path.of(done)), "the child put all " + count + " MiB while nobody read: "
                + "the queue holds " + held + " messages of 1 MiB");
        int waitingAt = Integer.parseInt(read(waiting));
        assertTrue(waitingAt < atMost, "the child's put of message " + waitingAt + " waits: it waits no later than "
                + "for message " + atMost);
        assertTrue(held <= atMost, "the queue holds " + held + " messages of 1 MiB while nobody read");
        for (int i = 0; i < count; i++) {
            WholeMessages.assertWhole(next(queue), i, size);
        }
        assertEquals(0, exitCodeAfterJoin(child));
        assertTrue(queue.isEmpty());
    }

    /**
     * SPEC M4, a queue: a child puts messages of about 1 MiB, each a pattern of its own number
     * that makes any torn, mixed or shortened copy show, on an unbounded queue, as fast as it can,
     * and is killed (SIGKILL) after the parent has taken a random number of them (1 to 4), while
     * it still puts. The child holds a {@link Lock} while it puts: once the lock is free again
     * the parent is done with everything the child wrote.
     *
     * <p>Observed: every message the parent then takes is whole, and the messages are those of
     * the child's first puts, in order, with none missing between; the queue then carries a put of
     * another child and of the parent.
     */
    @Test
    void m4_aChildKilledWhilePuttingLargeMessagesLeavesNoTornMessageAndTheQueueKeepsWorking() throws Exception {
        Queue<Object> queue = new Queue<>();
        Lock putting = new Lock();
        int size = 1024 * 1024;
        long seed = System.nanoTime();
        int before = 1 + new Random(seed).nextInt(4);
        ChildProcess producer = child(() -> {
            if (!putting.acquire(Targets.MAX_WAIT)) {
                throw new IllegalStateException("the lock was not free");
            }
            // bounded, and far more than are put before the kill
            for (int i = 0; i < 2000; i++) {
                queue.put(WholeMessages.of(i, size + i % 4096));
            }
            Targets.sleep(Targets.MAX_WAIT.toMillis());
        });
        String context = " (random seed " + seed + ": killed after " + before + " messages were taken)";
        int taken = 0;
        for (; taken < before; taken++) {
            WholeMessages.assertWhole(next(queue), taken, size + taken % 4096);
        }
        producer.kill();
        assertEquals(-9, exitCodeAfterJoin(producer), context);
        assertTrue(putting.acquire(READY_TIMEOUT), "the lock the killed child held is released" + context);
        for (Object left = poll(queue); left != null; left = poll(queue)) {
            WholeMessages.assertWhole((byte[]) left, taken, size + taken % 4096);
            taken++;
        }
        assertTrue(taken < 2000, "the child was killed while it was still putting" + context);
        ChildProcess next = child(() -> queue.put("from another child"));
        assertEquals("from another child", next(queue), "the queue carries another child's put" + context);
        assertEquals(0, exitCodeAfterJoin(next));
        queue.put("from the parent");
        assertEquals("from the parent", next(queue));
        assertTrue(queue.isEmpty());
    }

    // ---------------------------------------------------------------- waiting with deadlines

    /** In the test: the next message of a {@link SimpleQueue}, which has no timed get. */
    private static <T> T take(SimpleQueue<T> queue) throws InterruptedException {
        assertTrue(Poll.until(() -> !queue.isEmpty(), READY_TIMEOUT), "nothing arrived within " + READY_TIMEOUT);
        return queue.get();
    }

    /** In the test: the next message if one is there now, else null (none of the tests' messages is null). */
    @SuppressWarnings("unchecked")
    private static <T> T poll(Queue<?> queue) {
        try {
            return (T) queue.getNowait();
        } catch (QueueEmptyException e) {
            return null;
        }
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static int serializedSize(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.size();
    }
}
