package io.github.multiprocessing4j.internal.channel;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * Mutual HMAC-SHA256 challenge-response over the control channel (SPEC C2), Python's
 * {@code deliver_challenge} / {@code answer_challenge} in both directions. Each side's response
 * is bound to its role, so a response cannot be reflected back to its sender.
 */
public final class Handshake {

    /** The size of a child's secret: 32 random bytes (SPEC C2). */
    public static final int SECRET_BYTES = 32;
    private static final int NONCE_BYTES = 32;
    /** SHA-256's block size: HMAC pads the key to it (RFC 2104). */
    private static final int BLOCK_BYTES = 64;
    private static final byte[] CHILD_ROLE = "multiprocessing4j child".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PARENT_ROLE = "multiprocessing4j parent".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {
    }

    /**
     * Child side, before or while connecting: loads what the handshake needs (the SHA-256
     * digest, the random source), so that the parent's handshake deadline, which starts when the
     * child connects, measures round trips and not a cold JVM's class loading.
     */
    public static void prepare() {
        sha256();
    }

    static byte[] newSecret() {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return secret;
    }

    /** Parent side, after the child's hello: challenge the child, then answer its challenge. */
    static void authenticateChild(SocketChannel channel, byte[] secret) throws IOException {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        Frames.write(channel, Frames.CHALLENGE, nonce);
        byte[] response = Frames.expect(channel, Frames.RESPONSE, Frames.MAX_HANDSHAKE);
        if (!MessageDigest.isEqual(response, hmac(secret, CHILD_ROLE, nonce))) {
            throw new ProtocolException("wrong key: the peer's response to the challenge does not match");
        }
        byte[] theirs = Frames.expect(channel, Frames.CHALLENGE, Frames.MAX_HANDSHAKE);
        if (theirs.length != NONCE_BYTES) {
            throw new ProtocolException("challenge of " + theirs.length + " bytes");
        }
        Frames.write(channel, Frames.RESPONSE, hmac(secret, PARENT_ROLE, theirs));
    }

    /** Child side, after sending hello: answer the parent's challenge, then challenge it. */
    public static void authenticateParent(SocketChannel channel, byte[] secret) throws IOException {
        byte[] challenge = Frames.expect(channel, Frames.CHALLENGE, Frames.MAX_HANDSHAKE);
        if (challenge.length != NONCE_BYTES) {
            throw new ProtocolException("challenge of " + challenge.length + " bytes");
        }
        Frames.write(channel, Frames.RESPONSE, hmac(secret, CHILD_ROLE, challenge));
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        Frames.write(channel, Frames.CHALLENGE, nonce);
        byte[] response = Frames.expect(channel, Frames.RESPONSE, Frames.MAX_HANDSHAKE);
        if (!MessageDigest.isEqual(response, hmac(secret, PARENT_ROLE, nonce))) {
            throw new ProtocolException("the parent's response to the challenge does not match: wrong key");
        }
    }

    /**
     * HMAC-SHA256 of {@code role || nonce} under {@code secret} (RFC 2104), built on
     * {@link MessageDigest}: the same bytes as {@code Mac.getInstance("HmacSHA256")}, without
     * javax.crypto, whose provider search and policy loading cost a cold child JVM ~45 ms of CPU.
     */
    public static byte[] hmac(byte[] secret, byte[] role, byte[] nonce) {
        MessageDigest sha256 = sha256();
        byte[] key = secret.length > BLOCK_BYTES ? sha256.digest(secret) : secret;
        byte[] innerPad = new byte[BLOCK_BYTES];
        byte[] outerPad = new byte[BLOCK_BYTES];
        for (int i = 0; i < BLOCK_BYTES; i++) {
            byte k = i < key.length ? key[i] : 0;
            innerPad[i] = (byte) (k ^ 0x36);
            outerPad[i] = (byte) (k ^ 0x5c);
        }
        sha256.update(innerPad);
        sha256.update(role);
        byte[] inner = sha256.digest(nonce);
        sha256.update(outerPad);
        return sha256.digest(inner);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
