package io.github.multiprocessing4j.internal.connection;

import io.github.multiprocessing4j.AuthenticationException;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CPython's mutual HMAC challenge ({@code deliver_challenge} and {@code answer_challenge} in
 * {@code connection.py}), byte for byte (SPEC M8). Each side in turn sends
 * {@code #CHALLENGE#} and a random message; the other answers with an HMAC of that message under
 * the shared key; the first answers {@code #WELCOME#} or {@code #FAILURE#}. A listener delivers its
 * challenge first and then answers the client's; a client does the reverse.
 *
 * <p>Two dialects, told apart by length as CPython does:
 * <ul>
 * <li>CPython 3.12+: the challenge is {@code {sha256}} and 40 random bytes; the answer is
 *     {@code {sha256}} and the HMAC-SHA256 of the whole challenge message, prefix included (a
 *     challenge may name {@code md5}, {@code sha256}, {@code sha384}, {@code sha3_256} or
 *     {@code sha3_384}: each is answered with it);</li>
 * <li>CPython 3.11 and older: the challenge is 20 random bytes; the answer is their bare 16-byte
 *     HMAC-MD5.</li>
 * </ul>
 * This side always delivers the 3.12 challenge; a 3.11 peer answers it with a bare HMAC-MD5 over the
 * whole message, which is accepted, as CPython 3.12 accepts it. This side answers a 20-byte
 * challenge with HMAC-MD5, and any other with the digest it names.
 */
public final class Challenge {

    /** CPython's {@code MESSAGE_LENGTH}: the random bytes of a modern challenge. */
    static final int MESSAGE_BYTES = 40;
    /** The random bytes of a legacy (3.11) challenge, and the sign of one. */
    static final int LEGACY_MESSAGE_BYTES = 20;
    /** A bare HMAC-MD5 answer: the sign of a legacy peer's answer. */
    static final int MD5_BYTES = 16;
    /** CPython reads every message of the handshake with {@code recv_bytes(256)}. */
    static final int MAX_HANDSHAKE_BYTES = 256;
    static final byte[] CHALLENGE = ascii("#CHALLENGE#");
    static final byte[] WELCOME = ascii("#WELCOME#");
    static final byte[] FAILURE = ascii("#FAILURE#");
    /** CPython's {@code _ALLOWED_DIGESTS}, with the JDK's name of each HMAC. */
    private static final Map<String, String> MACS = Map.of("md5", "HmacMD5", "sha256", "HmacSHA256",
            "sha384", "HmacSHA384", "sha3_256", "HmacSHA3-256", "sha3_384", "HmacSHA3-384");
    private static final int MAX_DIGEST_NAME = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Which challenge a side delivers. */
    public enum Dialect {
        /** CPython 3.12+: {@code {sha256}} and 40 random bytes. What this library delivers. */
        SHA256,
        /** CPython 3.11 and older: 20 random bytes, answered with HMAC-MD5. Delivered only in tests. */
        LEGACY_MD5
    }

    private Challenge() {
    }

    /**
     * The listening side: challenges the client, then answers its challenge.
     *
     * @param socket a socket just accepted
     * @param authkey the shared key
     * @param timeoutNanos how long the whole handshake may take, or {@link MessageSocket#FOREVER}
     * @throws AuthenticationException if the keys differ, the client does not speak the protocol,
     *     closes the connection or does not answer in time; the socket is left open (the caller
     *     closes it)
     * @throws InterruptedException if interrupted while waiting for the client
     */
    public static void asListener(MessageSocket socket, byte[] authkey, long timeoutNanos)
            throws AuthenticationException, InterruptedException {
        long start = System.nanoTime();
        deliver(socket, authkey, Dialect.SHA256, timeoutNanos, start);
        answer(socket, authkey, timeoutNanos, start);
    }

    /**
     * The connecting side: answers the listener's challenge, then challenges it.
     *
     * @param socket a socket just connected
     * @param authkey the shared key
     * @param timeoutNanos how long the whole handshake may take, or {@link MessageSocket#FOREVER}
     * @throws AuthenticationException if the keys differ, the listener does not speak the
     *     protocol, closes the connection or does not answer in time; the socket is left open
     * @throws InterruptedException if interrupted while waiting for the listener
     */
    public static void asClient(MessageSocket socket, byte[] authkey, long timeoutNanos)
            throws AuthenticationException, InterruptedException {
        long start = System.nanoTime();
        answer(socket, authkey, timeoutNanos, start);
        deliver(socket, authkey, Dialect.SHA256, timeoutNanos, start);
    }

    /**
     * CPython's {@code deliver_challenge}: sends a challenge, checks the answer, and says
     * {@code #WELCOME#} or {@code #FAILURE#}.
     *
     * @param socket the socket
     * @param authkey the shared key
     * @param dialect which challenge to send
     * @param timeoutNanos how long, from {@code start}, or {@link MessageSocket#FOREVER}
     * @param start {@link System#nanoTime()} when the handshake began
     * @throws AuthenticationException if the answer is wrong (after saying {@code #FAILURE#}), or
     *     the peer fails to answer
     * @throws InterruptedException if interrupted while waiting
     */
    static void deliver(MessageSocket socket, byte[] authkey, Dialect dialect, long timeoutNanos, long start)
            throws AuthenticationException, InterruptedException {
        byte[] message;
        if (dialect == Dialect.LEGACY_MD5) {
            message = random(LEGACY_MESSAGE_BYTES);
        } else {
            message = concat(ascii("{sha256}"), random(MESSAGE_BYTES));
        }
        send(socket, concat(CHALLENGE, message));
        byte[] answer = receive(socket, timeoutNanos, start, "an answer to our challenge");
        try {
            verify(socket.peer(), authkey, message, answer);
        } catch (AuthenticationException e) {
            try {
                socket.send(FAILURE, 0, FAILURE.length);
            } catch (IOException | IllegalStateException ignored) {
                // the peer is gone already: the failure is what matters
            }
            throw e;
        }
        send(socket, WELCOME);
    }

    /**
     * CPython's {@code answer_challenge}: answers the peer's challenge and expects
     * {@code #WELCOME#}.
     *
     * @param socket the socket
     * @param authkey the shared key
     * @param timeoutNanos how long, from {@code start}, or {@link MessageSocket#FOREVER}
     * @param start {@link System#nanoTime()} when the handshake began
     * @throws AuthenticationException if the peer refuses the answer or does not speak the protocol
     * @throws InterruptedException if interrupted while waiting
     */
    static void answer(MessageSocket socket, byte[] authkey, long timeoutNanos, long start)
            throws AuthenticationException, InterruptedException {
        byte[] challenge = receive(socket, timeoutNanos, start, "a challenge");
        if (!startsWith(challenge, CHALLENGE)) {
            throw new AuthenticationException("protocol error: expected a challenge from " + socket.peer()
                    + ", got a message of " + challenge.length + " bytes that does not start with #CHALLENGE#:"
                    + " is it a multiprocessing Listener or Client?");
        }
        byte[] message = Arrays.copyOfRange(challenge, CHALLENGE.length, challenge.length);
        if (message.length < LEGACY_MESSAGE_BYTES) {
            throw new AuthenticationException("protocol error: the challenge of " + socket.peer() + " is too short ("
                    + message.length + " bytes)");
        }
        send(socket, response(socket.peer(), authkey, message));
        byte[] verdict = receive(socket, timeoutNanos, start, "the verdict on our answer");
        if (!Arrays.equals(verdict, WELCOME)) {
            throw new AuthenticationException(socket.peer() + " refused our answer to its challenge"
                    + (Arrays.equals(verdict, FAILURE) ? " (#FAILURE#): the authkeys differ"
                            : ": it sent something other than #WELCOME# or #FAILURE#"));
        }
    }

    /**
     * CPython's {@code _create_response}: the bare HMAC-MD5 of a legacy challenge, or the named
     * digest and its HMAC of a modern one.
     *
     * @param peer names the peer in errors
     * @param authkey the shared key
     * @param message the challenge, without {@code #CHALLENGE#}
     * @return the answer to send, never null
     * @throws AuthenticationException if the challenge names no digest this side knows
     */
    static byte[] response(String peer, byte[] authkey, byte[] message) throws AuthenticationException {
        String digest = digestName(peer, message);
        if (digest.isEmpty()) {
            return hmac("md5", authkey, message);
        }
        return concat(ascii("{" + digest + "}"), hmac(digest, authkey, message));
    }

    /**
     * CPython's {@code _verify_challenge}: an answer is a bare HMAC-MD5 (a legacy peer) or a
     * {@code {digest}} prefix and the HMAC with that digest, of the whole challenge message.
     */
    static void verify(String peer, byte[] authkey, byte[] message, byte[] answer) throws AuthenticationException {
        String digest = digestName(peer, answer);
        byte[] mac = digest.isEmpty() ? answer : Arrays.copyOfRange(answer, digest.length() + 2, answer.length);
        byte[] expected = hmac(digest.isEmpty() ? "md5" : digest, authkey, message);
        if (!MessageDigest.isEqual(expected, mac)) {
            throw new AuthenticationException("wrong authkey: the answer of " + peer + " to our challenge does not"
                    + " match (" + (digest.isEmpty() ? "legacy HMAC-MD5" : "HMAC-" + digest) + ")");
        }
    }

    /**
     * CPython's {@code _get_digest_name_and_payload}: "" for a legacy message (20 or 16 bytes),
     * else the digest its {@code {name}} prefix names.
     */
    private static String digestName(String peer, byte[] message) throws AuthenticationException {
        if (message.length == LEGACY_MESSAGE_BYTES || message.length == MD5_BYTES) {
            return "";
        }
        if (message.length > 0 && message[0] == '{') {
            for (int i = 1; i < Math.min(message.length, MAX_DIGEST_NAME + 2); i++) {
                if (message[i] == '}') {
                    String name = new String(message, 1, i - 1, StandardCharsets.US_ASCII);
                    if (MACS.containsKey(name)) {
                        return name;
                    }
                    break;
                }
            }
        }
        throw new AuthenticationException("protocol error: a message of " + message.length + " bytes from " + peer
                + " has no {digest} prefix of " + new java.util.TreeSet<>(MACS.keySet())
                + " and is not a legacy message of 16 or 20 bytes");
    }

    /**
     * The HMAC of {@code message} under {@code key} with a digest of CPython's names.
     *
     * @param digest {@code md5}, {@code sha256}, {@code sha384}, {@code sha3_256} or {@code sha3_384}
     * @param key the key, not empty
     * @param message the message
     * @return the MAC, never null
     */
    static byte[] hmac(String digest, byte[] key, byte[] message) {
        String algorithm = MACS.get(digest);
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available in this JVM", e);
        }
    }

    private static byte[] receive(MessageSocket socket, long timeoutNanos, long start, String what)
            throws AuthenticationException, InterruptedException {
        long left = MessageSocket.FOREVER;
        if (timeoutNanos != MessageSocket.FOREVER) {
            left = Math.max(1, timeoutNanos - (System.nanoTime() - start));
        }
        try {
            return socket.receive(MAX_HANDSHAKE_BYTES, left);
        } catch (SocketTimeoutException e) {
            throw new AuthenticationException(socket.peer() + " did not send " + what + " within "
                    + timeoutNanos / 1_000_000 + " ms of the connection", e);
        } catch (EOFException e) {
            throw new AuthenticationException("waiting for " + what + ": " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            if (socket.isClosed()) {
                throw e;
            }
            throw new AuthenticationException("protocol error waiting for " + what + ": " + e.getMessage(), e);
        }
    }

    private static void send(MessageSocket socket, byte[] message) throws AuthenticationException {
        try {
            socket.send(message, 0, message.length);
        } catch (IOException e) {
            throw new AuthenticationException("during the challenge: " + e.getMessage(), e);
        }
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length
                && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
