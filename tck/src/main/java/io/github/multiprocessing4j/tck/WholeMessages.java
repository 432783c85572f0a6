package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;

/**
 * Messages that show whether they arrived whole (SPEC M4): the first four bytes are the message's
 * number, every following byte a function of that number and the byte's position, so a message
 * that was cut short, mixed with another or shifted fails {@link #assertWhole}.
 */
final class WholeMessages {

    private WholeMessages() {
    }

    /**
     * A message of {@code size} bytes, at least 4, that carries {@code number}.
     *
     * @param number the message's number
     * @param size its length
     * @return the message
     */
    static byte[] of(int number, int size) {
        byte[] message = new byte[size];
        ByteBuffer.wrap(message).putInt(number);
        for (int position = 4; position < size; position++) {
            message[position] = at(number, position);
        }
        return message;
    }

    /**
     * Fails the test unless {@code message} is {@link #of(int, int) of(number, size)}, whole.
     *
     * @param message what arrived
     * @param number the number it must carry
     * @param size the length it must have
     */
    static void assertWhole(byte[] message, int number, int size) {
        assertEquals(number, ByteBuffer.wrap(message).getInt(), "the number of the message expected as " + number);
        assertEquals(size, message.length, "the length of message " + number);
        for (int position = 4; position < size; position++) {
            if (message[position] != at(number, position)) {
                fail("message " + number + " is torn or mixed: byte " + position + " of " + size + " is "
                        + message[position] + ", expected " + at(number, position));
            }
        }
    }

    private static byte at(int number, int position) {
        return (byte) (number * 31 + position * 7 + (position >>> 8));
    }
}
