package io.github.multiprocessing4j.internal.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CPython's framing on the byte level: what goes on the wire, and what is read from it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MessageSocketTest {

    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path tmp;

    private static void writeRaw(SocketPairs.Raw pair, byte[] bytes) throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            pair.raw().write(buffer);
        }
    }

    private static byte[] readRaw(SocketPairs.Raw pair, int size) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(size);
        while (buffer.hasRemaining()) {
            if (pair.raw().read(buffer) < 0) {
                throw new EOFException();
            }
        }
        return buffer.array();
    }

    @ParameterizedTest(name = "unix={0}")
    @ValueSource(booleans = {false, true})
    void aMessageIsAFourByteBigEndianLengthAndItsBytes(boolean unix) throws Exception {
        try (SocketPairs.Raw pair = SocketPairs.raw(unix, tmp)) {
            pair.socket().send(new byte[] {9, 1, 2, 3, 9}, 1, 3);
            assertArrayEquals(new byte[] {0, 0, 0, 3, 1, 2, 3}, readRaw(pair, 7));
            byte[] large = new byte[70_000];
            new Random(1).nextBytes(large);
            pair.socket().send(large, 0, large.length);
            assertArrayEquals(new byte[] {0, 1, 0x11, 0x70}, readRaw(pair, 4), "70 000 = 0x11170");
            assertArrayEquals(large, readRaw(pair, large.length));
            pair.socket().send(new byte[0], 0, 0);
            assertArrayEquals(new byte[] {0, 0, 0, 0}, readRaw(pair, 4));
        }
    }

    @ParameterizedTest(name = "unix={0}")
    @ValueSource(booleans = {false, true})
    void readsPlainLongAndEmptyMessagesWhateverTheWritesLookLike(boolean unix) throws Exception {
        try (SocketPairs.Raw pair = SocketPairs.raw(unix, tmp)) {
            // CPython's header for huge messages: -1, then the length in 8 bytes
            writeRaw(pair, new byte[] {0, 0, 0, 2, 'h', 'i', -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 3, 'a', 'b', 'c',
                0, 0, 0, 0});
            assertArrayEquals("hi".getBytes(), pair.socket().receive(100, SECOND));
            assertArrayEquals("abc".getBytes(), pair.socket().receive(100, SECOND));
            assertArrayEquals(new byte[0], pair.socket().receive(100, SECOND));
            byte[] large = new byte[300_000];
            new Random(2).nextBytes(large);
            byte[] framed = ByteBuffer.allocate(4 + large.length).putInt(large.length).put(large).array();
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try {
                    return pair.socket().receive(1 << 20, 10 * SECOND);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            for (int i = 0; i < 10; i++) {
                // the header split in two writes, the body in uneven ones
                writeRaw(pair, java.util.Arrays.copyOfRange(framed, i * 2, i * 2 + 2));
            }
            writeRaw(pair, java.util.Arrays.copyOfRange(framed, 20, 100_001));
            writeRaw(pair, java.util.Arrays.copyOfRange(framed, 100_001, framed.length));
            assertArrayEquals(large, received.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aPeerThatClosesInTheMiddleOfAMessageEndsTheStreamWithEof() throws Exception {
        try (SocketPairs.Raw pair = SocketPairs.raw(false, tmp)) {
            writeRaw(pair, new byte[] {0, 0, 0, 1, 'x', 0, 0, 0, 10, 'a', 'b'});
            pair.raw().close();
            assertArrayEquals(new byte[] {'x'}, pair.socket().receive(100, SECOND), "what came whole is read");
            EOFException eof = assertThrows(EOFException.class, () -> pair.socket().receive(100, SECOND));
            assertTrue(eof.getMessage().contains("in the middle of a message (2 of 10 bytes received)"),
                    eof.getMessage());
            assertTrue(pair.socket().poll(100, 0), "the end is there: a receive would not wait");
            assertThrows(EOFException.class, () -> pair.socket().receive(100, SECOND), "the end stays");
        }
    }

    @Test
    void aPeerThatClosesBetweenMessagesEndsTheStreamWithEof() throws Exception {
        try (SocketPairs.Raw pair = SocketPairs.raw(true, tmp)) {
            pair.raw().close();
            EOFException eof = assertThrows(EOFException.class, () -> pair.socket().receive(100, SECOND));
            assertEquals("the raw peer closed the connection", eof.getMessage());
        }
    }

    @Test
    void aMessageOverTheLimitIsRefusedAndEndsTheStream() throws Exception {
        try (SocketPairs.Raw pair = SocketPairs.raw(false, tmp)) {
            writeRaw(pair, new byte[] {0, 0, 1, 1, 1, 2, 3});
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> pair.socket().receive(256, SECOND));
            assertTrue(e.getMessage().contains("bad message length: the raw peer sent a message of 257 bytes,"
                    + " larger than the limit of 256 bytes"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> pair.socket().receive(1000, SECOND));
        }
        try (SocketPairs.Raw pair = SocketPairs.raw(false, tmp)) {
            writeRaw(pair, new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1});
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> pair.socket().receive(256, SECOND));
            assertTrue(e.getMessage().contains("18446744073709551615 bytes"), e.getMessage());
        }
    }

    @Test
    void aTimedOutOrInterruptedReceiveKeepsWhatArrivedAndTheSocket() throws Exception {
        try (SocketPairs.Raw pair = SocketPairs.raw(false, tmp)) {
            writeRaw(pair, new byte[] {0, 0, 0, 4, 'a'});
            assertThrows(SocketTimeoutException.class, () -> pair.socket().receive(100, 50_000_000L));
            assertFalse(pair.socket().poll(100, 0));
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                try {
                    pair.socket().receive(100, MessageSocket.FOREVER);
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            waiter.start();
            // the waiter blocks in select; an interrupt ends its wait whenever it comes
            waiter.interrupt();
            waiter.join(10_000);
            assertFalse(waiter.isAlive());
            assertTrue(failure.get() instanceof InterruptedException, String.valueOf(failure.get()));
            writeRaw(pair, new byte[] {'b', 'c', 'd', 0, 0, 0, 1, 'e'});
            assertArrayEquals("abcd".getBytes(), pair.socket().receive(100, SECOND));
            assertTrue(pair.socket().poll(100, SECOND));
            assertArrayEquals("e".getBytes(), pair.socket().receive(100, SECOND));
        }
    }

    @Test
    void closeEndsAReceiveWaitingInAnotherThread() throws Exception {
        try (SocketPairs.Raw pair = SocketPairs.raw(true, tmp)) {
            CompletableFuture<Throwable> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    pair.socket().receive(100, MessageSocket.FOREVER);
                    return null;
                } catch (Throwable e) {
                    return e;
                }
            });
            assertThrows(java.util.concurrent.TimeoutException.class, () -> waiting.get(100, TimeUnit.MILLISECONDS));
            pair.socket().close();
            Throwable failure = waiting.get(10, TimeUnit.SECONDS);
            assertTrue(failure instanceof IllegalStateException && failure.getMessage().contains("is closed"),
                    String.valueOf(failure));
            assertThrows(IllegalStateException.class, () -> pair.socket().send(new byte[1], 0, 1));
            assertEquals(-1, pair.raw().read(ByteBuffer.allocate(1)), "the peer gets end of stream");
            pair.socket().close();
        }
    }

    @Test
    void connectingWhereNothingListensNamesTheAddress() throws Exception {
        InetSocketAddress free;
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            free = (InetSocketAddress) server.getLocalAddress();
        }
        ConnectException tcp = assertThrows(ConnectException.class, () -> MessageSocket.connect(free, SECOND));
        assertTrue(tcp.getMessage().startsWith("cannot connect to 127.0.0.1:" + free.getPort()
                + ": nothing listens there"), tcp.getMessage());
        Path missing = tmp.resolve("nobody");
        ConnectException unix = assertThrows(ConnectException.class,
                () -> MessageSocket.connect(UnixDomainSocketAddress.of(missing), MessageSocket.FOREVER));
        assertTrue(unix.getMessage().startsWith("cannot connect to " + missing + ": nothing listens there"),
                unix.getMessage());
    }

    @Test
    void twoMessageSocketsTalkBothWays() throws Exception {
        try (SocketPairs.Pair pair = SocketPairs.pair(false, tmp)) {
            for (int i = 0; i < 100; i++) {
                byte[] message = new byte[i * 997];
                new Random(i).nextBytes(message);
                pair.connecting().send(message, 0, message.length);
                assertArrayEquals(message, pair.listening().receive(1 << 20, SECOND));
                pair.listening().send(message, 0, message.length);
                assertArrayEquals(message, pair.connecting().receive(1 << 20, SECOND));
            }
        }
    }
}
