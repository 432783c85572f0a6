package io.github.multiprocessing4j.spi;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Copies one output stream of one child to one of the parent's streams, whole lines at a time
 * (SPEC L13), for a launcher whose engine hands a child's output over in frames cut anywhere (a
 * container engine's log stream, a pod's attach stream). Several children write to the same
 * {@code System.out}: each complete line is written under one lock shared by every forwarder of
 * every launcher in this JVM, so lines of concurrent children never mix. The bytes pass through
 * unchanged.
 *
 * <p>A line longer than {@link #MAX_LINE} bytes is written in pieces, so a child that never
 * writes a newline cannot exhaust the parent's memory.
 *
 * <p>Thread-safe: one forwarder per stream of a child, fed by one thread or several in turn.
 */
public final class LineForwarder {

    /** The longest line kept in memory before it is written in pieces. */
    public static final int MAX_LINE = 64 * 1024;

    /** Shared by all forwarders: one line at a time reaches the parent's streams. */
    private static final Object OUTPUT_LOCK = new Object();

    private final Supplier<PrintStream> target;
    private byte[] pending = new byte[256];
    private int length;

    /**
     * A forwarder to a stream looked up at each write ({@code () -> System.out}), so that a
     * stream replaced with {@link System#setOut} is honoured.
     *
     * @param target the parent's stream
     */
    public LineForwarder(Supplier<PrintStream> target) {
        this.target = target;
    }

    /**
     * Takes a frame of output: writes every line it completes, keeps the rest.
     *
     * @param bytes the frame's payload
     */
    public synchronized void write(byte[] bytes) {
        int lastNewline = lastIndexOf(bytes, (byte) '\n');
        if (lastNewline < 0) {
            append(bytes, 0, bytes.length);
            if (length >= MAX_LINE) {
                emitPending();
            }
            return;
        }
        int complete = lastNewline + 1;
        synchronized (OUTPUT_LOCK) {
            PrintStream out = target.get();
            if (length > 0) {
                out.write(pending, 0, length);
                length = 0;
            }
            out.write(bytes, 0, complete);
            out.flush();
        }
        append(bytes, complete, bytes.length - complete);
        if (length >= MAX_LINE) {
            emitPending();
        }
    }

    /** Writes what is left of an unfinished last line; call it once the stream has ended. */
    public synchronized void flush() {
        if (length > 0) {
            emitPending();
        }
    }

    private void emitPending() {
        synchronized (OUTPUT_LOCK) {
            PrintStream out = target.get();
            out.write(pending, 0, length);
            out.flush();
        }
        length = 0;
        if (pending.length > MAX_LINE) {
            pending = new byte[256];
        }
    }

    private void append(byte[] bytes, int offset, int count) {
        if (count == 0) {
            return;
        }
        if (length + count > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, length + count));
        }
        System.arraycopy(bytes, offset, pending, length, count);
        length += count;
    }

    private static int lastIndexOf(byte[] bytes, byte value) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
