package io.github.multiprocessing4j.internal.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.Pipe;
import io.github.multiprocessing4j.Queue;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CB10 (found by the 2-hour soak as a heap that grew by about 0.8 KiB a cycle): a process that
 * creates queues and pipes and drops them kept an entry per queue and per pipe ring in
 * {@link QueueRings} and {@link PipeEnds}, since those maps were rid of collected entries only
 * when another process's queue or pipe was first used here.
 */
class WeakValuesTest {

    private static final int OBJECTS = 300;

    @Test
    void anEntryGoesOnceItsValueIsCollectedAndAReachableOneStays() throws InterruptedException {
        WeakValues<String, Object> values = new WeakValues<>();
        Object kept = new Object();
        values.put("kept", kept);
        for (int i = 0; i < OBJECTS; i++) {
            values.put("dropped-" + i, new Object());
        }
        awaitAtMost(1, values);
        assertTrue(values.get("kept") == kept, "a value still reachable stays");
        assertNull(values.get("dropped-0"));
        assertEquals(1, values.size());
    }

    @Test
    void aProcessThatCreatesAndDropsQueuesAndPipesKeepsNoEntryForThem() throws Exception {
        int queuesBefore = QueueRings.QUEUES.size();
        int ringsBefore = PipeEnds.MAPPED.size();
        int routesBefore = PipeEnds.ROUTES.size();
        List<Object> keptOnTheWay = new ArrayList<>();
        for (int i = 0; i < OBJECTS; i++) {
            Queue<Integer> queue = new Queue<>();
            queue.put(i);
            assertEquals(i, queue.get());
            Pipe pipe = Pipe.open(true);
            pipe.left().send("x" + i);
            assertEquals("x" + i, pipe.right().recv());
            if (i == 0) {
                keptOnTheWay.add(queue);
                keptOnTheWay.add(pipe);
            }
            queue.close();
            pipe.left().close();
            pipe.right().close();
        }
        // without the fix: 300 more queue entries, and 600 more ring and route entries, for ever
        awaitAtMost(queuesBefore + 1, QueueRings.QUEUES);
        awaitAtMost(ringsBefore + 2, PipeEnds.MAPPED);
        awaitAtMost(routesBefore + 2, PipeEnds.ROUTES);
        assertEquals(2, keptOnTheWay.size());
        Reference.reachabilityFence(keptOnTheWay);
    }

    /** Collects garbage and polls, with a deadline, until the map has at most {@code bound} entries. */
    private static void awaitAtMost(int bound, WeakValues<?, ?> values) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int now;
        while ((now = entries(values)) > bound) {
            assertTrue(System.nanoTime() < deadline, "still " + now + " entries, expected at most " + bound);
            System.gc();
            Thread.sleep(20);
        }
    }

    private static int entries(WeakValues<?, ?> values) {
        values.expunge();
        return values.size();
    }
}
