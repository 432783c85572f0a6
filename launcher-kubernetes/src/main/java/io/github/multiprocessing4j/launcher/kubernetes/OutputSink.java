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
 * shell's error) is passed on, and the pid future fails. The last bytes on stderr may be the
 * script's exit marker and the JVM's exit status ({@link PodTemplate#EXIT_MARKER}), which are
 * consumed too.
 */
final class OutputSink extends OutputStream {

    private static final byte[] EXIT_MARKER = PodTemplate.EXIT_MARKER.getBytes(StandardCharsets.US_ASCII);

    private final LineForwarder forwarder;
    private final CompletableFuture<Long> pid;
    private final CompletableFuture<Integer> exit;
    private ByteArrayOutputStream firstLine;
    /** How many bytes of {@link #EXIT_MARKER} the stream ended with so far: held back. */
    private int markerMatched;
    /** The exit status's digits once the whole marker was seen. */
    private StringBuilder status;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    /**
     * @param forwarder where the bytes go
     * @param pid the future to complete from the first line, or null for a stream without one
     * @param exit the future to complete from the script's exit status ({@link PodTemplate#EXIT_MARKER}),
     *     or null for a stream without one
     */
    OutputSink(LineForwarder forwarder, CompletableFuture<Long> pid, CompletableFuture<Integer> exit) {
        this.forwarder = forwarder;
        this.pid = pid;
        this.exit = exit;
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
                pass(bytes, newline + 1, rest);
            }
            return;
        }
        pass(bytes, offset, length);
    }

    /** Passes bytes on, but for the script's exit marker and status, which complete {@link #exit}. */
    private void pass(byte[] bytes, int offset, int length) {
        if (exit == null) {
            forwarder.write(Arrays.copyOfRange(bytes, offset, offset + length));
            return;
        }
        ByteArrayOutputStream passed = new ByteArrayOutputStream(length);
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (status != null) {
                if (b == '\n') {
                    try {
                        exit.complete(Integer.parseInt(status.toString().trim()));
                    } catch (NumberFormatException e) {
                        // not the script's: nothing to complete
                    }
                    status = null;
                } else {
                    status.append((char) b);
                }
                continue;
            }
            if (b == EXIT_MARKER[markerMatched]) {
                markerMatched++;
                if (markerMatched == EXIT_MARKER.length) {
                    markerMatched = 0;
                    status = new StringBuilder();
                }
                continue;
            }
            if (markerMatched > 0) {
                // a prefix of the marker only: the user's bytes after all
                passed.write(EXIT_MARKER, 0, markerMatched);
                markerMatched = 0;
                if (b == EXIT_MARKER[0]) {
                    markerMatched = 1;
                    continue;
                }
            }
            passed.write(b);
        }
        if (passed.size() > 0) {
            forwarder.write(passed.toByteArray());
        }
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
        if (markerMatched > 0) {
            forwarder.write(Arrays.copyOf(EXIT_MARKER, markerMatched));
            markerMatched = 0;
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
