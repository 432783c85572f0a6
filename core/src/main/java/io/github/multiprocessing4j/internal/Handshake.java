package io.github.multiprocessing4j.internal;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mutual HMAC-SHA256 challenge-response over the control channel (SPEC C2), Python's
 * {@code deliver_challenge} / {@code answer_challenge} in both directions. Each side's response
 * is bound to its role, so a response cannot be reflected back to its sender.
 */
final class Handshake {

    static final int SECRET_BYTES = 32;
    private static final int NONCE_BYTES = 32;
    private static final byte[] CHILD_ROLE = "multiprocessing4j child".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PARENT_ROLE = "multiprocessing4j parent".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {
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
    static void authenticateParent(SocketChannel channel, byte[] secret) throws IOException {
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

    static byte[] hmac(byte[] secret, byte[] role, byte[] nonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(role);
            return mac.doFinal(nonce);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }
}
