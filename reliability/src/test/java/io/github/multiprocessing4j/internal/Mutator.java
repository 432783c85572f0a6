package io.github.multiprocessing4j.internal;

import io.github.multiprocessing4j.internal.codec.Payloads;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A seeded mutator of byte strings, after the usual fuzzing moves: flip bits, set bytes, set a
 * 4-byte field to an interesting value (0, 1, -1, lengths around the limits), insert, delete,
 * duplicate, truncate, splice two seeds, or pure random bytes. Same seed, same inputs.
 */
final class Mutator {

    private static final int[] INTERESTING = {0, 1, -1, 2, 16, 17, 127, 128, 129, 255, 256, 257, 32, 33, 0x7fff, 0xffff,
        Integer.MAX_VALUE, Integer.MIN_VALUE, Payloads.MAX_BYTES, Payloads.MAX_BYTES + 1, 1 << 20};

    private final Random random;

    Mutator(long seed) {
        this.random = new Random(seed);
    }

    Random random() {
        return random;
    }

    /** A new input from the corpus: one to four moves applied to a seed. */
    byte[] next(List<byte[]> corpus) {
        if (random.nextInt(20) == 0) {
            byte[] junk = new byte[random.nextInt(64)];
            random.nextBytes(junk);
            return junk;
        }
        byte[] input = corpus.get(random.nextInt(corpus.size())).clone();
        int moves = 1 + random.nextInt(4);
        for (int i = 0; i < moves; i++) {
            input = move(input, corpus);
        }
        return input;
    }

    private byte[] move(byte[] input, List<byte[]> corpus) {
        int length = input.length;
        switch (random.nextInt(9)) {
            case 0:
                if (length > 0) {
                    input[random.nextInt(length)] ^= (byte) (1 << random.nextInt(8));
                }
                return input;
            case 1:
                if (length > 0) {
                    input[random.nextInt(length)] = (byte) random.nextInt(256);
                }
                return input;
            case 2:
                if (length >= 4) {
                    int at = random.nextInt(length - 3);
                    int value = INTERESTING[random.nextInt(INTERESTING.length)];
                    input[at] = (byte) (value >>> 24);
                    input[at + 1] = (byte) (value >>> 16);
                    input[at + 2] = (byte) (value >>> 8);
                    input[at + 3] = (byte) value;
                }
                return input;
            case 3: {
                int at = random.nextInt(length + 1);
                byte[] inserted = new byte[1 + random.nextInt(16)];
                random.nextBytes(inserted);
                return concat(Arrays.copyOf(input, at), inserted, Arrays.copyOfRange(input, at, length));
            }
            case 4: {
                if (length == 0) {
                    return input;
                }
                int at = random.nextInt(length);
                int end = Math.min(length, at + 1 + random.nextInt(16));
                return concat(Arrays.copyOf(input, at), Arrays.copyOfRange(input, end, length));
            }
            case 5: {
                if (length == 0) {
                    return input;
                }
                int at = random.nextInt(length);
                int end = Math.min(length, at + 1 + random.nextInt(16));
                return concat(Arrays.copyOf(input, end), Arrays.copyOfRange(input, at, length));
            }
            case 6:
                return Arrays.copyOf(input, random.nextInt(length + 1));
            case 7: {
                byte[] other = corpus.get(random.nextInt(corpus.size()));
                int cut = random.nextInt(length + 1);
                int from = random.nextInt(other.length + 1);
                return concat(Arrays.copyOf(input, cut), Arrays.copyOfRange(other, from, other.length));
            }
            default:
                if (length > 0) {
                    input[random.nextInt(length)] = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
                }
                return input;
        }
    }

    static byte[] concat(byte[]... parts) {
        int total = 0;
        for (byte[] part : parts) {
            total += part.length;
        }
        byte[] all = new byte[total];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
