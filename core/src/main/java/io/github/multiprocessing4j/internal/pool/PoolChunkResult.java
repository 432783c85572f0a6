package io.github.multiprocessing4j.internal.pool;

import io.github.multiprocessing4j.internal.codec.Payloads;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * What a worker sends back for one chunk: a value or a failure per item, in item order.
 *
 * <p>On the wire the values and the failures are two messages: the values as one list, so that
 * values of the common types (numbers, strings, arrays, collections of these) take the compact
 * codec instead of Java serialization, and the failures, only when an item failed, as a
 * {@code Throwable[]}. Layout: the values' length ({@code int}), the values, then the failures
 * or nothing.
 *
 * @param values the values; null where the item failed
 * @param failures what each failed item threw (or a serializable stand-in); null if none failed
 */
record PoolChunkResult(Object[] values, Throwable[] failures) {

    /**
     * Encodes the outcomes of a chunk.
     *
     * @return the bytes to send
     * @throws IllegalArgumentException if a value or a failure cannot be serialized, or all of it
     *     together is over the message limit
     */
    byte[] encode() {
        byte[] encodedValues = Payloads.serialize(Arrays.asList(values));
        byte[] encodedFailures = failures == null ? new byte[0] : Payloads.serialize(failures);
        Payloads.checkSize(4L + encodedValues.length + encodedFailures.length);
        return ByteBuffer.allocate(4 + encodedValues.length + encodedFailures.length)
                .putInt(encodedValues.length).put(encodedValues).put(encodedFailures).array();
    }

    /**
     * Decodes what {@link #encode()} wrote, for a chunk of {@code count} items.
     *
     * @param bytes what the worker sent
     * @param count the chunk's number of items
     * @return the outcomes
     * @throws IllegalStateException if the bytes are not the outcomes of {@code count} items
     * @throws RuntimeException what decoding a value or a failure throws
     */
    static PoolChunkResult decode(byte[] bytes, int count) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int valuesLength = bytes.length >= 4 ? buffer.getInt() : -1;
        if (valuesLength < 0 || valuesLength > buffer.remaining()) {
            throw new IllegalStateException("the worker sent " + bytes.length + " bytes that are not the results of "
                    + count + " items");
        }
        Object values = Payloads.deserialize(Arrays.copyOfRange(bytes, 4, 4 + valuesLength));
        Object failures = 4 + valuesLength == bytes.length ? null
                : Payloads.deserialize(Arrays.copyOfRange(bytes, 4 + valuesLength, bytes.length));
        if (!(values instanceof List<?> list) || list.size() != count
                || (failures != null && !(failures instanceof Throwable[] thrown && thrown.length == count))) {
            throw new IllegalStateException("the worker sent something else than the results of " + count + " items");
        }
        return new PoolChunkResult(list.toArray(), (Throwable[]) failures);
    }
}
