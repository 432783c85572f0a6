package io.github.multiprocessing4j.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
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
final class ChannelWriter {

    private final SocketChannel channel;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private volatile boolean failed;
    private volatile boolean closed;
    /** Queued by {@link #close()}: the writer thread ends once the frames before it are written. */
    private static final Pending STOP = new Pending(null, null);

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
    void send(byte type, byte[] payload) throws IOException {
        enqueue(type, payload);
    }

    /**
     * Queues a frame and waits, not interruptibly and at most {@code timeoutMillis}, until it
     * has been written.
     *
     * @throws IOException if it could not be written in time
     */
    void sendAndWait(byte type, byte[] payload, long timeoutMillis) throws IOException {
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
    void close() {
        closed = true;
        queue.add(STOP);
    }

    private void run() {
        try {
            while (true) {
                Pending next = queue.take();
                if (next == STOP) {
                    return;
                }
                try {
                    while (next.frame().hasRemaining()) {
                        channel.write(next.frame());
                    }
                    next.written().complete(null);
                } catch (IOException e) {
                    failed = true;
                    next.written().completeExceptionally(e);
                    ControlServer.closeQuietly(channel);
                    queue.forEach(pending -> pending.written().completeExceptionally(e));
                    return;
                }
            }
        } catch (InterruptedException e) {
            // shut down with the JVM
        }
    }
}
