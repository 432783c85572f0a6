package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.Array;
import io.github.multiprocessing4j.Barrier;
import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Event;
import io.github.multiprocessing4j.Held;
import io.github.multiprocessing4j.RLock;
import io.github.multiprocessing4j.Value;
import io.github.multiprocessing4j.tck.scenarios.SharedStateScenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Python's {@code multiprocessing.Value} and {@code Array} (SPEC M5): a write is seen by every
 * process once the writer released the lock, or, without a lock, once the write returned;
 * {@code getLock()} is the same lock in every process. Beyond Python (M4): a process killed
 * while it holds the lock releases it. Parent and children are sequenced with events, never
 * with sleeps.
 */
@ExtendWith(NoLeakedProcesses.class)
public abstract class ValueArraySuite extends TckSuite {

    /** For subclasses. */
    protected ValueArraySuite() {
    }

    /**
     * Four children increment one counter under its lock, {@code read, add, write}: the total is
     * exact. Each also fills its part of an array, element by element and in bulk, and the parent
     * reads every element.
     */
    @Test
    @SuppressWarnings("try")
    void m5_fourChildrenIncrementAValueUnderItsLockAndFillAnArray() throws Exception {
        int children = 4;
        int increments = 1_000;
        int part = 8;
        Value counter = Value.of('i', 0);
        Array squares = Array.of('d', children * part);
        Array owners = Array.of('q', children);
        Barrier start = new Barrier(children);
        List<ChildProcess> started = new ArrayList<>();
        for (int c = 0; c < children; c++) {
            int index = c;
            started.add(started(CheckedTarget.unchecked(() -> {
                start.await(Targets.MAX_WAIT);
                for (int i = 0; i < increments; i++) {
                    try (Held held = counter.getLock().hold()) {
                        counter.set(counter.getInt() + 1);
                    }
                }
                double[] values = new double[part];
                for (int i = 0; i < part; i++) {
                    int n = index * part + i;
                    values[i] = (double) n * n;
                }
                squares.set(index * part, values);
                owners.set(index, 1000L + index);
            })));
        }
        // 4 000 increments under one lock: 16 000 calls in a row where the value cannot be mapped
        long deadline = System.nanoTime() + SERIAL_WORK_JOIN_TIMEOUT.toNanos();
        for (ChildProcess child : started) {
            assertEquals(0, exitCodeAfterJoin(child, Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
        }
        assertEquals(children * increments, counter.getInt(), "every increment under the lock counted");
        double[] expected = new double[children * part];
        for (int n = 0; n < expected.length; n++) {
            expected[n] = (double) n * n;
        }
        assertArrayEquals(expected, squares.toDoubleArray());
        assertArrayEquals(new long[] {1000, 1001, 1002, 1003}, owners.toLongArray());
        assertEquals(49.0, squares.getDouble(7));
    }

    /**
     * A child takes a value's lock and writes under it: the parent's {@code acquire} with a zero
     * timeout fails while the child holds it (the same lock in both processes), and once the
     * child released it the parent takes it and sees the write. A raw value's write is seen once
     * it returned.
     */
    @Test
    void m5_getLockIsTheSameLockInEveryProcessAndAReleasedWriteIsSeen() throws Exception {
        Value value = Value.of('d', 0.5);
        Value raw = Value.raw('q', 0);
        Event held = new Event();
        Event release = new Event();
        ChildProcess child = started(CheckedTarget.unchecked(() -> {
            RLock lock = value.getLock();
            lock.acquire();
            value.set(value.getDouble() * 3);
            raw.set(Long.MIN_VALUE);
            held.set();
            release.await(Targets.MAX_WAIT);
            lock.release();
        }));
        assertTrue(held.await(READY_TIMEOUT), "the child holds the lock");
        assertEquals(Long.MIN_VALUE, raw.getLong(), "a raw value's write is seen once it returned");
        assertFalse(value.getLock().acquire(Duration.ZERO), "the child holds the value's lock");
        assertFalse(value.getLock().isHeldByCurrentThread());
        release.set();
        assertTrue(value.getLock().acquire(READY_TIMEOUT), "the lock the child released");
        try {
            assertEquals(1.5, value.getDouble(), "the write made under the lock is seen after its release");
        } finally {
            value.getLock().release();
        }
        assertEquals(0, exitCodeAfterJoin(child));
    }

    /** SPEC M4: a child killed (SIGKILL) while it holds an array's lock releases it. */
    @Test
    void m4_aChildKilledWhileItHoldsTheLockOfAnArrayReleasesIt() throws Exception {
        Array array = Array.ofInts(new int[] {1, 2, 3});
        Event held = new Event();
        ChildProcess child = started(CheckedTarget.unchecked(() -> {
            array.getLock().acquire();
            array.getLock().acquire();
            array.set(0, 10);
            held.set();
            Targets.sleep(Targets.MAX_WAIT.toMillis()); // killed while it holds the lock, twice
        }));
        assertTrue(held.await(READY_TIMEOUT), "the child holds the lock");
        assertFalse(array.getLock().acquire(Duration.ZERO));
        child.kill();
        assertEquals(-9, exitCodeAfterJoin(child));
        assertTrue(array.getLock().acquire(READY_TIMEOUT), "the lock a killed child held is released");
        array.getLock().release();
        assertArrayEquals(new int[] {10, 2, 3}, array.toIntArray());
    }

    /**
     * Bad input gets one clear exception each: an unknown typecode, an index out of range (with
     * the index and the length), a value that does not fit the type, a float for an integer
     * type, and the lock of a raw value.
     */
    @Test
    void m5_badInputFailsClearly() {
        IllegalArgumentException typecode = assertThrows(IllegalArgumentException.class, () -> Value.of('x', 1));
        assertTrue(typecode.getMessage().contains("unknown typecode 'x'"), typecode.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Array.of('z', 3));
        Array array = Array.of('h', 3);
        IndexOutOfBoundsException index = assertThrows(IndexOutOfBoundsException.class, () -> array.set(3, 1));
        assertTrue(index.getMessage().contains("3") && index.getMessage().contains("length 3"), index.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> array.getLong(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> array.set(2, new long[] {1, 2}));
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class, () -> array.set(0, 40_000));
        assertTrue(range.getMessage().contains("does not fit typecode 'h'"), range.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Value.of('i', 1.5));
        assertThrows(IllegalArgumentException.class, () -> Array.of('d', -1));
        IllegalStateException raw = assertThrows(IllegalStateException.class, () -> Value.raw('i', 0).getLock());
        assertTrue(raw.getMessage().contains("no lock"), raw.getMessage());
        assertEquals("<Synchronized wrapper for c_int(7)>", Value.ofInt(7).toString());
        assertEquals("c_double(2.5)", Value.raw('d', 2.5).toString());
    }

    /**
     * A program that shares a value and an array with a child and ends normally leaves nothing
     * under {@code /dev/shm}.
     */
    @Test
    void m5_aProgramThatEndsLeavesNoSharedMemoryFile() {
        requires(Capability.SAME_HOST_SHARED_MEMORY);
        Scenario.ScenarioResult result = scenario(SharedStateScenario.class, "end").run();
        assertEquals(0, result.exitCode(), result.describe());
        assertEquals("7,41,2.5", result.value("seen"), "the child's writes are seen\n" + result.describe());
        assertEquals(List.of(), SharedMemoryFiles.sessionsOf(Long.parseLong(result.value("pid"))),
                "the session's directory under /dev/shm is removed when its main process ends");
    }
}
