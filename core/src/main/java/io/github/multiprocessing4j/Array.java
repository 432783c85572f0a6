package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.memory.ElementType;
import io.github.multiprocessing4j.internal.memory.SharedBlock;
import java.io.Serial;
import java.io.Serializable;
import java.util.Objects;

/**
 * A fixed-length array of numbers shared by processes: Python's
 * {@code multiprocessing.Array(typecode, size_or_initializer, lock=True)} and, without a lock,
 * {@code RawArray}. Hand it to children by capturing it in their target.
 *
 * <pre>{@code
 * Array squares = Array.of('d', 10);            // Python: squares = Array('d', 10)
 * squares.set(3, 9.0);                          // squares[3] = 9.0
 * double[] all = squares.toDoubleArray();       // squares[:]
 * }</pre>
 *
 * <p>The typecodes, where the elements live and how writes become visible are as for
 * {@link Value}. With a lock (the default) every element access and every bulk copy takes it
 * (a bulk copy once, for all its elements), as Python's synchronized wrapper does; the lock is
 * reentrant, so they nest inside a hold of {@link #getLock()}.
 */
public final class Array implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The elements and their lock, in shared memory or in the creating process. */
    private final SharedBlock block;
    /** The lock, or null for a raw array. */
    private final RLock lock;

    private Array(SharedBlock block) {
        this.block = block;
        this.lock = block.isLocked() ? new RLock(block) : null;
    }

    /**
     * Zeroed elements, with or without a lock: Python's {@code Array(typecode, length, lock=lock)}.
     *
     * @param typecode an integer or floating-point typecode
     * @param length the number of elements, at least 0
     * @param lock whether it has a lock; without one it is Python's {@code RawArray}
     * @return the array, hosted by this process
     * @throws IllegalArgumentException for an unknown typecode or a negative length
     */
    public static Array of(char typecode, int length, boolean lock) {
        return new Array(SharedBlock.create(ElementType.of(typecode), length, lock));
    }

    /**
     * Zeroed elements with a lock: Python's {@code Array(typecode, length)}.
     *
     * @param typecode an integer or floating-point typecode
     * @param length the number of elements, at least 0
     * @return the array, hosted by this process
     * @throws IllegalArgumentException for an unknown typecode or a negative length
     */
    public static Array of(char typecode, int length) {
        return of(typecode, length, true);
    }

    /**
     * These elements, with or without a lock: Python's {@code Array(typecode, [..], lock=lock)}.
     *
     * @param typecode an integer or floating-point typecode
     * @param values the initial elements, which give the length
     * @param lock whether it has a lock
     * @return the array, hosted by this process
     * @throws IllegalArgumentException for an unknown typecode, or an element that does not fit it
     */
    public static Array of(char typecode, long[] values, boolean lock) {
        ElementType type = ElementType.of(typecode);
        long[] raw = new long[values.length];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = type.fromLong(values[i]);
        }
        return filled(type, raw, lock);
    }

    /**
     * These elements, with or without a lock: Python's {@code Array(typecode, [..], lock=lock)}.
     *
     * @param typecode {@code 'f'} or {@code 'd'}
     * @param values the initial elements, which give the length
     * @param lock whether it has a lock
     * @return the array, hosted by this process
     * @throws IllegalArgumentException for an unknown or integer typecode
     */
    public static Array of(char typecode, double[] values, boolean lock) {
        ElementType type = ElementType.of(typecode);
        long[] raw = new long[values.length];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = type.fromDouble(values[i]);
        }
        return filled(type, raw, lock);
    }

    private static Array filled(ElementType type, long[] raw, boolean lock) {
        Array array = new Array(SharedBlock.create(type, raw.length, lock));
        array.block.setAll(0, raw);
        return array;
    }

    /**
     * Zeroed elements without a lock: Python's {@code RawArray(typecode, length)}.
     *
     * @param typecode an integer or floating-point typecode
     * @param length the number of elements, at least 0
     * @return the array, hosted by this process
     * @throws IllegalArgumentException for an unknown typecode or a negative length
     */
    public static Array raw(char typecode, int length) {
        return of(typecode, length, false);
    }

    /**
     * {@code length} zeroed {@code int}s with a lock: {@code Array('i', length)}.
     *
     * @param length the number of elements
     * @return the array
     */
    public static Array ofInts(int length) {
        return of('i', length);
    }

    /**
     * These {@code int}s with a lock: {@code Array('i', values)}.
     *
     * @param values the initial elements
     * @return the array
     */
    public static Array ofInts(int[] values) {
        return of('i', java.util.Arrays.stream(values).asLongStream().toArray(), true);
    }

    /**
     * {@code length} zeroed {@code long}s with a lock: {@code Array('q', length)}.
     *
     * @param length the number of elements
     * @return the array
     */
    public static Array ofLongs(int length) {
        return of('q', length);
    }

    /**
     * These {@code long}s with a lock: {@code Array('q', values)}.
     *
     * @param values the initial elements
     * @return the array
     */
    public static Array ofLongs(long[] values) {
        return of('q', values, true);
    }

    /**
     * {@code length} zeroed {@code double}s with a lock: {@code Array('d', length)}.
     *
     * @param length the number of elements
     * @return the array
     */
    public static Array ofDoubles(int length) {
        return of('d', length);
    }

    /**
     * These {@code double}s with a lock: {@code Array('d', values)}.
     *
     * @param values the initial elements
     * @return the array
     */
    public static Array ofDoubles(double[] values) {
        return of('d', values, true);
    }

    /**
     * The typecode.
     *
     * @return Python's typecode character
     */
    public char typecode() {
        return block.type().code();
    }

    /**
     * The number of elements: Python's {@code len(array)}.
     *
     * @return the length
     */
    public int length() {
        return block.length();
    }

    /**
     * An element as an {@code int}: Python's {@code array[index]}.
     *
     * @param index the element
     * @return its value
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, length())}
     * @throws IllegalStateException for a floating-point typecode
     * @throws ArithmeticException if the element does not fit an {@code int}
     */
    public int getInt(int index) {
        return Math.toIntExact(getLong(index));
    }

    /**
     * An element as a {@code long}: Python's {@code array[index]}.
     *
     * @param index the element
     * @return its value ({@code 'L'} and {@code 'Q'}: the unsigned value's bits)
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, length())}
     * @throws IllegalStateException for a floating-point typecode
     */
    public long getLong(int index) {
        Objects.checkIndex(index, length());
        integersOnly();
        return block.type().toLong(block.get(index));
    }

    /**
     * An element as a {@code double}: Python's {@code array[index]}; integers are converted.
     *
     * @param index the element
     * @return its value
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, length())}
     */
    public double getDouble(int index) {
        Objects.checkIndex(index, length());
        return block.type().toDouble(block.get(index));
    }

    /**
     * Sets an element: Python's {@code array[index] = value}.
     *
     * @param index the element
     * @param value its value; converted for a floating-point typecode
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, length())}
     * @throws IllegalArgumentException if it does not fit an integer typecode
     */
    public void set(int index, long value) {
        Objects.checkIndex(index, length());
        block.set(index, block.type().fromLong(value));
    }

    /**
     * Sets an element: Python's {@code array[index] = value}.
     *
     * @param index the element
     * @param value its value
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, length())}
     * @throws IllegalArgumentException for an integer typecode (Python: TypeError)
     */
    public void set(int index, double value) {
        Objects.checkIndex(index, length());
        block.set(index, block.type().fromDouble(value));
    }

    /**
     * Copies {@code values} into elements {@code offset} on, under one hold of the lock:
     * Python's {@code array[offset:offset + len(values)] = values}.
     *
     * @param offset the first element to set
     * @param values the values
     * @throws IndexOutOfBoundsException if they do not fit from {@code offset}
     * @throws IllegalArgumentException if a value does not fit an integer typecode
     */
    public void set(int offset, long[] values) {
        Objects.checkFromIndexSize(offset, values.length, length());
        long[] raw = new long[values.length];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = block.type().fromLong(values[i]);
        }
        block.setAll(offset, raw);
    }

    /**
     * Copies {@code values} into elements {@code offset} on, under one hold of the lock.
     *
     * @param offset the first element to set
     * @param values the values
     * @throws IndexOutOfBoundsException if they do not fit from {@code offset}
     * @throws IllegalArgumentException if a value does not fit an integer typecode
     */
    public void set(int offset, int[] values) {
        set(offset, java.util.Arrays.stream(values).asLongStream().toArray());
    }

    /**
     * Copies {@code values} into elements {@code offset} on, under one hold of the lock.
     *
     * @param offset the first element to set
     * @param values the values
     * @throws IndexOutOfBoundsException if they do not fit from {@code offset}
     * @throws IllegalArgumentException for an integer typecode
     */
    public void set(int offset, double[] values) {
        Objects.checkFromIndexSize(offset, values.length, length());
        long[] raw = new long[values.length];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = block.type().fromDouble(values[i]);
        }
        block.setAll(offset, raw);
    }

    /**
     * Every element, under one hold of the lock: Python's {@code array[:]}.
     *
     * @return a new array
     * @throws IllegalStateException for a floating-point typecode
     * @throws ArithmeticException if an element does not fit an {@code int}
     */
    public int[] toIntArray() {
        long[] values = toLongArray();
        int[] ints = new int[values.length];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = Math.toIntExact(values[i]);
        }
        return ints;
    }

    /**
     * Every element, under one hold of the lock: Python's {@code array[:]}.
     *
     * @return a new array ({@code 'L'} and {@code 'Q'}: the unsigned values' bits)
     * @throws IllegalStateException for a floating-point typecode
     */
    public long[] toLongArray() {
        integersOnly();
        return block.getAll(0, length());
    }

    /**
     * Every element, under one hold of the lock: Python's {@code array[:]}; integers are converted.
     *
     * @return a new array
     */
    public double[] toDoubleArray() {
        long[] raw = block.getAll(0, length());
        double[] values = new double[raw.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = block.type().toDouble(raw[i]);
        }
        return values;
    }

    private void integersOnly() {
        block.type().checkIntegers();
    }

    /**
     * The lock that guards the elements, the same in every process: Python's {@code get_lock()}.
     *
     * @return the reentrant lock, never null
     * @throws IllegalStateException if the array has no lock (made with {@code lock=false} or {@link #raw})
     */
    public RLock getLock() {
        if (lock == null) {
            throw new IllegalStateException("this Array has no lock: it was made with lock=false (Python's RawArray)");
        }
        return lock;
    }

    /**
     * Whether the array has a lock.
     *
     * @return false for a raw array
     */
    public boolean hasLock() {
        return lock != null;
    }

    /**
     * Python's repr: {@code <SynchronizedArray wrapper for c_int_Array_3>}, or without a lock
     * {@code c_int_Array_3}.
     *
     * @return the text
     */
    @Override
    public String toString() {
        String raw = block.type().ctype() + "_Array_" + length();
        return lock == null ? raw : "<SynchronizedArray wrapper for " + raw + ">";
    }
}
