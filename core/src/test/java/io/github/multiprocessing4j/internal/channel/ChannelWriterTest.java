package io.github.multiprocessing4j.internal.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.internal.BackgroundCall;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ChannelWriter: frames go out in the order they are sent, posted or not, batched or not; a
 * peer that does not read makes posting wait at the bound instead of filling the heap (SPEC M3);
 * an interrupted caller writes its frame without closing the channel. FrameReader: a wait ends
 * when the channel is closed or the reader is interrupted.
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
        // as after the handshake: callers write their own frames when they can (FrameReader)
        writerEnd.configureBlocking(false);
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
        // the reader keeps up meanwhile: a socket holds far fewer small writes than their bytes
        BackgroundCall<List<Frames.Frame>> reader = calls.start("reader", () -> {
            List<Frames.Frame> frames = new ArrayList<>();
            for (int i = 0; i <= count; i++) {
                frames.add(Frames.read(readerEnd, 64));
            }
            return frames;
        });
        for (int i = 0; i < count; i++) {
            byte[] payload = ByteBuffer.allocate(4).putInt(i).array();
            if (i % 3 == 0) {
                writer.send(Frames.CALL, payload);
            } else {
                writer.post(Frames.CALL, payload);
            }
        }
        writer.sendAndWait(Frames.END, new byte[] {1}, 20_000);
        List<Frames.Frame> frames = reader.value();
        for (int i = 0; i < count; i++) {
            Frames.Frame frame = frames.get(i);
            assertEquals(Frames.CALL, frame.type());
            assertEquals(i, ByteBuffer.wrap(frame.payload()).getInt(), "frame " + i);
        }
        Frames.Frame last = frames.get(count);
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
    void anInterruptedCallerStillWritesItsFrameAndTheChannelStaysOpen() throws Exception {
        Thread.currentThread().interrupt();
        try {
            writer.send(Frames.CALL, new byte[] {7});
            writer.post(Frames.CALL, new byte[] {8});
            assertTrue(Thread.currentThread().isInterrupted(), "the caller's interrupt status is left as it was");
        } finally {
            Thread.interrupted();
        }
        assertTrue(writerEnd.isOpen(), "an interrupt does not close the channel");
        assertArrayEquals(new byte[] {7}, Frames.read(readerEnd, 64).payload());
        assertArrayEquals(new byte[] {8}, Frames.read(readerEnd, 64).payload());
        writer.sendAndWait(Frames.END, new byte[] {9}, 20_000);
        assertArrayEquals(new byte[] {9}, Frames.read(readerEnd, 64).payload());
    }

    @Test
    void aReaderReturnsFramesReadInBulkOneByOneAndAFrameLargerThanItsBufferWhole() throws Exception {
        byte[] large = new byte[3 * FrameReader.BUFFER_BYTES + 17];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31);
        }
        writer.sendAndWait(Frames.CALL, new byte[] {1}, 20_000);
        writer.sendAndWait(Frames.CALL, new byte[] {2, 3}, 20_000);
        BackgroundCall<Void> sender = calls.start("sender", () -> {
            writer.sendAndWait(Frames.RESULT, large, 20_000);
            writer.sendAndWait(Frames.END, new byte[0], 20_000);
            writerEnd.close();
            return null;
        });
        try (FrameReader reader = new FrameReader(readerEnd, large.length + 1)) {
            assertArrayEquals(new byte[] {1}, reader.next().payload());
            assertArrayEquals(new byte[] {2, 3}, reader.next().payload());
            Frames.Frame frame = reader.next();
            assertEquals(Frames.RESULT, frame.type());
            assertArrayEquals(large, frame.payload());
            assertEquals(Frames.END, reader.next().type());
            sender.value();
            assertNull(reader.next(), "a clean end of stream after the last frame");
        }
    }

    @Test
    void aReaderWaitingOnAChannelThatIsClosedEndsWithClosedChannelException() throws Exception {
        FrameReader reader = new FrameReader(readerEnd, 64);
        try (reader) {
            // a thread waiting in a selector is RUNNABLE: whether it waits already or not, it must end
            BackgroundCall<Frames.Frame> waiting = calls.start("reader", reader::next);
            readerEnd.close();
            reader.wakeup();
            waiting.failure(ClosedChannelException.class);
        }
    }

    @Test
    void aReaderThatIsInterruptedClosesItsChannelAsABlockingReadWould() throws Exception {
        FrameReader reader = new FrameReader(readerEnd, 64);
        try (reader) {
            BackgroundCall<Frames.Frame> waiting = calls.start("reader", reader::next);
            waiting.interrupt();
            waiting.failure(ClosedByInterruptException.class);
            assertFalse(readerEnd.isOpen());
        }
    }

    @Test
    void afterCloseNothingMoreIsQueued() {
        writer.close();
        assertThrows(IOException.class, () -> writer.post(Frames.CALL, new byte[1]));
        assertThrows(IOException.class, () -> writer.send(Frames.CALL, new byte[1]));
    }
}
