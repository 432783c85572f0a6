package io.github.multiprocessing4j.internal.codec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;

/**
 * User objects sent through queues, pipes and results: serialized by the sender (so a bad
 * object fails there, with a clear message, and the queue keeps working), copied as bytes,
 * and deserialized by the receiver through an {@link ObjectInputFilter} (SPEC C3).
 */
public final class Payloads {

    /** The largest message, serialized: 64 MiB. Larger ones are refused by the sender. */
    public static final int MAX_BYTES = 64 * 1024 * 1024;
    /**
     * Messages of the common types (null, boxed primitives, strings, arrays of primitives, and
     * lists, sets and maps of these) in a compact form without object streams; everything else
     * through Java serialization behind the filter.
     */
    private static final ObjectInputFilter LIMITS =
            ObjectInputFilter.Config.createFilter("maxdepth=200;maxrefs=10000000;maxbytes=" + MAX_BYTES);
    private static final JavaSerializationFallback JAVA = new JavaSerializationFallback(LIMITS);
    private static final MessageCodec CODEC = new MessageCodec(MAX_BYTES, JAVA);


    private Payloads() {
    }

    /**
     * Serializes a message.
     *
     * @param message the object to send; may be null
     * @return its bytes
     * @throws IllegalArgumentException if it is not serializable (naming the class) or larger
     *     than {@link #MAX_BYTES}
     */
    public static byte[] serialize(Object message) {
        return CODEC.encode(message);
    }

    /**
     * A message's Java serialization, whatever form it travels in: what a user who reads an
     * object as bytes can read back with {@link java.io.ObjectInputStream}.
     *
     * @param message the message; may be null
     * @return its Java serialization, never null
     * @throws IllegalArgumentException if it is not serializable
     */
    public static byte[] javaSerialization(Object message) {
        return JAVA.serialize(message);
    }

    /**
     * Fails if a message is larger than the limit.
     *
     * @param size the message's size in bytes
     * @throws IllegalArgumentException if it is larger than {@link #MAX_BYTES}
     */
    public static void checkSize(long size) {
        if (size > MAX_BYTES) {
            throw new IllegalArgumentException("a message of " + size + " bytes is larger than the limit of "
                    + MAX_BYTES + " bytes (64 MiB); send it in parts");
        }
    }

    /**
     * Deserializes a message received from another process.
     *
     * @param bytes the message
     * @return the object
     * @throws IllegalStateException if a class is missing here, the filter rejects it, or the
     *     bytes are not a whole serialized object; never another exception for bad bytes
     */
    public static Object deserialize(byte[] bytes) {
        return CODEC.decode(bytes);
    }

    /**
     * The filter of one message: {@code limits}, and no array longer than the message itself.
     * Every element of a serialized array takes at least one byte, so a longer array can only be
     * announced by corrupted or hostile bytes, which would otherwise make the receiver allocate
     * whatever length they say before reading a single element.
     *
     * @param limits the filter of depth, references and bytes
     * @param length the message's length in bytes
     * @return the filter, never null
     */
    public static ObjectInputFilter filter(ObjectInputFilter limits, int length) {
        return info -> {
            if (info.arrayLength() > length) {
                return ObjectInputFilter.Status.REJECTED;
            }
            return limits.checkInput(info);
        };
    }

    /**
     * Resolves classes with the context class loader, where an application's classes are, and
     * remembers the first class it could not find: Java serialization reports a missing class
     * of a lambda's capturing class only as a {@code ClassCastException} of a
     * {@code SerializedLambda}, which names nothing useful.
     */
    public static final class ContextObjectInputStream extends ObjectInputStream {
        private String missing;

        /**
         * A stream over a serialized object.
         *
         * @param bytes the serialized bytes
         * @throws IOException if they do not start with a stream header
         */
        public ContextObjectInputStream(byte[] bytes) throws IOException {
            this(bytes, 0, bytes.length);
        }

        ContextObjectInputStream(byte[] bytes, int offset, int length) throws IOException {
            super(new ByteArrayInputStream(bytes, offset, length));
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    // fall back to the default resolution, which also knows primitives
                }
            }
            try {
                return super.resolveClass(desc);
            } catch (ClassNotFoundException e) {
                if (missing == null) {
                    missing = desc.getName();
                }
                throw e;
            }
        }

        /** The first class that could not be found, or null. */
        public String missingClass() {
            return missing;
        }
    }
}
