package io.github.multiprocessing4j.launcher.kubernetes;

import io.github.multiprocessing4j.spi.LineForwarder;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * One of a pod's output streams, as the attach session delivers it, into a {@link LineForwarder}.
 * On stderr, the first line is the start script's pid line ({@link PodTemplate#PID_MARKER}),
 * which is consumed here and never reaches the parent's streams; anything else in its place (a
 * shell's error) is passed on, and the pid future fails.
 */
final class OutputSink extends OutputStream {

    private final LineForwarder forwarder;
    private final CompletableFuture<Long> pid;
    private ByteArrayOutputStream firstLine;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    /**
     * @param forwarder where the bytes go
     * @param pid the future to complete from the first line, or null for a stream without one
     */
    OutputSink(LineForwarder forwarder, CompletableFuture<Long> pid) {
        this.forwarder = forwarder;
        this.pid = pid;
        this.firstLine = pid == null ? null : new ByteArrayOutputStream();
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        if (firstLine != null) {
            int newline = -1;
            for (int i = offset; i < offset + length; i++) {
                if (bytes[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            if (newline < 0) {
                firstLine.write(bytes, offset, length);
                return;
            }
            firstLine.write(bytes, offset, newline - offset);
            String line = firstLine.toString(StandardCharsets.UTF_8);
            firstLine = null;
            if (line.startsWith(PodTemplate.PID_MARKER)) {
                try {
                    pid.complete(Long.parseLong(line.substring(PodTemplate.PID_MARKER.length()).trim()));
                } catch (NumberFormatException e) {
                    pid.completeExceptionally(new IllegalStateException("the pod's start script printed '" + line + "'"));
                }
            } else {
                forwarder.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                pid.completeExceptionally(new IllegalStateException("the pod's start script failed: " + line));
            }
            int rest = offset + length - (newline + 1);
            if (rest > 0) {
                forwarder.write(Arrays.copyOfRange(bytes, newline + 1, offset + length));
            }
            return;
        }
        forwarder.write(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    /** The stream was cut: writes an unfinished line, so that what comes after it starts a new one. */
    synchronized void flushLine() {
        if (firstLine == null) {
            forwarder.flush();
        }
    }

    /** The stream ended: writes an unfinished last line. */
    @Override
    public synchronized void close() {
        if (closed.isDone()) {
            return;
        }
        if (firstLine != null && firstLine.size() > 0) {
            forwarder.write(firstLine.toByteArray());
            pid.completeExceptionally(new IllegalStateException("the pod's start script failed: "
                    + firstLine.toString(StandardCharsets.UTF_8)));
            firstLine = null;
        }
        forwarder.flush();
        closed.complete(null);
    }

    /** Completes once {@link #close()} ran. */
    CompletableFuture<Void> closed() {
        return closed;
    }
}
