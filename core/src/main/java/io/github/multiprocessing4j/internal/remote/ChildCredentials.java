package io.github.multiprocessing4j.internal.remote;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a child that reaches its parent over the network gets on its standard input, and
 * nowhere else (SPEC C2, R1): its 32-byte secret and the SHA-256 pin of the parent's session
 * certificate, behind a magic header that makes a launcher's mistake (stray bytes on stdin) an
 * error rather than a wrong key.
 *
 * @param secret the child's secret for the HMAC handshake
 * @param pin the SHA-256 of the parent's certificate encoding
 */
public record ChildCredentials(byte[] secret, byte[] pin) {

    private static final byte[] MAGIC = "MP4J-TLS1".getBytes(StandardCharsets.US_ASCII);
    /** The size of the block on the child's standard input. */
    public static final int SIZE = MAGIC.length + 32 + 32;

    /**
     * Validates the sizes.
     *
     * @param secret the child's secret, 32 bytes
     * @param pin the certificate pin, 32 bytes
     */
    public ChildCredentials {
        if (secret.length != 32 || pin.length != 32) {
            throw new IllegalArgumentException("a secret and a pin are 32 bytes each");
        }
        secret = secret.clone();
        pin = pin.clone();
    }

    /**
     * The block to write to the child's standard input.
     *
     * @return the bytes, never null
     */
    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).put(MAGIC).put(secret).put(pin).array();
    }

    /**
     * Reads the block from the child's real standard input, exactly {@link #SIZE} bytes.
     *
     * @param in the standard input the JVM started with
     * @return the credentials, never null
     * @throws IOException if the input ends early or does not hold such a block
     */
    public static ChildCredentials read(InputStream in) throws IOException {
        // into an array: a pipe's FileInputStream fails readNBytes(int) on JDK 17 ("Illegal
        // seek": it asks the file for its size and position first); this form only reads
        byte[] block = new byte[SIZE];
        int length = in.readNBytes(block, 0, SIZE);
        if (length < SIZE) {
            throw new EOFException("standard input ended after " + length + " of the " + SIZE
                    + " bytes of the child's credentials: the launcher did not deliver them");
        }
        if (!Arrays.equals(block, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IOException("standard input does not start with the child's credentials");
        }
        return new ChildCredentials(Arrays.copyOfRange(block, MAGIC.length, MAGIC.length + 32),
                Arrays.copyOfRange(block, MAGIC.length + 32, SIZE));
    }

    /**
     * Never shows the secret.
     *
     * @return a description without the bytes, never null
     */
    @Override
    public String toString() {
        return "ChildCredentials[secret=<32 bytes>, pin=<32 bytes>]";
    }

    /**
     * The child's secret.
     *
     * @return a copy of its 32 bytes
     */
    @Override
    public byte[] secret() {
        return secret.clone();
    }

    /**
     * The SHA-256 of the parent's certificate.
     *
     * @return a copy of its 32 bytes
     */
    @Override
    public byte[] pin() {
        return pin.clone();
    }

    /**
     * Compares by content.
     *
     * @param other the object to compare with
     * @return whether both hold the same secret and pin
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof ChildCredentials that && Arrays.equals(secret, that.secret)
                && Arrays.equals(pin, that.pin);
    }

    /**
     * A hash of the content.
     *
     * @return the hash
     */
    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(secret) + Arrays.hashCode(pin);
    }
}
