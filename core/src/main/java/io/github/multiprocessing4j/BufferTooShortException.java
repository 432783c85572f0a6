package io.github.multiprocessing4j;

import java.io.Serial;

/**
 * A message did not fit the buffer given to {@link Connection#recvBytesInto(byte[], int)}:
 * Python's {@code multiprocessing.BufferTooShort}. The message was received; it is here, whole.
 */
public class BufferTooShortException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The whole message. */
    private final byte[] message;

    /**
     * Creates the exception.
     *
     * @param message the whole message, not copied
     * @param room how many bytes the buffer had from the offset on
     */
    public BufferTooShortException(byte[] message, int room) {
        super("a message of " + message.length + " bytes does not fit the " + room + " bytes left in the buffer;"
                + " it was received: message() has it");
        this.message = message;
    }

    /**
     * The message that did not fit: Python's {@code e.args[0]}.
     *
     * @return the whole message, never null; the same array on every call
     */
    public byte[] message() {
        return message;
    }
}
