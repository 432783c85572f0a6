package io.github.multiprocessing4j.benchmarks;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Connection;
import io.github.multiprocessing4j.Held;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.Pipe;
import io.github.multiprocessing4j.ProcessContext;
import io.github.multiprocessing4j.SharedMemory;
import io.github.multiprocessing4j.Value;
import java.io.EOFException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Shared state on {@code local}, each next to its CPython counterpart in {@code mp_baseline.py}:
 * a locked increment of a {@code Value} done in a child, and 1 MiB blocks written by a child
 * into a {@code SharedMemory} and read by the parent.
 */
final class SharedStateFigures {

    /** Increments a child makes before it measures: enough for the JIT to have compiled the loop. */
    static final int VALUE_WARMUP = 200_000;
    /** Increments per sample. */
    static final int VALUE_BATCH = 200_000;
    /** 1 MiB blocks passed before the shared-memory figure measures anything. */
    static final int SHM_WARMUP = 128;
    /** 1 MiB blocks per sample of the shared-memory figure. */
    static final int SHM_BATCH = 256;
    /** Where the blocks' payload starts in the shared memory: after the two sequence words. */
    static final int SHM_PAYLOAD_AT = 64;
    /** The sequence numbers, as the CPython script reads them: little-endian, as x86 stores them. */
    private static final VarHandle SEQUENCE = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Settings settings;
    private final Results results;
    private final LiveProcesses live;
    private final ProcessContext local = Multiprocessing.context("local");

    SharedStateFigures(Settings settings, Results results, LiveProcesses live) {
        this.settings = settings;
        this.results = results;
        this.live = live;
    }

    /**
     * A child increments a {@code Value('i')} under its lock, as Python's
     * {@code with v.get_lock(): v.value += 1} does: {@link #VALUE_WARMUP} increments, then
     * {@code messageBatches} samples of {@link #VALUE_BATCH}, in nanoseconds per increment, sent
     * to the parent on a pipe. The parent checks the count.
     */
    void valueIncrement() throws Exception {
        Value counter = Value.of('i', 0);
        Pipe report = Pipe.open(false);
        Connection reportIn = report.left();
        Connection reportOut = report.right();
        int batches = settings.messageBatches();
        ChildProcess child = local.builder(() -> increment(counter, reportOut, batches)).daemon(true).build();
        boolean ended = false;
        try {
            live.add(child).start();
            double[] nanos = receive(reportIn, batches, "the incrementing child");
            live.awaitChild(child, 0);
            ended = true;
            int expected = VALUE_WARMUP + batches * VALUE_BATCH;
            if (counter.getInt() != expected) {
                throw new IllegalStateException("the counter is " + counter.getInt() + ", not " + expected);
            }
            results.record("value_increment_ns", "local: child, with v.getLock().hold(): v.set(v.getInt() + 1)"
                    + " (per increment)", Results.Unit.NS, Samples.of(nanos));
        } finally {
            reportIn.close();
            reportOut.close();
            stop(child, ended);
        }
    }

