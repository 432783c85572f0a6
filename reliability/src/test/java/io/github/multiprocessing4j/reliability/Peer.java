package io.github.multiprocessing4j.reliability;

import io.github.multiprocessing4j.tck.OsProcesses;
import io.github.multiprocessing4j.tck.Poll;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A peer of the control channel from outside, as an attacker on this host sees it: the socket
 * and a child's id are on the child's command line
 * ({@code ...ChildRuntime <socket> <child id>}); frames are a 4-byte big-endian length N, a type
 * byte and N-1 bytes (HELLO 1, CHALLENGE 2, RESPONSE 3, TASK 4, END 5, CALL 6, REPLY 7,
 * RESULT 8, CANCEL 9, GONE 10).
 */
public final class Peer implements AutoCloseable {

    public static final byte HELLO = 1;
    public static final byte CHALLENGE = 2;
    public static final byte RESPONSE = 3;
    private static final String CHILD_RUNTIME = "io.github.multiprocessing4j.internal.process.ChildRuntime";

    private final SocketChannel channel;
    private final CompletableFuture<List<byte[]>> received = new CompletableFuture<>();
    private final List<byte[]> frames = new ArrayList<>();

    /** Where a child's channel is. */
    public record Endpoint(Path socket, String childId) {
    }

    private Peer(SocketChannel channel) {
        this.channel = channel;
        Thread reader = new Thread(this::read, "reliability-peer-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * The endpoint on a child's command line.
     *
     * @param pid the child's pid
     * @return the endpoint
     */
    public static Endpoint endpointOf(long pid) throws InterruptedException {
        List<Endpoint> found = new ArrayList<>();
        Poll.until(() -> {
            List<String> line = OsProcesses.commandLine(pid).orElse(List.of());
            int at = line.indexOf(CHILD_RUNTIME);
            if (at >= 0 && line.size() >= at + 3) {
                found.add(new Endpoint(Path.of(line.get(at + 1)), line.get(at + 2)));
                return true;
            }
            return false;
        }, Children.DEADLINE);
        if (found.isEmpty()) {
            throw new AssertionError("no control channel on the command line of pid " + pid);
        }
        return found.get(0);
    }

    /**
     * Connects, and starts reading what the parent sends until it drops the connection.
     *
     * @param socket the parent's socket
     * @return the peer
     */
    public static Peer connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return new Peer(channel);
    }

    /** A frame: length, type, payload. */
    public static byte[] frame(byte type, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).putInt(payload.length + 1).put(type).put(payload).array();
    }

    /** Sends bytes; false if the parent has already dropped the connection. */
    public boolean send(byte[] bytes) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Half-closes: the parent reads end of stream. */
    public void endOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            // already dropped
        }
    }

    /**
     * The next frame the parent sent, waiting at most {@code timeout}.
     *
     * @return the type byte followed by the payload, or null
     */
    public byte[] nextFrame(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (frames) {
            while (frames.isEmpty() && !received.isDone() && System.nanoTime() < deadline) {
                frames.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
            return frames.isEmpty() ? null : frames.remove(0);
        }
    }

    /**
     * Waits until the parent drops the connection.
     *
     * @param timeout how long at most
     * @return every frame the parent sent (type byte first), or null if it did not drop it in time
     */
    public List<byte[]> awaitDropped(Duration timeout) throws InterruptedException {
        try {
            return received.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private void read() {
        List<byte[]> all = new ArrayList<>();
        try {
            while (true) {
                ByteBuffer header = ByteBuffer.allocate(4);
                if (!readFully(header)) {
                    break;
                }
                int length = header.flip().getInt();
                if (length < 1 || length > 1 << 20) {
                    break;
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                if (!readFully(body)) {
                    break;
                }
                all.add(body.array());
                synchronized (frames) {
                    frames.add(body.array());
                    frames.notifyAll();
                }
            }
        } catch (IOException e) {
            // reset by the parent, or closed here
        }
        synchronized (frames) {
            received.complete(all);
            frames.notifyAll();
        }
    }

    private boolean readFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
