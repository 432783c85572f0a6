package io.github.multiprocessing4j.internal.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.multiprocessing4j.internal.BackgroundCall;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ChannelWriter: frames go out in the order they are sent, posted or not, batched or not; a
 * peer that does not read makes posting wait at the bound instead of filling the heap (SPEC M3).
 */
@Timeout(value = BackgroundCall.TEST_SECONDS, unit = TimeUnit.SECONDS)
class ChannelWriterTest {

    @RegisterExtension
    final BackgroundCall.Tracker calls = new BackgroundCall.Tracker();

    @TempDir
    Path directory;

    private Path socket;
    private SocketChannel writerEnd;
    private SocketChannel readerEnd;
    private ChannelWriter writer;

    @BeforeEach
    void connect() throws IOException {
        socket = directory.resolve("writer.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            writerEnd = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            readerEnd = server.accept();
        }
        writer = new ChannelWriter(writerEnd, "test-writer");
    }

    @AfterEach
    void close() throws IOException {
        writer.close();
        writerEnd.close();
        readerEnd.close();
        Files.deleteIfExists(socket);
    }

    @Test
    void postedAndSentFramesArriveInTheOrderTheyWereGiven() throws Exception {
        int count = 10_000;
        for (int i = 0; i < count; i++) {
            byte[] payload = ByteBuffer.allocate(4).putInt(i).array();
            if (i % 3 == 0) {
                writer.send(Frames.CALL, payload);
            } else {
                writer.post(Frames.CALL, payload);
            }
        }
        writer.sendAndWait(Frames.END, new byte[] {1}, 20_000);
        for (int i = 0; i < count; i++) {
            Frames.Frame frame = Frames.read(readerEnd, 64);
            assertEquals(Frames.CALL, frame.type());
            assertEquals(i, ByteBuffer.wrap(frame.payload()).getInt(), "frame " + i);
        }
        Frames.Frame last = Frames.read(readerEnd, 64);
        assertEquals(Frames.END, last.type());
        assertArrayEquals(new byte[] {1}, last.payload());
    }

    @Test
    void postingWaitsAtTheBoundWhileThePeerDoesNotReadAndGoesOnOnceItDoes() throws Exception {
        byte[] mebibyte = new byte[1024 * 1024];
        BackgroundCall<Integer> producer = calls.start("producer", () -> {
            int posted = 0;
            // far more than the bound and the socket's buffers together
            while (posted < 64) {
                writer.post(Frames.RESULT, mebibyte);
                posted++;
            }
            return posted;
        });
        producer.assertBlocked();
        int read = 0;
        while (read < 64 && !producer.isDone()) {
            assertEquals(Frames.RESULT, Frames.read(readerEnd, 2 * mebibyte.length).type());
            read++;
        }
        assertEquals(64, producer.value());
        while (read < 64) {
            assertEquals(Frames.RESULT, Frames.read(readerEnd, 2 * mebibyte.length).type());
            read++;
        }
    }

    @Test
    void afterCloseNothingMoreIsQueued() {
        writer.close();
        assertThrows(IOException.class, () -> writer.post(Frames.CALL, new byte[1]));
        assertThrows(IOException.class, () -> writer.send(Frames.CALL, new byte[1]));
    }
}
