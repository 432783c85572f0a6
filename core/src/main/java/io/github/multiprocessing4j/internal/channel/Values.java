package io.github.multiprocessing4j.internal.channel;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The arguments and results of calls on shared objects, encoded without Java serialization:
 * null, booleans, ints, longs, strings and byte arrays only. A parent therefore never
 * deserializes an object graph sent by a child (SPEC C3); user objects travel as opaque bytes
 * and are deserialized only by the process that receives them.
 */
public final class Values {

    private static final byte NULL = 0;
    private static final byte BOOLEAN = 1;
    private static final byte INT = 2;
    private static final byte LONG = 3;
    private static final byte STRING = 4;
    private static final byte BYTES = 5;

    private Values() {
    }

    /**
     * About how many bytes {@link #write} takes for {@code value}: exact for a byte array, a
     * small guess otherwise.
     *
     * @param value the value
     * @return the size to reserve
     */
    static int sizeHint(Object value) {
        if (value instanceof byte[] bytes) {
            return 5 + bytes.length;
        }
        return value instanceof String text ? 5 + 3 * text.length() : 9;
    }

    /**
     * Writes one value.
     *
     * @param out where to write
     * @param value null, Boolean, Integer, Long, String or byte[]
     * @throws IOException if writing fails
     * @throws IllegalArgumentException for a value of another type
     */
    public static void write(DataOutputStream out, Object value) throws IOException {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value instanceof Boolean b) {
            out.writeByte(BOOLEAN);
            out.writeBoolean(b);
        } else if (value instanceof Integer i) {
            out.writeByte(INT);
            out.writeInt(i);
        } else if (value instanceof Long l) {
            out.writeByte(LONG);
            out.writeLong(l);
        } else if (value instanceof String s) {
            out.writeByte(STRING);
            byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeInt(utf8.length);
            out.write(utf8);
        } else if (value instanceof byte[] bytes) {
            out.writeByte(BYTES);
            out.writeInt(bytes.length);
            out.write(bytes);
        } else {
            throw new IllegalArgumentException("cannot encode a " + value.getClass().getName() + " as a call value");
        }
    }

    /**
     * Reads one value, refusing a byte array longer than {@code limit} before allocating it.
     *
     * @param in where to read
     * @param limit the longest byte array accepted
     * @return the value: null, Boolean, Integer, Long, String or byte[]
     * @throws IOException if the bytes are not a whole, valid value
     */
    public static Object read(DataInputStream in, int limit) throws IOException {
        byte type = in.readByte();
        switch (type) {
            case NULL:
                return null;
            case BOOLEAN:
                return in.readBoolean();
            case INT:
                return in.readInt();
            case LONG:
                return in.readLong();
            case STRING:
                return new String(readBytes(in, limit), java.nio.charset.StandardCharsets.UTF_8);
            case BYTES:
                return readBytes(in, limit);
            default:
                throw new ProtocolException("unknown value type " + type);
        }
    }

    private static byte[] readBytes(DataInputStream in, int limit) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > limit) {
            throw new ProtocolException("a value of " + length + " bytes, the limit is " + limit);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