    @SuppressWarnings("try")
    static void increment(Value counter, Connection report, int batches) {
        for (int i = 0; i < VALUE_WARMUP; i++) {
            try (Held held = counter.getLock().hold()) {
                counter.set(counter.getInt() + 1);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        double[] nanos = new double[batches];
        for (int b = 0; b < batches; b++) {
            long start = System.nanoTime();
            for (int i = 0; i < VALUE_BATCH; i++) {
                try (Held held = counter.getLock().hold()) {
                    counter.set(counter.getInt() + 1);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            nanos[b] = (double) (System.nanoTime() - start) / VALUE_BATCH;
        }
        report.send(nanos);
    }

    /**
     * A child writes 1 MiB blocks into a {@code SharedMemory}, the parent reads each one out
     * (a {@code byte[]} copy both ways) and checks it. Each block is handed over with two
     * sequence words in the same memory: the child publishes block n, the parent acknowledges
     * it; both spin. After {@link #SHM_WARMUP} blocks, each run of {@link #SHM_BATCH} blocks is
     * one sample: MiB per second read by the parent.
     */
    void sharedMemory() throws Exception {
        int size = DataPathFigures.LARGE;
        int batches = settings.messageBatches();
        int total = SHM_WARMUP + batches * SHM_BATCH;
        SharedMemory block = SharedMemory.create(SHM_PAYLOAD_AT + size);
        String name = block.name();
        ChildProcess child = local.builder(() -> writeBlocks(name, size, total)).daemon(true).build();
        boolean ended = false;
        try {
            live.add(child).start();
            ByteBuffer buffer = block.buffer();
            byte[] message = new byte[size];
            long n = 0;
            for (int i = 0; i < SHM_WARMUP; i++) {
                readBlock(buffer, message, ++n);
            }
            double[] mibPerS = new double[batches];
            for (int b = 0; b < batches; b++) {
                long start = System.nanoTime();
                for (int i = 0; i < SHM_BATCH; i++) {
                    readBlock(buffer, message, ++n);
                }
                mibPerS[b] = SHM_BATCH * (double) size / (1 << 20) / ((System.nanoTime() - start) / 1e9);
            }
            live.awaitChild(child, 0);
            ended = true;
            results.record("shared_memory_mib_per_s", "local: SharedMemory, child writes 1 MiB, parent reads it"
                    + " (" + SHM_BATCH + " per sample)", Results.Unit.MIB_PER_S, Samples.of(mibPerS));
        } finally {
            stop(child, ended);
            block.unlink();
        }
    }

    /** The parent's side: waits for block n, copies it out, checks it, acknowledges it. */
    private void readBlock(ByteBuffer buffer, byte[] message, long n) {
        long deadline = System.nanoTime() + LocalFigures.TIMEOUT.toNanos();
        while ((long) SEQUENCE.getAcquire(buffer, 0) != n) {
            Thread.onSpinWait();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("block " + n + " did not arrive within " + LocalFigures.TIMEOUT);
            }
        }
        buffer.get(SHM_PAYLOAD_AT, message);
        if (message[0] != (byte) n || message[message.length - 1] != (byte) (n * 7)) {
            throw new IllegalStateException("block " + n + " arrived damaged");
        }
        SEQUENCE.setRelease(buffer, 8, n);
    }

    /** The child's side: writes each block once the previous one was acknowledged. */
    static void writeBlocks(String name, int size, int total) {
        SharedMemory block = SharedMemory.attach(name);
        ByteBuffer buffer = block.buffer();
        byte[] message = new byte[size];
        for (int i = 0; i < size; i++) {
            message[i] = (byte) (i * 31);
        }
        long deadline = System.nanoTime() + LocalFigures.TIMEOUT.toNanos();
        for (long n = 1; n <= total; n++) {
            while ((long) SEQUENCE.getAcquire(buffer, 8) != n - 1) {
                Thread.onSpinWait();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("block " + (n - 1) + " was not read in time");
                }
            }
            message[0] = (byte) n;
            message[size - 1] = (byte) (n * 7);
            buffer.put(SHM_PAYLOAD_AT, message);
            SEQUENCE.setRelease(buffer, 0, n);
        }
        block.close();
    }

    private static double[] receive(Connection reportIn, int batches, String who) throws Exception {
        if (!reportIn.poll(LocalFigures.TIMEOUT)) {
            throw new IllegalStateException("no samples from " + who + " within " + LocalFigures.TIMEOUT.toSeconds() + " s");
        }
        double[] samples;
        try {
            samples = reportIn.recv();
        } catch (EOFException e) {
            throw new IllegalStateException(who + " ended without sending its samples", e);
        }
        if (samples == null || samples.length != batches) {
            throw new IllegalStateException(who + " sent " + Arrays.toString(samples));
        }
        return samples;
    }

    private void stop(ChildProcess child, boolean ended) throws InterruptedException {
        try {
            if (!ended && child.isAlive()) {
                child.kill();
                if (!child.join(LocalFigures.TIMEOUT)) {
                    return; // left to LiveProcesses
                }
            }
        } catch (IllegalStateException e) {
            // never started: nothing to kill
        }
        live.ended(child);
        child.close();
    }
}
