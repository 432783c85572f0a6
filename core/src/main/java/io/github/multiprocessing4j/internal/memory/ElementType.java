package io.github.multiprocessing4j.internal.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The C types of Python's typecodes ({@code array} module, {@code multiprocessing.Value}) on a
 * 64-bit Linux host: their size, and how an element is stored in a block and read back. An
 * element travels as its raw bits in a {@code long}: integers sign- or zero-extended as their
 * type is signed or not, floats as their IEEE bits. Loads and stores are volatile (an aligned
 * element of 2, 4 or 8 bytes through a {@link VarHandle}, a byte with fences), so a write is
 * seen by every process once it returned (SPEC M5).
 */
public enum ElementType {
    /** 'b': signed char. */
    BYTE('b', "c_byte", 1, true, false),
    /** 'B': unsigned char. */
    UNSIGNED_BYTE('B', "c_ubyte", 1, false, false),
    /** 'h': signed short. */
    SHORT('h', "c_short", 2, true, false),
    /** 'H': unsigned short. */
    UNSIGNED_SHORT('H', "c_ushort", 2, false, false),
    /** 'i': signed int. */
    INT('i', "c_int", 4, true, false),
    /** 'I': unsigned int. */
    UNSIGNED_INT('I', "c_uint", 4, false, false),
    /** 'l': signed long (64 bits on Linux). */
    LONG('l', "c_long", 8, true, false),
    /** 'L': unsigned long (64 bits on Linux). */
    UNSIGNED_LONG('L', "c_ulong", 8, false, false),
    /** 'q': signed long long. */
    LONG_LONG('q', "c_longlong", 8, true, false),
    /** 'Q': unsigned long long. */
    UNSIGNED_LONG_LONG('Q', "c_ulonglong", 8, false, false),
    /** 'f': float. */
    FLOAT('f', "c_float", 4, true, true),
    /** 'd': double. */
    DOUBLE('d', "c_double", 8, true, true);

    private static final VarHandle SHORTS = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.nativeOrder());
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final String CODES = "b B h H i I l L q Q f d";

    private final char code;
    private final String ctype;
    private final int size;
    private final boolean signed;
    private final boolean floating;

    ElementType(char code, String ctype, int size, boolean signed, boolean floating) {
        this.code = code;
        this.ctype = ctype;
        this.size = size;
        this.signed = signed;
        this.floating = floating;
    }

    /**
     * The type of a typecode.
     *
     * @param code one of {@code b B h H i I l L q Q f d}
     * @return the type, never null
     * @throws IllegalArgumentException for any other code
     */
    public static ElementType of(char code) {
        for (ElementType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown typecode '" + code + "': use one of " + CODES
                + " (Python's array and ctypes typecodes)");
    }

    /**
     * The typecode.
     *
     * @return Python's typecode character
     */
    public char code() {
        return code;
    }

    /**
     * The ctypes name, for {@code toString}.
     *
     * @return e.g. {@code c_int}
     */
    public String ctype() {
        return ctype;
    }

    /**
     * The size of an element.
     *
     * @return bytes: 1, 2, 4 or 8
     */
    public int size() {
        return size;
    }

    /**
     * Whether the type holds floating-point numbers.
     *
     * @return true for 'f' and 'd'
     */
    public boolean isFloating() {
        return floating;
    }

    /**
     * The raw bits of an integer, checked against the type's range.
     *
     * @param value the integer; for 'L' and 'Q' any long, read as unsigned
     * @return the raw bits
     * @throws IllegalArgumentException if the value does not fit the type
     */
    public long fromLong(long value) {
        if (floating) {
            return fromDouble(value);
        }
        if (size < 8) {
            long min = signed ? -(1L << (size * 8 - 1)) : 0;
            long max = signed ? (1L << (size * 8 - 1)) - 1 : (1L << (size * 8)) - 1;
            if (value < min || value > max) {
                throw new IllegalArgumentException(value + " does not fit typecode '" + code + "' (" + ctype + ", "
                        + min + " to " + max + ")");
            }
        }
        // 'l' and 'q' take any long; 'L' and 'Q' take the bits of any long (Java has no unsigned long)
        return value;
    }

    /**
     * The raw bits of a floating-point number.
     *
     * @param value the number
     * @return the raw bits
     * @throws IllegalArgumentException if the type holds integers (Python: TypeError)
     */
    public long fromDouble(double value) {
        if (!floating) {
            throw new IllegalArgumentException("typecode '" + code + "' (" + ctype + ") holds integers, not " + value);
        }
        return size == 4 ? Float.floatToRawIntBits((float) value) & 0xFFFF_FFFFL : Double.doubleToRawLongBits(value);
    }

    /**
     * An element as an integer.
     *
     * @param raw its raw bits
     * @return the integer ('L' and 'Q' as the long of the same bits)
     * @throws IllegalStateException if the type holds floating-point numbers
     */
    public long toLong(long raw) {
        checkIntegers();
        return raw;
    }

    /**
     * Checks that the type holds integers.
     *
     * @throws IllegalStateException if it holds floating-point numbers
     */
    public void checkIntegers() {
        if (floating) {
            throw new IllegalStateException("typecode '" + code + "' (" + ctype + ") holds floating-point numbers:"
                    + " read them as double");
        }
    }

    /**
     * An element as a double.
     *
     * @param raw its raw bits
     * @return the number; an unsigned 64-bit integer as its unsigned value
     */
    public double toDouble(long raw) {
        if (floating) {
            return size == 4 ? Float.intBitsToFloat((int) raw) : Double.longBitsToDouble(raw);
        }
        if (!signed && size == 8 && raw < 0) {
            return (double) (raw >>> 1) * 2.0 + (raw & 1);
        }
        return raw;
    }

    /**
     * The element as Python would print it.
     *
     * @param raw its raw bits
     * @return its text
     */
    public String format(long raw) {
        if (floating) {
            return Double.toString(toDouble(raw));
        }
        return !signed && size == 8 ? Long.toUnsignedString(raw) : Long.toString(raw);
    }

    /**
     * Loads an element, volatile.
     *
     * @param buffer a direct buffer
     * @param offset the element's offset, aligned to its size
     * @return its raw bits
     */
    long load(ByteBuffer buffer, int offset) {
        switch (size) {
            case 1: {
                byte b = buffer.get(offset);
                VarHandle.acquireFence();
                return signed ? b : b & 0xFFL;
            }
            case 2: {
                short s = (short) SHORTS.getVolatile(buffer, offset);
                return signed ? s : s & 0xFFFFL;
            }
            case 4: {
                int i = (int) INTS.getVolatile(buffer, offset);
                return signed && !floating ? i : i & 0xFFFF_FFFFL;
            }
            default:
                return (long) LONGS.getVolatile(buffer, offset);
        }
    }

    /**
     * Stores an element, volatile.
     *
     * @param buffer a direct buffer
     * @param offset the element's offset, aligned to its size
     * @param raw its raw bits
     */
    void store(ByteBuffer buffer, int offset, long raw) {
        switch (size) {
            case 1:
                VarHandle.releaseFence();
                buffer.put(offset, (byte) raw);
                VarHandle.fullFence();
                break;
            case 2:
                SHORTS.setVolatile(buffer, offset, (short) raw);
                break;
            case 4:
                INTS.setVolatile(buffer, offset, (int) raw);
                break;
            default:
                LONGS.setVolatile(buffer, offset, raw);
                break;
        }
    }
}
