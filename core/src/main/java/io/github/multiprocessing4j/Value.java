package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.memory.ElementType;
import io.github.multiprocessing4j.internal.memory.SharedBlock;
import java.io.Serial;
import java.io.Serializable;

/**
 * A number shared by processes: Python's {@code multiprocessing.Value(typecode, value, lock=True)}
 * and, without a lock, {@code RawValue}. Hand it to children by capturing it in their target.
 *
 * <pre>{@code
 * Value counter = Value.of('i', 0);                 // Python: counter = Value('i', 0)
 * try (Held held = counter.getLock().hold()) {      // with counter.get_lock():
 *     counter.set(counter.getInt() + 1);            //     counter.value += 1
 * }
 * }</pre>
 *
 * <p>The typecodes are Python's: {@code 'b' 'B' 'h' 'H' 'i' 'I' 'l' 'L' 'q' 'Q'} for integers of
 * 1, 2, 4 and 8 bytes (upper case unsigned; {@code 'l'} and {@code 'L'} are 8 bytes, as on
 * 64-bit Linux), {@code 'f'} and {@code 'd'} for float and double. Where the processes share a
 * host (local and docker launchers) the number lives in shared memory, and its lock is a word
 * next to it; where they do not (a remote launcher, no usable {@code /dev/shm}) each access is a
 * call to the creating process, with the same semantics (SPEC M5).
 *
 * <p>With a lock (the default), every {@code get} and {@code set} takes it, as Python's
 * synchronized wrapper does; the lock is reentrant, so they nest inside a hold of
 * {@link #getLock()}. A write is seen by every process once the writer released the lock, or,
 * without a lock, once {@code set} returned. Beyond Python: a process killed while it holds the
 * lock releases it (SPEC M4), and a value that does not fit the type fails instead of wrapping.
 */
