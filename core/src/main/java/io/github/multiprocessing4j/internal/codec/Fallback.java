package io.github.multiprocessing4j.internal.codec;

/**
 * What {@link MessageCodec} does with a message it has no compact form for: usually Java
 * serialization, whose reading side must pass an {@link java.io.ObjectInputFilter} (SPEC C3).
 * {@link JavaSerializationFallback} is one; the process-wide one can be plugged in instead.
 */
public interface Fallback {

    /**
     * Turns a message into bytes.
     *
     * @param message the message; may be null
     * @return its bytes, never null
     * @throws IllegalArgumentException if the message cannot be encoded, naming its class
     */
    byte[] serialize(Object message);

    /**
     * Turns bytes made by {@link #serialize} (in this process or another) back into a message.
     *
     * @param bytes holds the message
     * @param offset where it starts in {@code bytes}
     * @param length how many bytes it takes
     * @return the message; may be null
     * @throws IllegalStateException if the bytes are not a message, the filter refuses them, or
     *     a class is missing here
     */
    Object deserialize(byte[] bytes, int offset, int length);
}
