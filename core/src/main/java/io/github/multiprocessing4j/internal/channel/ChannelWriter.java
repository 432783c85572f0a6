package io.github.multiprocessing4j.internal.channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes the frames of one control channel on a thread of its own. An NIO channel is closed
 * when a thread blocked in it is interrupted: writing on the callers' threads (user threads
 * that get interrupted, call threads cancelled with {@code cancel(true)}) could take the whole
 * channel down. Frames are written in the order they are sent.
 */
public final class ChannelWriter {

    private final SocketChannel channel;
    /** How many bytes of posted frames may wait to be written before {@link #post} waits. */
    static final long MAX_POSTED_BYTES = 8L * 1024 * 1024;
    /** Frames written by one gathering write, at most. */
    private static final int BATCH = 64;

    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Object postedLock = new Object();
    private long postedBytes;
    private volatile boolean failed;
    private volatile boolean closed;
    /** Queued by {@link #close()}: the writer thread ends once the frames before it are written. */
    private static final Pending STOP = new Pending(null, null);

    /**
     * A frame to write; {@code written} is null for a posted frame, which nobody waits for.
     * Never compared with {@code equals} (see {@link #indexOfStop}).
     */
    private record Pending(ByteBuffer frame, CompletableFuture<Void> written) {
    }

    ChannelWriter(SocketChannel channel, String threadName) {
        this.channel = channel;
        Thread writer = new Thread(this::run, threadName);
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Queues a frame; returns at once.
     *
     * @throws IOException if the channel has already failed
     */
    public void send(byte type, byte[] payload) throws IOException {
        enqueue(type, payload);
    }

    /**
     * Queues a frame nobody waits for; returns at once unless {@link #MAX_POSTED_BYTES} of
     * posted frames wait to be written already (a peer that does not read), then waits for
     * room: a producer never fills the heap (SPEC M3).
     *
     * @throws IOException if the channel has failed or closed
     * @throws InterruptedException if interrupted while waiting for room; nothing was queued
     */
    public void post(byte type, byte[] payload) throws IOException, InterruptedException {
        ByteBuffer frame = Frames.frame(type, payload);
        synchronized (postedLock) {
            while (postedBytes > 0 && postedBytes + frame.remaining() > MAX_POSTED_BYTES) {
                if (closed || failed || !channel.isOpen()) {
                    throw new IOException("the control channel is closed");
                }
                postedLock.wait(100);
            }
            postedBytes += frame.remaining();
        }
        if (closed || failed || !channel.isOpen()) {
            written(frame.capacity());
            throw new IOException("the control channel is closed");
        }
        queue.add(new Pending(frame, null));
    }

    private void written(long bytes) {
        synchronized (postedLock) {
            postedBytes -= bytes;
            postedLock.notifyAll();
        }
    }

    /**
     * Queues a frame and waits, not interruptibly and at most {@code timeoutMillis}, until it
     * has been written.
     *
     * @throws IOException if it could not be written in time
     */
    public void sendAndWait(byte type, byte[] payload, long timeoutMillis) throws IOException {
        CompletableFuture<Void> written = enqueue(type, payload);
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try {
            while (true) {
                try {
                    written.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IOException("the frame could not be written", e.getCause());
                } catch (TimeoutException e) {
                    throw new IOException("the frame was not written within " + timeoutMillis + " ms", e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private CompletableFuture<Void> enqueue(byte type, byte[] payload) throws IOException {
        if (closed || failed || !channel.isOpen()) {
            throw new IOException("the control channel is closed");
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        queue.add(new Pending(Frames.frame(type, payload), written));
        return written;
    }

    /** Ends the writer thread after the frames already queued; later sends fail. */
    public void close() {
        closed = true;
        queue.add(STOP);
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(BATCH);
        ByteBuffer[] buffers = new ByteBuffer[BATCH];
        try {
            while (true) {
                batch.add(queue.take());
                // what piled up meanwhile goes out in the same system call
                queue.drainTo(batch, BATCH - 1);
                int stopAt = indexOfStop(batch);
                boolean stop = stopAt >= 0;
                if (stop) {
                    // frames queued after close() raced with it: they are not written
                    IOException closing = new IOException("the control channel is closed");
                    batch.subList(stopAt + 1, batch.size()).forEach(late -> finished(late, closing));
                    batch.subList(stopAt, batch.size()).clear();
                }
                int count = batch.size();
                for (int i = 0; i < count; i++) {
                    buffers[i] = batch.get(i).frame();
                }
                try {
                    while (count > 0 && buffers[count - 1].hasRemaining()) {
                        channel.write(buffers, 0, count);
                    }
                    for (Pending pending : batch) {
                        finished(pending, null);
                    }
                } catch (IOException e) {
                    failed = true;
                    ControlServer.closeQuietly(channel);
                    batch.forEach(pending -> finished(pending, e));
                    queue.forEach(pending -> finished(pending, e));
                    return;
                } finally {
                    batch.clear();
                    Arrays.fill(buffers, null);
                }
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // shut down with the JVM
        }
    }

    /**
     * Where {@link #STOP} is in the batch, or -1: compared by identity. {@code List.indexOf}
     * would call the record's {@code equals}, whose first call bootstraps
     * {@code java.lang.runtime.ObjectMethods} and spins method handles: tens of milliseconds of
     * a cold JVM, paid on the writer's first batch, which in a child is its end report.
     */
    private static int indexOfStop(List<Pending> batch) {
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i) == STOP) {
                return i;
            }
        }
        return -1;
    }

    private void finished(Pending pending, IOException failure) {
        if (pending == STOP) {
            return;
        }
        if (pending.written() == null) {
            written(pending.frame().capacity());
        } else if (failure == null) {
            pending.written().complete(null);
        } else {
            pending.written().completeExceptionally(failure);
        }
    }
}