public final class Value implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The number and its lock, in shared memory or in the creating process. */
    private final SharedBlock block;
    /** The lock, or null for a raw value. */
    private final RLock lock;

    private Value(SharedBlock block) {
        this.block = block;
        this.lock = block.isLocked() ? new RLock(block) : null;
    }

    private static Value create(char typecode, boolean lock) {
        return new Value(SharedBlock.create(ElementType.of(typecode), 1, lock));
    }

    /**
     * A value with a lock: Python's {@code Value(typecode, value)}.
     *
     * @param typecode an integer or floating-point typecode
     * @param value the initial value
     * @return the value, hosted by this process
     * @throws IllegalArgumentException for an unknown typecode, or a value that does not fit it
     */
    public static Value of(char typecode, long value) {
        return of(typecode, value, true);
    }

    /**
     * A value with a lock: Python's {@code Value(typecode, value)}.
     *
     * @param typecode {@code 'f'} or {@code 'd'}
     * @param value the initial value
     * @return the value, hosted by this process
     * @throws IllegalArgumentException for an unknown or integer typecode
     */
    public static Value of(char typecode, double value) {
        return of(typecode, value, true);
    }

    /**
     * A value with or without a lock: Python's {@code Value(typecode, value, lock=lock)}.
     *
     * @param typecode an integer or floating-point typecode
     * @param value the initial value
     * @param lock whether it has a lock; without one it is Python's {@code RawValue}
     * @return the value, hosted by this process
     * @throws IllegalArgumentException for an unknown typecode, or a value that does not fit it
     */
    public static Value of(char typecode, long value, boolean lock) {
        ElementType type = ElementType.of(typecode);
        long raw = type.fromLong(value);
        Value created = create(typecode, lock);
        created.block.set(0, raw);
        return created;
    }

    /**
     * A value with or without a lock: Python's {@code Value(typecode, value, lock=lock)}.
     *
     * @param typecode {@code 'f'} or {@code 'd'}
     * @param value the initial value
     * @param lock whether it has a lock; without one it is Python's {@code RawValue}
     * @return the value, hosted by this process
     * @throws IllegalArgumentException for an unknown or integer typecode
     */
    public static Value of(char typecode, double value, boolean lock) {
        ElementType type = ElementType.of(typecode);
        long raw = type.fromDouble(value);
        Value created = create(typecode, lock);
        created.block.set(0, raw);
        return created;
    }

    /**
     * A value without a lock: Python's {@code RawValue(typecode, value)}.
     *
     * @param typecode an integer or floating-point typecode
     * @param value the initial value
     * @return the value, hosted by this process
     * @throws IllegalArgumentException for an unknown typecode, or a value that does not fit it
     */
    public static Value raw(char typecode, long value) {
        return of(typecode, value, false);
    }

    /**
     * A value without a lock: Python's {@code RawValue(typecode, value)}.
     *
     * @param typecode {@code 'f'} or {@code 'd'}
     * @param value the initial value
     * @return the value, hosted by this process
     * @throws IllegalArgumentException for an unknown or integer typecode
     */
    public static Value raw(char typecode, double value) {
        return of(typecode, value, false);
    }

    /**
     * An {@code int} with a lock: {@code Value('i', value)}.
     *
     * @param value the initial value
     * @return the value
     */
    public static Value ofInt(int value) {
        return of('i', value);
    }

    /**
     * A {@code long} with a lock: {@code Value('q', value)}.
     *
     * @param value the initial value
     * @return the value
     */
    public static Value ofLong(long value) {
        return of('q', value);
    }

    /**
     * A {@code double} with a lock: {@code Value('d', value)}.
     *
     * @param value the initial value
     * @return the value
     */
    public static Value ofDouble(double value) {
        return of('d', value);
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
     * The value as an {@code int}: Python's {@code .value}.
     *
     * @return the value
     * @throws IllegalStateException for a floating-point typecode
     * @throws ArithmeticException if the value does not fit an {@code int} (typecodes 'I', 'l', 'L', 'q', 'Q')
     */
    public int getInt() {
        return Math.toIntExact(getLong());
    }

    /**
     * The value as a {@code long}: Python's {@code .value}. For {@code 'L'} and {@code 'Q'}, the
     * unsigned value's bits ({@link Long#toUnsignedString(long)} prints it).
     *
     * @return the value
     * @throws IllegalStateException for a floating-point typecode
     */
    public long getLong() {
        ElementType type = block.type();
        type.checkIntegers();
        return type.toLong(block.get(0));
    }

    /**
     * The value as a {@code double}: Python's {@code .value}; integers are converted.
     *
     * @return the value
     */
    public double getDouble() {
        return block.type().toDouble(block.get(0));
    }

    /**
     * Sets the value: Python's {@code .value = value}.
     *
     * @param value the new value; converted for a floating-point typecode
     * @throws IllegalArgumentException if it does not fit an integer typecode
     */
    public void set(long value) {
        block.set(0, block.type().fromLong(value));
    }

    /**
     * Sets the value: Python's {@code .value = value}.
     *
     * @param value the new value
     * @throws IllegalArgumentException for an integer typecode (Python: TypeError)
     */
    public void set(double value) {
        block.set(0, block.type().fromDouble(value));
    }

    /**
     * The lock that guards the value, the same in every process: Python's {@code get_lock()}.
     *
     * @return the reentrant lock, never null
     * @throws IllegalStateException if the value has no lock (made with {@code lock=false} or
     *     {@link #raw}); Python's raw value has no {@code get_lock} either
     */
    public RLock getLock() {
        if (lock == null) {
            throw new IllegalStateException("this Value has no lock: it was made with lock=false (Python's RawValue)");
        }
        return lock;
    }

    /**
     * Whether the value has a lock.
     *
     * @return false for a raw value
     */
    public boolean hasLock() {
        return lock != null;
    }

    /**
     * Python's repr: {@code <Synchronized wrapper for c_int(5)>}, or {@code c_int(5)} without a lock.
     *
     * @return the text
     */
    @Override
    public String toString() {
        ElementType type = block.type();
        String raw = type.ctype() + "(" + type.format(block.get(0)) + ")";
        return lock == null ? raw : "<Synchronized wrapper for " + raw + ">";
    }
}
