package io.github.multiprocessing4j.internal.channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes the frames of one control channel, in the order they are sent.
 *
 * <h2>Who writes</h2>
 * Once the channel is in non-blocking mode (after the handshake: {@link FrameReader}), the
 * caller's own thread writes its frame when nothing is queued before it and nobody else is
 * writing: one system call, no thread hand-off. What does not fit in the socket's buffer, and
 * every frame that finds others queued or being written, goes to the channel's writer thread,
 * which waits for room with a {@link Selector}. So frames keep their order and a caller never
 * waits for a slow peer (but for {@link #post}'s bound).
 *
 * <h2>Interrupts</h2>
 * An NIO channel is closed when a thread blocked in one of its blocking operations is
 * interrupted, and user threads get interrupted (Python's {@code KeyboardInterrupt}, an
 * executor's {@code shutdownNow}, a call thread cancelled with {@code cancel(true)}). A
 * non-blocking write never blocks and is not interruptible: an interrupted caller's frame is
 * written all the same, its interrupt status is left as it was, and the channel stays open.
 * In blocking mode (before the handshake has switched the channel) callers never write: every
 * frame goes through the writer thread, which nobody interrupts.
 */
public final class ChannelWriter {

    /** How many bytes of posted frames may wait to be written before {@link #post} waits. */
    static final long MAX_POSTED_BYTES = 8L * 1024 * 1024;
    /** Frames written by one gathering write, at most. */
    private static final int BATCH = 64;
    /** How often a writer waiting for room checks that the channel is still open. */
    private static final long ROOM_CHECK_MILLIS = 100;

    private final SocketChannel channel;
    private final Object lock = new Object();
    /** Frames not yet written, in order; the head may be partly written. Guarded by {@link #lock}. */
    private final ArrayDeque<Pending> backlog = new ArrayDeque<>();
    /** Whether a thread (a caller or the writer thread) is writing now. Guarded by {@link #lock}. */
    private boolean writing;
    /** Bytes of posted frames in {@link #backlog}. Guarded by {@link #lock}. */
    private long postedBytes;
    private volatile boolean failed;
    private volatile boolean closed;

    /** A frame to write; {@code written} is null for a posted frame, which nobody waits for. */
    private record Pending(ByteBuffer frame, CompletableFuture<Void> written) {
    }

    ChannelWriter(SocketChannel channel, String threadName) {
        this.channel = channel;
        Thread writer = new Thread(this::run, threadName);
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Sends a frame; returns once it is written or queued, without waiting for the peer.
     *
     * @throws IOException if the channel has already failed or closed
     */
    public void send(byte type, byte[] payload) throws IOException {
        submit(new Pending(Frames.frame(type, payload), new CompletableFuture<>()));
    }

    /**
     * Sends a frame nobody waits for; returns at once unless {@link #MAX_POSTED_BYTES} of
     * posted frames wait to be written already (a peer that does not read), then waits for
     * room: a producer never fills the heap (SPEC M3).
     *
     * @throws IOException if the channel has failed or closed
     * @throws InterruptedException if interrupted while waiting for room; nothing was sent
     */
    public void post(byte type, byte[] payload) throws IOException, InterruptedException {
        ByteBuffer frame = Frames.frame(type, payload);
        synchronized (lock) {
            while (postedBytes > 0 && postedBytes + frame.remaining() > MAX_POSTED_BYTES) {
                checkOpen();
                lock.wait(ROOM_CHECK_MILLIS);
            }
        }
        submit(new Pending(frame, null));
    }

    /**
     * Sends a frame and waits, not interruptibly and at most {@code timeoutMillis}, until it
     * has been written.
     *
     * @throws IOException if it could not be written in time
     */
    public void sendAndWait(byte type, byte[] payload, long timeoutMillis) throws IOException {
        CompletableFuture<Void> written = new CompletableFuture<>();
        submit(new Pending(Frames.frame(type, payload), written));
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

    /** Ends the writer thread once the frames already sent are written; later sends fail. */
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }

    private void checkOpen() throws IOException {
        if (closed || failed || !channel.isOpen()) {
            throw new IOException("the control channel is closed");
        }
    }

    /** Writes the frame on this thread if it may (class comment), else queues it for the writer thread. */
    private void submit(Pending pending) throws IOException {
        synchronized (lock) {
            checkOpen();
            if (writing || !backlog.isEmpty() || channel.isBlocking()) {
                queue(pending);
                return;
            }
            writing = true;
        }
        IOException failure = null;
        try {
            channel.write(pending.frame());
        } catch (IOException e) {
            failure = e;
        }
        synchronized (lock) {
            writing = false;
            if (failure == null && pending.frame().hasRemaining()) {
                // the socket's buffer is full: the writer thread writes the rest, first
                backlog.addFirst(pending);
                count(pending, 1);
                lock.notifyAll();
                return;
            }
            if (!backlog.isEmpty() || closed) {
                // frames queued meanwhile, or a close waiting for this write: the writer thread's
                // turn (an idle writer thread is not woken for nothing: that would cost every frame)
                lock.notifyAll();
            }
        }
        if (failure != null) {
            fail(failure);
            throw failure;
        }
        finished(pending, null);
    }

    private void queue(Pending pending) {
        backlog.addLast(pending);
        count(pending, 1);
        lock.notifyAll();
    }

    /** Counts a posted frame into or out of {@link #postedBytes}; the caller holds {@link #lock}. */
    private void count(Pending pending, int sign) {
        if (pending.written() == null) {
            postedBytes += sign * (long) pending.frame().capacity();
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(BATCH);
        ByteBuffer[] buffers = new ByteBuffer[BATCH];
        Selector selector = null;
        try {
            while (true) {
                synchronized (lock) {
                    while ((writing || backlog.isEmpty()) && !(closed && backlog.isEmpty() && !writing) && !failed) {
                        lock.wait();
                    }
                    if (failed || backlog.isEmpty()) {
                        return;
                    }
                    writing = true;
                    for (Pending pending : backlog) {
                        if (batch.size() == BATCH) {
                            break;
                        }
                        batch.add(pending);
                    }
                }
                int count = batch.size();
                for (int i = 0; i < count; i++) {
                    buffers[i] = batch.get(i).frame();
                }
                try {
                    // what piled up meanwhile goes out in as few system calls as the socket allows
                    while (buffers[count - 1].hasRemaining()) {
                        channel.write(buffers, 0, count);
                        if (buffers[count - 1].hasRemaining() && !channel.isBlocking()) {
                            selector = awaitRoom(selector);
                        }
                    }
                } catch (IOException e) {
                    fail(e);
                    return;
                } finally {
                    // a channel registered with a selector is only really closed once that
                    // selector lets go of it: none is kept between waits
                    closeQuietly(selector);
                    selector = null;
                    synchronized (lock) {
                        writing = false;
                        // what fail() has not cleared: the written frames at the backlog's head are done
                        for (int i = 0; i < count && !failed && !buffers[i].hasRemaining(); i++) {
                            count(backlog.pollFirst(), -1);
                        }
                        lock.notifyAll();
                    }
                }
                for (Pending pending : batch) {
                    if (!pending.frame().hasRemaining()) {
                        finished(pending, null);
                    }
                }
                batch.clear();
                Arrays.fill(buffers, null);
            }
        } catch (InterruptedException e) {
            // shut down with the JVM
        } finally {
            closeQuietly(selector);
        }
    }

    /** Waits until the socket takes more, checking now and then that the channel is open. */
    private Selector awaitRoom(Selector selector) throws IOException {
        Selector waiting = selector;
        if (waiting == null) {
            waiting = Selector.open();
            channel.register(waiting, SelectionKey.OP_WRITE);
        }
        waiting.select(ROOM_CHECK_MILLIS);
        waiting.selectedKeys().clear();
        if (Thread.currentThread().isInterrupted()) {
            throw new ClosedByInterruptException();
        }
        if (!channel.isOpen()) {
            throw new ClosedChannelException();
        }
        return waiting;
    }

    /** The channel broke: it is closed, and every frame not written fails. */
    private void fail(IOException failure) {
        List<Pending> lost;
        synchronized (lock) {
            failed = true;
            lost = new ArrayList<>(backlog);
            backlog.clear();
            postedBytes = 0;
            lock.notifyAll();
        }
        ControlServer.closeQuietly(channel);
        lost.forEach(pending -> finished(pending, failure));
    }

    private static void finished(Pending pending, IOException failure) {
        if (pending.written() == null) {
            return;
        }
        if (failure == null) {
            pending.written().complete(null);
        } else {
            pending.written().completeExceptionally(failure);
        }
    }

    private static void closeQuietly(Selector selector) {
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
