package io.github.multiprocessing4j.internal.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Copies bytes both ways between a TLS socket and a Unix-domain socket channel, so that the
 * control channel's framing, selectors and handshake run unchanged over TLS. Each direction has
 * its own thread; the first side to end closes both, which a peer sees as the channel's end.
 *
 * <p>The relay's threads are daemons: a JVM that exits does not wait for them. A side that
 * closes its Unix end after its last frame waits with {@link #awaitOutbound} until those bytes
 * are on the TLS socket, or its exit may cut them off.
 *
 * <p>The Unix side is read and written through {@link SocketChannel#read} and
 * {@link SocketChannel#write}, not {@code Channels.newInputStream}: on JDK 17 those streams
 * share the channel's blocking lock, so a blocked read would stall every write.
 */
final class Relay {

    private static final int BUFFER = 64 * 1024;

    private final Socket tls;
    private final SocketChannel unix;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Counted down once the Unix-to-TLS direction has ended: what it read is written, or cannot be. */
    private final CountDownLatch outboundDone = new CountDownLatch(1);

    private Relay(Socket tls, SocketChannel unix) {
        this.tls = tls;
        this.unix = unix;
    }

    /**
     * Starts copying in both directions on two daemon threads.
     *
     * @param tls the authenticated TLS socket (handshake done or pending)
     * @param unix a connected, blocking Unix-domain channel
     * @param name the threads' name
     * @return the relay
     */
    static Relay start(Socket tls, SocketChannel unix, String name) {
        Relay relay = new Relay(tls, unix);
        thread(relay::tlsToUnix, name + "-in").start();
        thread(relay::unixToTls, name + "-out").start();
        return relay;
    }

    /**
     * Waits until the Unix-to-TLS direction has ended: after the other end of the Unix channel
     * was closed, every byte written to it before is then written and flushed to the TLS socket
     * (the kernel sends it even if this JVM exits next), unless the connection broke.
     *
     * @param timeoutMillis how long to wait at most
     * @return whether it ended in time
     * @throws InterruptedException if interrupted while waiting
     */
    boolean awaitOutbound(long timeoutMillis) throws InterruptedException {
        return outboundDone.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private static Thread thread(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    private void tlsToUnix() {
        byte[] bytes = new byte[BUFFER];
        try {
            InputStream in = tls.getInputStream();
            int n;
            while ((n = in.read(bytes)) >= 0) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, n);
                while (buffer.hasRemaining()) {
                    unix.write(buffer);
                }
            }
        } catch (IOException e) {
            // the peer is gone or the other direction closed both: the channel ends either way
        } finally {
            close();
        }
    }

    private void unixToTls() {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        try {
            OutputStream out = tls.getOutputStream();
            while (unix.read(buffer) >= 0) {
                buffer.flip();
                out.write(buffer.array(), 0, buffer.limit());
                out.flush();
                buffer.clear();
            }
        } catch (IOException e) {
            // as above
        } finally {
            // written and flushed before the close, whose close_notify a peer may not wait for
            outboundDone.countDown();
            close();
        }
    }

    private void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                tls.close();
            } catch (IOException e) {
                // nothing left to do with it
            }
            try {
                unix.close();
            } catch (IOException e) {
                // nothing left to do with it
            }
        }
    }
}
