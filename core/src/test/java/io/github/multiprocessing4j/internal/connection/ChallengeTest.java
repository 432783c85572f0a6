package io.github.multiprocessing4j.internal.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.AuthenticationException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CPython's challenge in both dialects, Java against Java, and against a peer written here byte by
 * byte. The known answers were computed with CPython's {@code hmac} module.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChallengeTest {

    private static final byte[] KEY = "secret key".getBytes(StandardCharsets.US_ASCII);
    private static final long TEN_SECONDS = 10_000_000_000L;

    @TempDir
    Path tmp;

    private static byte[] range(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    private static byte[] concat(String prefix, byte[] rest) {
        byte[] head = prefix.getBytes(StandardCharsets.US_ASCII);
        byte[] both = Arrays.copyOf(head, head.length + rest.length);
        System.arraycopy(rest, 0, both, head.length, rest.length);
        return both;
    }

    @Test
    void theAnswersAreCPythonsHmacs() throws Exception {
        // python3 -c "import hmac; print(hmac.new(b'secret key', b'{sha256}' + bytes(range(40)), 'sha256').hexdigest())"
        byte[] modern = concat("{sha256}", range(40));
        assertArrayEquals(concat("{sha256}",
                HexFormat.of().parseHex("de660527caa52c2d8313422ff6496f5aa46b4ddfca5f20b8da5748f901d3dd5b")),
                Challenge.response("peer", KEY, modern));
        // a legacy challenge: 20 bytes, answered with the bare HMAC-MD5
        assertArrayEquals(HexFormat.of().parseHex("4a02c707870ff5a776b673d15ef53ada"),
                Challenge.response("peer", KEY, range(20)));
        // a challenge that names another digest is answered with it
        byte[] sha3 = concat("{sha3_256}", range(40));
        assertArrayEquals(concat("{sha3_256}",
                HexFormat.of().parseHex("6990901d236ea56107ff9afdef1c41ac688674c4765c42582cf17bff62b0e618")),
                Challenge.response("peer", KEY, sha3));
    }

    @Test
    void aLegacyAnswerToAModernChallengeIsAcceptedAsCPython312AcceptsIt() throws Exception {
        byte[] message = concat("{sha256}", range(40));
        // what CPython 3.11 sends back: HMAC-MD5 of the whole message, prefix included, without a prefix
        Challenge.verify("peer", KEY, message, Challenge.hmac("md5", KEY, message));
        Challenge.verify("peer", KEY, message, Challenge.response("peer", KEY, message));
        AuthenticationException wrong = assertThrows(AuthenticationException.class,
                () -> Challenge.verify("the peer", KEY, message, Challenge.hmac("md5", "other".getBytes(), message)));
        assertEquals("wrong authkey: the answer of the peer to our challenge does not match (legacy HMAC-MD5)",
                wrong.getMessage());
        assertThrows(AuthenticationException.class,
                () -> Challenge.verify("peer", KEY, message, concat("{sha1}", new byte[20])));
        assertThrows(AuthenticationException.class,
                () -> Challenge.verify("peer", KEY, message, new byte[31]));
    }

    private static CompletableFuture<Void> async(ThrowingRunnable body) {
        return CompletableFuture.runAsync(() -> {
            try {
                body.run();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @ParameterizedTest(name = "unix={0}")
    @ValueSource(booleans = {false, true})
    void bothSidesPassWithTheSameKeyAndTalkAfterwards(boolean unix) throws Exception {
        try (SocketPairs.Pair pair = SocketPairs.pair(unix, tmp)) {
            CompletableFuture<Void> client = async(() -> Challenge.asClient(pair.connecting(), KEY, TEN_SECONDS));
            Challenge.asListener(pair.listening(), KEY, TEN_SECONDS);
            client.get(10, TimeUnit.SECONDS);
            pair.connecting().send(new byte[] {1, 2}, 0, 2);
            assertArrayEquals(new byte[] {1, 2}, pair.listening().receive(100, TEN_SECONDS));
        }
    }

    @Test
    void aWrongKeyIsRefusedOnBothSides() throws Exception {
        try (SocketPairs.Pair pair = SocketPairs.pair(false, tmp)) {
            CompletableFuture<Void> client = async(
                    () -> Challenge.asClient(pair.connecting(), "wrong".getBytes(), TEN_SECONDS));
            AuthenticationException listener = assertThrows(AuthenticationException.class,
                    () -> Challenge.asListener(pair.listening(), KEY, TEN_SECONDS));
            assertEquals("wrong authkey: the answer of the client to our challenge does not match (HMAC-sha256)",
                    listener.getMessage());
            ExecutionException e = assertThrows(ExecutionException.class, () -> client.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof AuthenticationException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getMessage().endsWith("refused our answer to its challenge (#FAILURE#):"
                    + " the authkeys differ"), e.getCause().getMessage());
        }
    }

    @Test
    void aListenerThatAnswersWronglyIsRefusedByTheClient() throws Exception {
        // the listener knows the key for its own challenge but answers the client's with another
        try (SocketPairs.Pair pair = SocketPairs.pair(false, tmp)) {
            CompletableFuture<Void> listener = async(() -> {
                Challenge.deliver(pair.listening(), KEY, Challenge.Dialect.SHA256, TEN_SECONDS, System.nanoTime());
                Challenge.answer(pair.listening(), "wrong".getBytes(), TEN_SECONDS, System.nanoTime());
            });
            AuthenticationException client = assertThrows(AuthenticationException.class,
                    () -> Challenge.asClient(pair.connecting(), KEY, TEN_SECONDS));
            assertTrue(client.getMessage().startsWith("wrong authkey"), client.getMessage());
            ExecutionException e = assertThrows(ExecutionException.class, () -> listener.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof AuthenticationException, String.valueOf(e.getCause()));
        }
    }

    @Test
    void aLegacyListenerIsAnsweredWithABareHmacMd5() throws Exception {
        // CPython 3.11's listener, written out: #CHALLENGE# and 20 random bytes, a 16-byte answer expected
        try (SocketPairs.Raw pair = SocketPairs.raw(false, tmp)) {
            CompletableFuture<Void> client = async(() -> Challenge.answer(pair.socket(), KEY, TEN_SECONDS,
                    System.nanoTime()));
            byte[] challenge = concat("#CHALLENGE#", range(20));
            pair.raw().write(ByteBuffer.allocate(4 + challenge.length).putInt(challenge.length).put(challenge).flip());
            ByteBuffer answer = ByteBuffer.allocate(4 + 16);
            while (answer.hasRemaining()) {
                pair.raw().read(answer);
            }
            assertEquals(16, answer.getInt(0));
            assertArrayEquals(HexFormat.of().parseHex("4a02c707870ff5a776b673d15ef53ada"),
                    Arrays.copyOfRange(answer.array(), 4, 20));
            byte[] welcome = "#WELCOME#".getBytes(StandardCharsets.US_ASCII);
            pair.raw().write(ByteBuffer.allocate(4 + welcome.length).putInt(welcome.length).put(welcome).flip());
            client.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLegacyChallengeIsPassedByAJavaClient() throws Exception {
        try (SocketPairs.Pair pair = SocketPairs.pair(true, tmp)) {
            CompletableFuture<Void> client = async(() -> Challenge.answer(pair.connecting(), KEY, TEN_SECONDS,
                    System.nanoTime()));
            Challenge.deliver(pair.listening(), KEY, Challenge.Dialect.LEGACY_MD5, TEN_SECONDS, System.nanoTime());
            client.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPeerThatIsNotAListenerOrSilentFailsTheChallengeClearly() throws Exception {
        try (SocketPairs.Raw pair = SocketPairs.raw(false, tmp)) {
            byte[] hello = "HTTP/1.1 200 OK".getBytes(StandardCharsets.US_ASCII);
            pair.raw().write(ByteBuffer.allocate(4 + hello.length).putInt(hello.length).put(hello).flip());
            AuthenticationException e = assertThrows(AuthenticationException.class,
                    () -> Challenge.asClient(pair.socket(), KEY, TEN_SECONDS));
            assertTrue(e.getMessage().startsWith("protocol error: expected a challenge from the raw peer"),
                    e.getMessage());
        }
        try (SocketPairs.Raw pair = SocketPairs.raw(false, tmp)) {
            pair.raw().write(ByteBuffer.wrap("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)));
            AuthenticationException e = assertThrows(AuthenticationException.class,
                    () -> Challenge.asListener(pair.socket(), KEY, TEN_SECONDS));
            assertTrue(e.getMessage().contains("bad message length"), e.getMessage());
        }
        try (SocketPairs.Raw pair = SocketPairs.raw(true, tmp)) {
            long start = System.nanoTime();
            AuthenticationException e = assertThrows(AuthenticationException.class,
                    () -> Challenge.asListener(pair.socket(), KEY, 200_000_000L));
            assertEquals("the raw peer did not send an answer to our challenge within 200 ms of the connection",
                    e.getMessage());
            assertTrue(System.nanoTime() - start < 5_000_000_000L);
        }
        try (SocketPairs.Raw pair = SocketPairs.raw(true, tmp)) {
            pair.raw().close();
            AuthenticationException e = assertThrows(AuthenticationException.class,
                    () -> Challenge.asClient(pair.socket(), KEY, TEN_SECONDS));
            assertEquals("waiting for a challenge: the raw peer closed the connection", e.getMessage());
        }
    }
}
