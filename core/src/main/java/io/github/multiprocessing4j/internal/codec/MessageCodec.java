package io.github.multiprocessing4j.internal.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a message into bytes and back without Java serialization for the types that messages
 * usually are, and with a {@link Fallback} (Java serialization behind an
 * {@link java.io.ObjectInputFilter}, SPEC C3) for every other message.
 *
 * <h2>What the compact format holds</h2>
 * {@code null}; {@link Boolean}, {@link Byte}, {@link Short}, {@link Character}, {@link Integer},
 * {@link Long}, {@link Float}, {@link Double} (every bit kept, NaN payloads and {@code -0.0}
 * included); {@link String} (UTF-8, or UTF-16 when it holds a lone surrogate, so every Java
 * string comes back equal); {@code byte[]}, {@code boolean[]}, {@code short[]}, {@code char[]},
 * {@code int[]}, {@code long[]}, {@code float[]}, {@code double[]}; and lists, maps and sets of
 * all these, nested up to {@link #MAX_DEPTH} collections deep. A message holding anything else
 * anywhere (a record, an {@code Object[]}, a user's subclass of {@code ArrayList}, a collection
 * that holds itself) goes whole through the fallback, so that Java serialization keeps its
 * meaning for it (shared references, custom classes).
 *
 * <h2>Which collections come back</h2>
 * Python: a list, dict or set comes back with equal contents. Here every collection comes back
 * {@linkplain Object#equals equal} to the one sent, in the same iteration order:
 * <ul>
 * <li>{@link ArrayList} (and {@code Arrays.asList}) comes back as an {@code ArrayList};
 *     {@link LinkedList}, {@link HashMap}, {@link LinkedHashMap}, {@link HashSet} and
 *     {@link LinkedHashSet} as their own class; {@link TreeMap} and {@link TreeSet} in their
 *     natural ordering as their own class;</li>
 * <li>the JDK's unmodifiable collections ({@code List.of}, {@code Map.of}, {@code Set.of},
 *     {@code Stream.toList()}, {@code Collections.unmodifiable*}, {@code Collections.empty*},
 *     {@code Collections.singleton*}) come back unmodifiable, as
 *     {@code Collections.unmodifiableList} of an {@code ArrayList},
 *     {@code Collections.unmodifiableMap} of a {@code LinkedHashMap} or
 *     {@code Collections.unmodifiableSet} of a {@code LinkedHashSet};</li>
 * <li>any other collection (a sorted one with a comparator, a concurrent one, a
 *     {@code Vector}, a view such as {@code keySet()}) goes through the fallback.</li>
 * </ul>
 * Identity is not kept inside a compact message: a list that holds the same list twice comes
 * back holding two equal lists.
 *
 * <h2>Format</h2>
 * The first byte is the format's version ({@link #VERSION}); a message of another version is
 * refused. Then one value: a tag byte and its content. Lengths and counts are unsigned LEB128
 * varints, {@code int}s and {@code long}s zigzag varints, other numbers little-endian. A message
 * of the fallback is the version, one tag and the fallback's bytes.
 *
 * <h2>Bad input</h2>
 * Every count is checked against the bytes left before anything is allocated, so what a
 * message announces is never allocated beyond what its bytes can hold: decoding takes memory in
 * proportion to the message, at most a few tens of times its size (a set of small distinct
 * integers, two bytes each encoded, is a boxed integer and a hash node each on the heap, as with
 * any compact format; Python's pickle is alike). Whatever the bytes, decoding returns a message
 * or throws {@link IllegalStateException}. Malformed UTF-8 in a string decodes with U+FFFD in
 * place of the bad bytes (the encoder never writes it).
 *
 * <p>Instances are immutable and safe for concurrent use.
 */
public final class MessageCodec {

    /** The version of the format this class writes and the only one it reads: the first byte of every message. */
    public static final int VERSION = 1;
    /** How many collections deep a compact message may nest; a deeper one goes through the fallback. */
    public static final int MAX_DEPTH = 100;

    static final int NULL = 0;
    static final int FALSE = 1;
    static final int TRUE = 2;
    static final int BYTE = 3;
    static final int SHORT = 4;
    static final int CHAR = 5;
    static final int INT = 6;
    static final int LONG = 7;
    static final int FLOAT = 8;
    static final int DOUBLE = 9;
    static final int STRING = 10;
    static final int STRING_UTF16 = 11;
    static final int BYTES = 12;
    static final int BOOLEANS = 13;
    static final int SHORTS = 14;
    static final int CHARS = 15;
    static final int INTS = 16;
    static final int LONGS = 17;
    static final int FLOATS = 18;
    static final int DOUBLES = 19;
    static final int ARRAY_LIST = 20;
    static final int LINKED_LIST = 21;
    static final int UNMODIFIABLE_LIST = 22;
    static final int HASH_MAP = 23;
    static final int LINKED_HASH_MAP = 24;
    static final int TREE_MAP = 25;
    static final int UNMODIFIABLE_MAP = 26;
    static final int HASH_SET = 27;
    static final int LINKED_HASH_SET = 28;
    static final int TREE_SET = 29;
    static final int UNMODIFIABLE_SET = 30;
    /** Only right after the version: the rest is the fallback's. */
    static final int FALLBACK = 31;
    private static final int NOT_COMPACT = -1;

    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** The tag of each collection class that has a compact form, by exact class; {@link #NOT_COMPACT} otherwise. */
    private static final ClassValue<Integer> COLLECTION_TAGS = new ClassValue<>() {
        @Override
        protected Integer computeValue(Class<?> type) {
            return collectionTag(type);
        }
    };

    private static final Set<Class<?>> UNMODIFIABLE_LISTS = classesOf(List.of(), List.of(1), List.of(1, 2, 3),
            List.of(1, 2, 3).subList(0, 2), Collections.emptyList(), Collections.singletonList(1),
            Collections.unmodifiableList(new ArrayList<>()), Collections.unmodifiableList(new LinkedList<>()));
    private static final Set<Class<?>> UNMODIFIABLE_MAPS = classesOf(Map.of(), Map.of(1, 1), Map.of(1, 1, 2, 2),
            Collections.emptyMap(), Collections.singletonMap(1, 1), Collections.unmodifiableMap(new HashMap<>()));
    private static final Set<Class<?>> UNMODIFIABLE_SETS = classesOf(Set.of(), Set.of(1), Set.of(1, 2, 3),
            Collections.emptySet(), Collections.singleton(1), Collections.unmodifiableSet(new HashSet<>()));

    private final int maxBytes;
    private final Fallback fallback;

    /**
     * A codec for messages of at most {@code maxBytes} encoded bytes.
     *
     * @param maxBytes the largest message, encoded, in bytes (SPEC M2); at least 16
     * @param fallback encodes and decodes what has no compact form; never null
     * @throws IllegalArgumentException if {@code maxBytes} is below 16
     */
    public MessageCodec(int maxBytes, Fallback fallback) {
        if (maxBytes < 16) {
            throw new IllegalArgumentException("a message limit of " + maxBytes + " bytes is below the least, 16");
        }
        this.maxBytes = maxBytes;
        this.fallback = Objects.requireNonNull(fallback, "fallback");
    }

    /**
     * The largest message this codec encodes or decodes, in bytes.
     *
     * @return the limit given at construction
     */
    public int maxBytes() {
        return maxBytes;
    }

    /**
     * Encodes a message: in the compact format when it holds only the types it knows, else
     * through the fallback.
     *
     * @param message the message; may be null
     * @return its bytes, at most {@link #maxBytes()} of them, never null
     * @throws IllegalArgumentException if the message is larger than {@link #maxBytes()} encoded
     *     (naming the limit), or the fallback cannot encode it (naming the class); nothing was
     *     sent, and the codec stays usable
     */
    public byte[] encode(Object message) {
        Writer out = new Writer(maxBytes);
        out.u8(VERSION);
        if (out.value(message, 0)) {
            return out.toArray();
        }
        byte[] serialized = fallback.serialize(message);
        checkSize(2L + serialized.length, maxBytes);
        byte[] bytes = new byte[2 + serialized.length];
        bytes[0] = VERSION;
        bytes[1] = FALLBACK;
        System.arraycopy(serialized, 0, bytes, 2, serialized.length);
        return bytes;
    }

    /**
     * Decodes a whole message made by {@link #encode}.
     *
     * @param bytes the message
     * @return the message; may be null
     * @throws IllegalStateException if the bytes are not one whole message of this format's
     *     version, are larger than {@link #maxBytes()}, or the fallback refuses them; never
     *     another exception for bad bytes
     */
    public Object decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    /**
     * Decodes a whole message made by {@link #encode} that sits in part of an array.
     *
     * @param bytes holds the message
     * @param offset where the message starts
     * @param length how many bytes it takes
     * @return the message; may be null
     * @throws IllegalStateException if the bytes are not one whole message of this format's
     *     version, are larger than {@link #maxBytes()}, or the fallback refuses them; never
     *     another exception for bad bytes
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} are not inside {@code bytes}
     */
    public Object decode(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length > maxBytes) {
            throw new IllegalStateException("received a message of " + length + " bytes, larger than the limit of "
                    + maxBytes + " bytes");
        }
        if (length == 0) {
            throw new IllegalStateException("received an empty message");
        }
        int version = bytes[offset] & 0xFF;
        if (version != VERSION) {
            throw new IllegalStateException("received a message of format version " + version
                    + ", but this process reads version " + VERSION + " only: do both ends run the same"
                    + " multiprocessing4j version?");
        }
        if (length >= 2 && (bytes[offset + 1] & 0xFF) == FALLBACK) {
            try {
                return fallback.deserialize(bytes, offset + 2, length - 2);
            } catch (IllegalStateException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new IllegalStateException("received a message that cannot be read: " + e, e);
            }
        }
        Reader in = new Reader(bytes, offset + 1, offset + length);
        try {
            Object message = in.value(0);
            if (in.pos != in.end) {
                throw new IllegalStateException("received a message with " + (in.end - in.pos)
                        + " bytes after its value");
            }
            return message;
        } catch (IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            // a TreeMap of keys that do not compare (ClassCastException, NullPointerException)
            throw new IllegalStateException("received a message that cannot be read: " + e, e);
        }
    }

    /**
     * Refuses a message of {@code size} bytes or more when that is over the limit (SPEC M2).
     * While a message is being written, {@code size} is what it takes at least.
     */
    private static void checkSize(long size, int maxBytes) {
        if (size > maxBytes) {
            String mebibytes = maxBytes % (1024 * 1024) == 0 ? " (" + maxBytes / (1024 * 1024) + " MiB)" : "";
            throw new IllegalArgumentException("a message of at least " + size + " bytes, encoded, is larger than the"
                    + " limit of " + maxBytes + " bytes" + mebibytes + "; send it in parts");
        }
    }

    private static Set<Class<?>> classesOf(Object... samples) {
        Set<Class<?>> classes = new HashSet<>();
        for (Object sample : samples) {
            classes.add(sample.getClass());
        }
        return Set.copyOf(classes);
    }

    private static int collectionTag(Class<?> type) {
        if (type == ArrayList.class || type == Arrays.asList().getClass()) {
            return ARRAY_LIST;
        } else if (type == LinkedList.class) {
            return LINKED_LIST;
        } else if (type == HashMap.class) {
            return HASH_MAP;
        } else if (type == LinkedHashMap.class) {
            return LINKED_HASH_MAP;
        } else if (type == TreeMap.class) {
            return TREE_MAP;
        } else if (type == HashSet.class) {
            return HASH_SET;
        } else if (type == LinkedHashSet.class) {
            return LINKED_HASH_SET;
        } else if (type == TreeSet.class) {
            return TREE_SET;
        } else if (UNMODIFIABLE_LISTS.contains(type)) {
            return UNMODIFIABLE_LIST;
        } else if (UNMODIFIABLE_MAPS.contains(type)) {
            return UNMODIFIABLE_MAP;
        } else if (UNMODIFIABLE_SETS.contains(type)) {
            return UNMODIFIABLE_SET;
        }
        return NOT_COMPACT;
    }

    /** True if {@code s} holds a surrogate that is not half of a pair: UTF-8 cannot carry it. */
    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            }
        }
        return false;
    }

    /** A growing array that refuses to grow past the limit. */
    private static final class Writer {
        // every ensure() asks for exactly the bytes about to be written, so that a message is
        // refused as soon as it is sure to be over the limit, and never before
        private final int limit;
        private byte[] buf = new byte[64];
        private int pos;

        Writer(int limit) {
            this.limit = limit;
        }

        byte[] toArray() {
            checkSize(pos, limit);
            return Arrays.copyOf(buf, pos);
        }

        private void ensure(long extra) {
            long needed = pos + extra;
            if (needed > buf.length) {
                checkSize(needed, limit);
                buf = Arrays.copyOf(buf, (int) Math.min(Math.max(needed, 2L * buf.length), limit));
            }
        }

        void u8(int value) {
            ensure(1);
            buf[pos++] = (byte) value;
        }

        void varint(int value) {
            ensure((38 - Integer.numberOfLeadingZeros(value | 1)) / 7);
            while ((value & ~0x7F) != 0) {
                buf[pos++] = (byte) ((value & 0x7F) | 0x80);
                value >>>= 7;
            }
            buf[pos++] = (byte) value;
        }

        void varlong(long value) {
            ensure((70 - Long.numberOfLeadingZeros(value | 1)) / 7);
            while ((value & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((value & 0x7F) | 0x80);
                value >>>= 7;
            }
            buf[pos++] = (byte) value;
        }

        /** Writes a tag and a count, and makes room for the {@code count * width} bytes that follow. */
        private void header(int tag, int count, int width) {
            u8(tag);
            varint(count);
            ensure((long) count * width);
        }

        /**
         * Writes one value, or returns false (leaving garbage behind) when it or anything in it
         * has no compact form.
         */
        boolean value(Object value, int depth) {
            if (value == null) {
                u8(NULL);
            } else if (value instanceof Integer i) {
                u8(INT);
                varint((i << 1) ^ (i >> 31));
            } else if (value instanceof String s) {
                string(s);
            } else if (value instanceof Long l) {
                u8(LONG);
                varlong((l << 1) ^ (l >> 63));
            } else if (value instanceof Double d) {
                ensure(9);
                buf[pos++] = DOUBLE;
                LONG_LE.set(buf, pos, Double.doubleToRawLongBits(d));
                pos += 8;
            } else if (value instanceof Boolean b) {
                u8(b ? TRUE : FALSE);
            } else if (value instanceof byte[] a) {
                header(BYTES, a.length, 1);
                System.arraycopy(a, 0, buf, pos, a.length);
                pos += a.length;
            } else if (value instanceof Collection<?> || value instanceof Map<?, ?>) {
                return collection(value, depth);
            } else {
                return scalarOrArray(value);
            }
            return true;
        }

        private void string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            // a lone surrogate became '?': one byte for one char, or more bytes for other chars
            if ((utf8.length != s.length() || contains(utf8, (byte) '?')) && hasLoneSurrogate(s)) {
                header(STRING_UTF16, s.length(), 2);
                for (int i = 0; i < s.length(); i++) {
                    SHORT_LE.set(buf, pos, (short) s.charAt(i));
                    pos += 2;
                }
                return;
            }
            header(STRING, utf8.length, 1);
            System.arraycopy(utf8, 0, buf, pos, utf8.length);
            pos += utf8.length;
        }

        private static boolean contains(byte[] bytes, byte b) {
            for (byte each : bytes) {
                if (each == b) {
                    return true;
                }
            }
            return false;
        }

        private boolean scalarOrArray(Object value) {
            if (value instanceof Float f) {
                ensure(5);
                buf[pos++] = FLOAT;
                INT_LE.set(buf, pos, Float.floatToRawIntBits(f));
                pos += 4;
            } else if (value instanceof Short s) {
                ensure(3);
                buf[pos++] = SHORT;
                SHORT_LE.set(buf, pos, s);
                pos += 2;
            } else if (value instanceof Byte b) {
                ensure(2);
                buf[pos++] = BYTE;
                buf[pos++] = b;
            } else if (value instanceof Character c) {
                ensure(3);
                buf[pos++] = CHAR;
                SHORT_LE.set(buf, pos, (short) c.charValue());
                pos += 2;
            } else if (value instanceof int[] a) {
                header(INTS, a.length, 4);
                for (int each : a) {
                    INT_LE.set(buf, pos, each);
                    pos += 4;
                }
            } else if (value instanceof long[] a) {
                header(LONGS, a.length, 8);
                for (long each : a) {
                    LONG_LE.set(buf, pos, each);
                    pos += 8;
                }
            } else if (value instanceof double[] a) {
                header(DOUBLES, a.length, 8);
                for (double each : a) {
                    LONG_LE.set(buf, pos, Double.doubleToRawLongBits(each));
                    pos += 8;
                }
            } else if (value instanceof float[] a) {
                header(FLOATS, a.length, 4);
                for (float each : a) {
                    INT_LE.set(buf, pos, Float.floatToRawIntBits(each));
                    pos += 4;
                }
            } else if (value instanceof boolean[] a) {
                header(BOOLEANS, a.length, 1);
                for (boolean each : a) {
                    buf[pos++] = (byte) (each ? 1 : 0);
                }
            } else if (value instanceof short[] a) {
                header(SHORTS, a.length, 2);
                for (short each : a) {
                    SHORT_LE.set(buf, pos, each);
                    pos += 2;
                }
            } else if (value instanceof char[] a) {
                header(CHARS, a.length, 2);
                for (char each : a) {
                    SHORT_LE.set(buf, pos, (short) each);
                    pos += 2;
                }
            } else {
                return false;
            }
            return true;
        }

        private boolean collection(Object value, int depth) {
            int tag = COLLECTION_TAGS.get(value.getClass());
            if (tag == NOT_COMPACT || depth >= MAX_DEPTH) {
                return false;
            }
            if ((value instanceof SortedMap<?, ?> sorted && sorted.comparator() != null)
                    || (value instanceof SortedSet<?> sortedSet && sortedSet.comparator() != null)) {
                return false;
            }
            if (value instanceof Map<?, ?> map) {
                int size = map.size();
                header(tag, size, 2);
                int written = 0;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (!value(entry.getKey(), depth + 1) || !value(entry.getValue(), depth + 1)) {
                        return false;
                    }
                    written++;
                }
                // a map changed by another thread while it was written: Java serialization would fail too
                return written == size;
            }
            Collection<?> collection = (Collection<?>) value;
            int size = collection.size();
            header(tag, size, 1);
            int written = 0;
            for (Object element : collection) {
                if (!value(element, depth + 1)) {
                    return false;
                }
                written++;
            }
            return written == size;
        }
    }

    /** Reads values from a part of an array, checking every count against the bytes left. */
    private static final class Reader {
        private final byte[] buf;
        private final int end;
        private int pos;

        Reader(byte[] buf, int pos, int end) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        private IllegalStateException truncated(long needed) {
            return new IllegalStateException("received a message cut short: " + needed + " more bytes announced at offset "
                    + pos + ", " + (end - pos) + " left");
        }

        private void need(long bytes) {
            if (bytes > end - pos) {
                throw truncated(bytes);
            }
        }

        int u8() {
            need(1);
            return buf[pos++] & 0xFF;
        }

        int varint() {
            int result = 0;
            for (int shift = 0; shift < 32; shift += 7) {
                int b = u8();
                if (shift == 28 && b > 0x0F) {
                    throw new IllegalStateException("received a message with a malformed number at offset " + pos);
                }
                result |= (b & 0x7F) << shift;
                if (b < 0x80) {
                    return result;
                }
            }
            throw new IllegalStateException("received a message with a malformed number at offset " + pos);
        }

        long varlong() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = u8();
                if (shift == 63 && b > 0x01) {
                    throw new IllegalStateException("received a message with a malformed number at offset " + pos);
                }
                result |= (long) (b & 0x7F) << shift;
                if (b < 0x80) {
                    return result;
                }
            }
            throw new IllegalStateException("received a message with a malformed number at offset " + pos);
        }

        /** A count of entries that take at least {@code width} bytes each, checked against the bytes left. */
        int count(int width) {
            int count = varint();
            if (count < 0 || (long) count * width > end - pos) {
                throw new IllegalStateException("received a message that announces " + (count & 0xFFFFFFFFL)
                        + " entries of at least " + width + " bytes with " + (end - pos) + " bytes left");
            }
            return count;
        }

        Object value(int depth) {
            int tag = u8();
            switch (tag) {
                case NULL:
                    return null;
                case FALSE:
                    return Boolean.FALSE;
                case TRUE:
                    return Boolean.TRUE;
                case INT: {
                    int zigzag = varint();
                    return (zigzag >>> 1) ^ -(zigzag & 1);
                }
                case LONG: {
                    long zigzag = varlong();
                    return (zigzag >>> 1) ^ -(zigzag & 1);
                }
                case STRING: {
                    int n = count(1);
                    String s = new String(buf, pos, n, StandardCharsets.UTF_8);
                    pos += n;
                    return s;
                }
                case DOUBLE: {
                    need(8);
                    double d = Double.longBitsToDouble((long) LONG_LE.get(buf, pos));
                    pos += 8;
                    return d;
                }
                case BYTES: {
                    int n = count(1);
                    byte[] a = Arrays.copyOfRange(buf, pos, pos + n);
                    pos += n;
                    return a;
                }
                case ARRAY_LIST:
                case LINKED_LIST:
                case UNMODIFIABLE_LIST:
                case HASH_SET:
                case LINKED_HASH_SET:
                case TREE_SET:
                case UNMODIFIABLE_SET:
                    return collection(tag, depth);
                case HASH_MAP:
                case LINKED_HASH_MAP:
                case TREE_MAP:
                case UNMODIFIABLE_MAP:
                    return map(tag, depth);
                default:
                    return scalarOrArray(tag);
            }
        }

        private Object scalarOrArray(int tag) {
            switch (tag) {
                case BYTE:
                    return (byte) u8();
                case SHORT: {
                    need(2);
                    short s = (short) SHORT_LE.get(buf, pos);
                    pos += 2;
                    return s;
                }
                case CHAR: {
                    need(2);
                    char c = (char) (short) SHORT_LE.get(buf, pos);
                    pos += 2;
                    return c;
                }
                case FLOAT: {
                    need(4);
                    float f = Float.intBitsToFloat((int) INT_LE.get(buf, pos));
                    pos += 4;
                    return f;
                }
                case STRING_UTF16: {
                    char[] chars = new char[count(2)];
                    for (int i = 0; i < chars.length; i++, pos += 2) {
                        chars[i] = (char) (short) SHORT_LE.get(buf, pos);
                    }
                    return new String(chars);
                }
                case BOOLEANS: {
                    boolean[] a = new boolean[count(1)];
                    for (int i = 0; i < a.length; i++) {
                        int b = buf[pos++];
                        if (b != 0 && b != 1) {
                            throw new IllegalStateException("received a message with a boolean of " + b);
                        }
                        a[i] = b == 1;
                    }
                    return a;
                }
                case SHORTS: {
                    short[] a = new short[count(2)];
                    for (int i = 0; i < a.length; i++, pos += 2) {
                        a[i] = (short) SHORT_LE.get(buf, pos);
                    }
                    return a;
                }
                case CHARS: {
                    char[] a = new char[count(2)];
                    for (int i = 0; i < a.length; i++, pos += 2) {
                        a[i] = (char) (short) SHORT_LE.get(buf, pos);
                    }
                    return a;
                }
                case INTS: {
                    int[] a = new int[count(4)];
                    for (int i = 0; i < a.length; i++, pos += 4) {
                        a[i] = (int) INT_LE.get(buf, pos);
                    }
                    return a;
                }
                case LONGS: {
                    long[] a = new long[count(8)];
                    for (int i = 0; i < a.length; i++, pos += 8) {
                        a[i] = (long) LONG_LE.get(buf, pos);
                    }
                    return a;
                }
                case FLOATS: {
                    float[] a = new float[count(4)];
                    for (int i = 0; i < a.length; i++, pos += 4) {
                        a[i] = Float.intBitsToFloat((int) INT_LE.get(buf, pos));
                    }
                    return a;
                }
                case DOUBLES: {
                    double[] a = new double[count(8)];
                    for (int i = 0; i < a.length; i++, pos += 8) {
                        a[i] = Double.longBitsToDouble((long) LONG_LE.get(buf, pos));
                    }
                    return a;
                }
                default:
                    throw new IllegalStateException("received a message with an unknown tag " + tag + " at offset "
                            + (pos - 1));
            }
        }

        private void enter(int depth) {
            if (depth >= MAX_DEPTH) {
                throw new IllegalStateException("received a message nested more than " + MAX_DEPTH
                        + " collections deep");
            }
        }

        private Collection<Object> collection(int tag, int depth) {
            enter(depth);
            int size = count(1);
            Collection<Object> elements = switch (tag) {
                case ARRAY_LIST, UNMODIFIABLE_LIST -> new ArrayList<>(size);
                case LINKED_LIST -> new LinkedList<>();
                case HASH_SET -> new HashSet<>(capacity(size));
                case LINKED_HASH_SET, UNMODIFIABLE_SET -> new LinkedHashSet<>(capacity(size));
                default -> new TreeSet<>();
            };
            for (int i = 0; i < size; i++) {
                elements.add(value(depth + 1));
            }
            if (tag == UNMODIFIABLE_LIST) {
                return Collections.unmodifiableList((List<Object>) elements);
            } else if (tag == UNMODIFIABLE_SET) {
                return Collections.unmodifiableSet((Set<Object>) elements);
            }
            return elements;
        }

        private Map<Object, Object> map(int tag, int depth) {
            enter(depth);
            int size = count(2);
            Map<Object, Object> map = switch (tag) {
                case HASH_MAP -> new HashMap<>(capacity(size));
                case LINKED_HASH_MAP, UNMODIFIABLE_MAP -> new LinkedHashMap<>(capacity(size));
                default -> new TreeMap<>();
            };
            for (int i = 0; i < size; i++) {
                Object key = value(depth + 1);
                map.put(key, value(depth + 1));
            }
            return tag == UNMODIFIABLE_MAP ? Collections.unmodifiableMap(map) : map;
        }

        /** A hash table's capacity that holds {@code size} entries without rehashing. */
        private static int capacity(int size) {
            return (int) Math.min(Integer.MAX_VALUE, size * 4L / 3 + 1);
        }
    }
}
