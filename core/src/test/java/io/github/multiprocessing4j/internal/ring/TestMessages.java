package io.github.multiprocessing4j.internal.ring;

import java.util.Arrays;
import java.util.Random;

/**
 * The messages of the ring tests: message {@code i} is a slice of a fixed random pattern whose
 * length and start depend on {@code i} only, so a reader that knows which message comes next
 * can tell a whole, correct record from a torn, lost or duplicated one.
 */
final class TestMessages {

    private final byte[] pattern;
    private final int maxLength;

    TestMessages(int maxLength) {
        this.maxLength = maxLength;
        this.pattern = new byte[maxLength + (1 << 16)];
        new Random(1_234_567).nextBytes(pattern);
    }

    private static long mix(long i) {
        long z = i * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        return z ^ (z >>> 31);
    }

    int length(long i) {
        return (int) Long.remainderUnsigned(mix(i), maxLength + 1L);
    }

    int offset(long i) {
        return (int) Long.remainderUnsigned(mix(~i), 1 << 16);
    }

    /** Message {@code i}, as a new array. */
    byte[] message(long i) {
        return Arrays.copyOfRange(pattern, offset(i), offset(i) + length(i));
    }

    /** Writes message {@code i} straight from the pattern. */
    boolean write(RingWriter writer, long i, java.time.Duration timeout)
            throws PeerGoneException, InterruptedException {
        return writer.write(pattern, offset(i), length(i), timeout);
    }

    /** Whether {@code received} is message {@code i}, whole. */
    boolean is(byte[] received, long i) {
        return received.length == length(i)
                && Arrays.equals(received, 0, received.length, pattern, offset(i), offset(i) + received.length);
    }
}
