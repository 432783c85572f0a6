package io.github.multiprocessing4j.internal.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectOutputStream;
import java.util.Objects;

/**
 * The {@link Fallback} of Java serialization: every object read passes the caller's
 * {@link ObjectInputFilter} (SPEC C3), and no array may announce more elements than the message
 * has bytes, so corrupted or hostile bytes cannot make the reader allocate what they announce.
 * Classes are resolved with the thread's context class loader first, where an application's
 * classes are ({@link Payloads.ContextObjectInputStream}). Safe for concurrent use.
 */
public final class JavaSerializationFallback implements Fallback {

    private final ObjectInputFilter filter;

    /**
     * A fallback whose reading side passes {@code filter}.
     *
     * @param filter decides which classes, depths, references and sizes are read; never null
     */
    public JavaSerializationFallback(ObjectInputFilter filter) {
        this.filter = Objects.requireNonNull(filter, "filter");
    }

    /**
     * A fallback that reads at most {@code maxBytes}, 200 levels deep and ten million
     * references: the bounds that queues and pipes apply today.
     *
     * @param maxBytes the largest message, in bytes
     * @return the fallback, never null
     */
    public static JavaSerializationFallback withLimits(int maxBytes) {
        return new JavaSerializationFallback(
                ObjectInputFilter.Config.createFilter("maxdepth=200;maxrefs=10000000;maxbytes=" + maxBytes));
    }

    /**
     * Serializes a message with an {@link ObjectOutputStream}.
     *
     * @throws IllegalArgumentException naming the class that is not serializable
     */
    @Override
    public byte[] serialize(Object message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(message);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("cannot send a " + message.getClass().getName() + ": "
                    + e.getMessage() + " is not serializable", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot send a " + message.getClass().getName() + ": " + e, e);
        }
        return bytes.toByteArray();
    }

    /**
     * Deserializes a message through the filter.
     *
     * @throws IllegalStateException if a class is missing here, the filter refuses an object, or
     *     the bytes are not one whole serialized object; never another exception for bad bytes
     */
    @Override
    public Object deserialize(byte[] bytes, int offset, int length) {
        Payloads.ContextObjectInputStream stream = null;
        try (Payloads.ContextObjectInputStream in = new Payloads.ContextObjectInputStream(bytes, offset, length)) {
            stream = in;
            in.setObjectInputFilter(info -> info.arrayLength() > length
                    ? ObjectInputFilter.Status.REJECTED : filter.checkInput(info));
            return in.readObject();
        } catch (ClassNotFoundException | ClassCastException e) {
            // a lambda whose capturing class is missing fails as a ClassCastException of a SerializedLambda
            String missing = stream == null || stream.missingClass() == null ? e.getMessage() : stream.missingClass();
            throw new IllegalStateException("received an object of class " + missing
                    + ", which is not on this process's class path", e);
        } catch (InvalidClassException e) {
            throw new IllegalStateException("received an object that was refused: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("received a message that cannot be read: " + e, e);
        } catch (RuntimeException e) {
            // corrupted bytes make ObjectInputStream fail in ways of its own (negative lengths,
            // a value of the wrong type in an array, a missing handle): one contract
            throw new IllegalStateException("received a message that cannot be read: " + e, e);
        }
    }
}
