package io.github.multiprocessing4j.internal.remote;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.HexFormat;

/**
 * A JVM for {@link ParentConnectorTest}: connects to a parent's TLS control channel as a child on
 * another host does, writes bytes ({@code i % 251} each) until everything between it and the
 * parent, which does not read yet, is full (the relay's buffer, the TLS socket's and the Unix
 * channel's), closes its connection as the child runtime does at its end, prints how many bytes
 * it wrote, and exits at once. So the relay still holds bytes when the JVM exits.
 *
 * <p>Arguments: the parent's address and its certificate pin (hex).
 */
final class RelayedWriterProcess {

    /** How long no byte may be taken before everything between the two sides counts as full. */
    private static final long FULL_AFTER_MILLIS = 500;

    private RelayedWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        ParentConnector.Connection connection = ParentConnector.connect(args[0], HexFormat.of().parseHex(args[1]));
        SocketChannel channel = connection.channel();
        channel.configureBlocking(false);
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long written = 0;
        long lastProgress = System.nanoTime();
        while (System.nanoTime() - lastProgress < FULL_AFTER_MILLIS * 1_000_000) {
            buffer.clear();
            for (int i = 0; i < buffer.capacity(); i++) {
                buffer.put(i, (byte) ((written + i) % 251));
            }
            int n = channel.write(buffer);
            if (n > 0) {
                written += n;
                lastProgress = System.nanoTime();
                // the rest of this buffer's bytes are rewritten from the new count on the next turn
            } else {
                Thread.sleep(10);
            }
        }
        channel.configureBlocking(true);
        boolean flushed = connection.closeAndFlush(0);
        System.out.println("wrote " + written);
        System.out.flush();
        if (!flushed) {
            // the parent reads once it has this line: the relay can finish now
            flushed = connection.closeAndFlush(30_000);
        }
        Runtime.getRuntime().halt(flushed ? 0 : 3);
    }
}
