package io.github.multiprocessing4j.internal.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A queue in a ring, each user with its own mapping and token as a process of its own would
 * have: many producers and consumers, the bound, messages larger than the ring that a feeder
 * writes while the put has returned, close and shutdown, and a message torn by a writer that died.
 */
class RingQueueTest {

    private static final long LONG = TimeUnit.SECONDS.toNanos(30);
    private SharedMemoryDirectory session;
    private MappedRing ring;

    @BeforeEach
    void createRing() throws IOException {
        session = SharedMemoryTesting.session();
        ring = session.createRing(4096);
    }

    @AfterEach
    void removeSession() {
        session.close();
    }

    /** The queue as a process of its own uses it. */
    private RingQueue user(int token, int maxSize) throws IOException {
        return new RingQueue(MappedRing.open(ring.path()), token, maxSize, () -> true);
    }

    private static byte[] message(int producer, int number) {
        return ByteBuffer.allocate(8).putInt(producer).putInt(number).array();
    }

    @Test
    void fourProducersAndFourConsumersSeeEveryMessageOnceAndEachProducersInOrder() throws Exception {
        int perProducer = 5_000;
        List<CompletableFuture<Void>> producers = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            RingQueue queue = user(2 + p, 0);
            int producer = p;
            producers.add(CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < perProducer; i++) {
                        assertTrue(queue.put(message(producer, i), -1));
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        ConcurrentLinkedQueue<int[]> taken = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> consumers = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            RingQueue queue = user(10 + c, 0);
            consumers.add(CompletableFuture.runAsync(() -> {
                try {
                    Map<Integer, Integer> last = new HashMap<>();
                    while (true) {
                        byte[] got = queue.get(TimeUnit.SECONDS.toNanos(2));
                        if (got == null) {
                            return;
                        }
                        ByteBuffer buffer = ByteBuffer.wrap(got);
                        int producer = buffer.getInt();
                        int number = buffer.getInt();
                        // one consumer sees each producer's messages in the order they were put
                        Integer before = last.put(producer, number);
                        assertTrue(before == null || before < number, "producer " + producer + ": " + before
                                + " then " + number);
                        taken.add(new int[] {producer, number});
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        CompletableFuture.allOf(producers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        CompletableFuture.allOf(consumers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        boolean[][] seen = new boolean[4][perProducer];
        for (int[] one : taken) {
            assertFalse(seen[one[0]][one[1]], "taken twice: " + one[0] + "/" + one[1]);
            seen[one[0]][one[1]] = true;
        }
        assertEquals(4 * perProducer, taken.size());
        assertEquals(0, user(30, 0).size());
    }

    @Test
    void aBoundedQueueRefusesAPutAtItsBoundUntilAMessageIsTaken() throws Exception {
        RingQueue producer = user(2, 3);
        RingQueue consumer = user(3, 3);
        for (int i = 0; i < 3; i++) {
            assertTrue(producer.put(message(0, i), 0));
        }
        assertEquals(3, consumer.size());
        assertFalse(producer.put(message(0, 3), 0));
        assertFalse(producer.put(message(0, 3), TimeUnit.MILLISECONDS.toNanos(50)));
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return producer.put(message(0, 3), LONG);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertArrayEquals(message(0, 0), consumer.get(LONG));
        assertTrue(waiting.get(30, TimeUnit.SECONDS));
        for (int i = 1; i <= 3; i++) {
            assertArrayEquals(message(0, i), consumer.get(LONG));
        }
        assertNull(consumer.get(0));
        assertEquals(0, consumer.size());
    }

    @Test
    void aMessageLargerThanTheRingIsBufferedSoThatItsPutReturnsBeforeAnyoneReads() throws Exception {
        RingQueue producer = user(2, 0);
        RingQueue consumer = user(3, 0);
        byte[] large = new byte[100_000];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 7);
        }
        // the put returns at once: a feeder thread writes the fragments while the consumer reads
        assertTrue(producer.put(large, 0));
        assertTrue(producer.put(message(1, 1), 0));
        assertEquals(2, producer.size());
        assertArrayEquals(large, consumer.get(LONG));
        assertArrayEquals(message(1, 1), consumer.get(LONG));
        producer.flush();
        assertEquals(0, producer.size());
    }

    @Test
    void aClosedQueueRefusesPutsAndLetsGetsTakeWhatIsLeftThenFail() throws Exception {
        RingQueue producer = user(2, 0);
        RingQueue consumer = user(3, 0);
        assertTrue(producer.put(message(0, 0), -1));
        consumer.close();
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> producer.put(message(0, 1), -1));
        assertEquals("the queue is closed", refused.getMessage());
        assertArrayEquals(message(0, 0), consumer.get(LONG));
        IllegalStateException empty = assertThrows(IllegalStateException.class, () -> consumer.get(LONG));
        assertEquals("the queue is closed and empty", empty.getMessage());
    }

    @Test
    void aShutDownQueueDrainsThenFailsAndAnImmediateShutdownDropsWhatIsLeft() throws Exception {
        RingQueue producer = user(2, 0);
        RingQueue consumer = user(3, 0);
        assertTrue(producer.put(message(0, 0), -1));
        assertTrue(producer.put(message(0, 1), -1));
        producer.shutdown(false);
        assertThrows(RingQueue.ShutDownException.class, () -> producer.put(message(0, 2), -1));
        assertArrayEquals(message(0, 0), consumer.get(LONG));
        consumer.shutdown(true);
        assertEquals(0, consumer.size());
        RingQueue.ShutDownException dropped = assertThrows(RingQueue.ShutDownException.class, () -> consumer.get(LONG));
        assertEquals("the queue is shut down", dropped.getMessage());
    }

    @Test
    void aConsumerWaitingOnAnEmptyQueueIsWokenByItsClose() throws Exception {
        RingQueue consumer = user(3, 0);
        CompletableFuture<Throwable> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                consumer.get(-1);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        user(2, 0).close();
        Throwable failure = waiting.get(30, TimeUnit.SECONDS);
        assertEquals("the queue is closed and empty", failure.getMessage());
    }

    @Test
    void theFragmentsOfAMessageWhoseWriterDiedAreNeverSeenAndNotCounted() throws Exception {
        RingQueue consumer = user(3, 0);
        // a writer that died after the first fragment of a large message: it never counted it
        MappedRing dying = MappedRing.open(ring.path());
        RingWriter writer = dying.writer(() -> true);
        byte[] head = ByteBuffer.allocate(5).put(RingPipeEnd.FIRST).putInt(5000).array();
        assertTrue(writer.write(head, new byte[500], 0, 500, Duration.ZERO));
        RingQueue next = user(4, 0);
        assertTrue(next.put(message(4, 0), -1));
        assertEquals(1, consumer.size());
        assertArrayEquals(message(4, 0), consumer.get(LONG));
        assertNull(consumer.get(0));
        assertEquals(0, consumer.size());
    }

    @Test
    void aLockOfAProcessThatEndedIsFreedForTheOthers() throws Exception {
        RingQueue producer = user(2, 0);
        RingQueue consumer = user(3, 0);
        assertTrue(producer.put(message(0, 0), -1));
        // a consumer of token 7 that was killed while it held the readers' lock
        LockWord readers = ring.readerLock();
        assertTrue(readers.tryAcquire(LockWord.owner(7, 1)));
        assertNull(consumer.get(TimeUnit.MILLISECONDS.toNanos(20)));
        assertTrue(readers.releaseOwnersWhere(token -> token == 7));
        assertArrayEquals(message(0, 0), consumer.get(LONG));
    }

    @Test
    void aJoinReturnsOnceEveryMessagePutWasMarkedDoneInAnyProcess() throws Exception {
        RingQueue producer = user(2, 0);
        RingQueue consumer = user(3, 0);
        assertTrue(producer.join(0), "nothing put: nothing to wait for");
        assertTrue(producer.put(message(0, 0), -1));
        assertTrue(producer.put(message(0, 1), -1));
        assertFalse(producer.join(TimeUnit.MILLISECONDS.toNanos(20)));
        CompletableFuture<Boolean> joined = CompletableFuture.supplyAsync(() -> {
            try {
                return producer.join(LONG);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        consumer.get(LONG);
        consumer.taskDone();
        consumer.get(LONG);
        assertFalse(joined.isDone(), "one message is not done yet");
        consumer.taskDone();
        assertTrue(joined.get(30, TimeUnit.SECONDS));
        IllegalStateException tooMany = assertThrows(IllegalStateException.class, consumer::taskDone);
        assertEquals("taskDone() called too many times", tooMany.getMessage());
    }

    @Test
    void anImmediateShutdownCountsTheMessagesItDropsAsDone() throws Exception {
        RingQueue producer = user(2, 0);
        for (int i = 0; i < 3; i++) {
            assertTrue(producer.put(message(0, i), -1));
        }
        user(3, 0).shutdown(true);
        assertTrue(producer.join(0), "the three dropped messages count as done");
    }
}
