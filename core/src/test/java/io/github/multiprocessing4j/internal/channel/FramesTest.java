package io.github.multiprocessing4j.internal.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.internal.BackgroundCall;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames over a connected pair of Unix-domain socket channels: frames cross whole and in order,
 * a clean end between frames reads as null, an end inside a frame is an EOFException, and a
 * length that is empty or beyond the reader's limit is a ProtocolException raised before any of
 * the body is read.
 */
@Timeout(BackgroundCall.TEST_SECONDS)
class FramesTest {

    private static final int LIMIT = 1024;

    @RegisterExtension
    final BackgroundCall.Tracker calls = new BackgroundCall.Tracker();

    @TempDir
    Path directory;

    private Path socket;
    private SocketChannel writer;
    private SocketChannel reader;

    @BeforeEach
    void connect() throws IOException {
        socket = directory.resolve("frames.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            writer = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            reader = server.accept();
        }
    }

    @AfterEach
    void close() throws IOException {
        for (SocketChannel channel : new SocketChannel[] {writer, reader}) {
            if (channel != null) {
                channel.close();
            }
        }
        Files.deleteIfExists(socket);
    }

    @Test
    void aFrameIsItsLengthItsTypeThenItsPayload() {
        ByteBuffer frame = Frames.frame(Frames.CALL, new byte[] {7, 8, 9});
        assertEquals(0, frame.position(), "ready to write");
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        assertArrayEquals(new byte[] {0, 0, 0, 4, Frames.CALL, 7, 8, 9}, bytes);
    }

    @Test
    void framesCrossWholeAndInOrder() throws IOException {
        byte[] empty = {};
        byte[] small = {1, 2, 3};
        byte[] limit = new byte[LIMIT - 1];
        new Random(1).nextBytes(limit);
        Frames.write(writer, Frames.HELLO, empty);
        Frames.write(writer, Frames.CALL, small);
        Frames.write(writer, Frames.REPLY, limit);
        assertFrame(Frames.HELLO, empty, Frames.read(reader, LIMIT));
        assertFrame(Frames.CALL, small, Frames.read(reader, LIMIT));
        assertFrame(Frames.REPLY, limit, Frames.read(reader, LIMIT));
    }

    @Test
    void aFrameLargerThanTheChannelsBufferCrossesWhileItIsRead() throws IOException {
        byte[] large = new byte[1024 * 1024];
        new Random(2).nextBytes(large);
        BackgroundCall<Object> sending = calls.start("writer", () -> {
            Frames.write(writer, Frames.TASK, large);
            Frames.write(writer, Frames.END, new byte[] {1});
            return null;
        });
        assertFrame(Frames.TASK, large, Frames.read(reader, large.length + 1));
        assertFrame(Frames.END, new byte[] {1}, Frames.read(reader, LIMIT));
        sending.value();
    }

    @Test
    void aCleanEndBetweenFramesReadsAsNull() throws IOException {
        Frames.write(writer, Frames.RESULT, new byte[] {5});
        writer.shutdownOutput();
        assertFrame(Frames.RESULT, new byte[] {5}, Frames.read(reader, LIMIT));
        assertNull(Frames.read(reader, LIMIT));
    }

    @Test
    void anEndInsideTheLengthIsAnEofException() throws IOException {
        writeRaw(new byte[] {0, 0});
        writer.shutdownOutput();
        assertThrows(EOFException.class, () -> Frames.read(reader, LIMIT));
    }

    @Test
    void anEndInsideTheBodyIsAnEofException() throws IOException {
        ByteBuffer frame = Frames.frame(Frames.CALL, new byte[] {1, 2, 3, 4});
        writeRaw(Arrays.copyOf(frame.array(), frame.limit() - 2));
        writer.shutdownOutput();
        assertThrows(EOFException.class, () -> Frames.read(reader, LIMIT));
    }

    @Test
    void anEmptyFrameIsAProtocolError() throws IOException {
        writeRaw(new byte[] {0, 0, 0, 0});
        assertThrows(ProtocolException.class, () -> Frames.read(reader, LIMIT));
    }

    @Test
    void aFrameBeyondTheLimitIsRefusedByItsLengthAloneWithoutWaitingForItsBody() throws Exception {
        // the writer announces a frame one byte too large and sends nothing more, keeping the channel open
        writeRaw(ByteBuffer.allocate(4).putInt(LIMIT + 1).array());
        BackgroundCall<Frames.Frame> read = calls.start("reader", () -> Frames.read(reader, LIMIT));
        ProtocolException refused = read.failure(ProtocolException.class);
        assertTrue(refused.getMessage().contains(String.valueOf(LIMIT + 1)), refused.getMessage());
    }

    @Test
    void aLengthWithItsHighBitSetIsRefusedAndReportedUnsigned() throws Exception {
        writeRaw(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        BackgroundCall<Frames.Frame> read = calls.start("reader", () -> Frames.read(reader, LIMIT));
        ProtocolException refused = read.failure(ProtocolException.class);
        assertTrue(refused.getMessage().contains("4294967295"), refused.getMessage());
    }

    @Test
    void expectReturnsThePayloadOfTheExpectedTypeOnly() throws IOException {
        Frames.write(writer, Frames.CHALLENGE, new byte[] {4, 2});
        Frames.write(writer, Frames.TASK, new byte[] {1});
        assertArrayEquals(new byte[] {4, 2}, Frames.expect(reader, Frames.CHALLENGE, Frames.MAX_HANDSHAKE));
        assertThrows(ProtocolException.class, () -> Frames.expect(reader, Frames.RESPONSE, Frames.MAX_HANDSHAKE));
        writer.shutdownOutput();
        assertThrows(EOFException.class, () -> Frames.expect(reader, Frames.RESPONSE, Frames.MAX_HANDSHAKE));
    }

    private void writeRaw(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            writer.write(buffer);
        }
    }

    private static void assertFrame(byte type, byte[] payload, Frames.Frame frame) {
        assertEquals(type, frame.type());
        assertArrayEquals(payload, frame.payload());
    }
}
