package io.github.multiprocessing4j.tck;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * A hostile peer of the control channel (SPEC C1–C4), from the outside: it finds the channel on
 * a child's command line, which ends with
 * {@code io.github.multiprocessing4j.internal.process.ChildRuntime <unix socket path> <child id>}, and
 * speaks its framing: a 4-byte big-endian length N, then a type byte and N-1 bytes of payload;
 * HELLO (1, the child id), CHALLENGE (2, 32 random bytes), RESPONSE (3, an HMAC-SHA256).
 */
final class ControlChannelProbe {

    static final String CHILD_RUNTIME = "io.github.multiprocessing4j.internal.process.ChildRuntime";
    static final byte HELLO = 1;
    static final byte CHALLENGE = 2;
    static final byte RESPONSE = 3;

    private static final Pattern HEX_64 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern BASE64_32_BYTES = Pattern.compile("[A-Za-z0-9+/_-]{43}=?");
    private static final Pattern TOKEN_SEPARATORS = Pattern.compile("[^A-Za-z0-9+/=_-]+");

    private ControlChannelProbe() {
    }

    /** Where a child's control channel is, as its command line says. */
    record Endpoint(Path socket, String childId, List<String> commandLine) {
    }

    /**
     * Reads the channel's socket and the child id from the child's command line.
     *
     * @param pid the child's pid
     * @return the endpoint; fails the test if the command line does not show one in time
     * @throws InterruptedException if interrupted while waiting
     */
    static Endpoint endpointOf(long pid) throws InterruptedException {
        List<List<String>> seen = new ArrayList<>();
        boolean found = Poll.until(() -> {
            Optional<List<String>> line = OsProcesses.commandLine(pid);
            line.ifPresent(l -> {
                seen.clear();
                seen.add(l);
            });
            int at = line.map(l -> l.indexOf(CHILD_RUNTIME)).orElse(-1);
            return at >= 0 && line.get().size() >= at + 3;
        }, Duration.ofSeconds(10));
        if (!found) {
            throw new AssertionError("the command line of child pid " + pid + " does not end with " + CHILD_RUNTIME
                    + " <socket> <child id>: " + seen);
        }
        List<String> line = seen.get(0);
        int at = line.indexOf(CHILD_RUNTIME);
        return new Endpoint(Path.of(line.get(at + 1)), line.get(at + 2), line);
    }

    static SocketChannel connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return channel;
    }

    static byte[] frame(byte type, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).putInt(payload.length + 1).put(type).put(payload).array();
    }

    static void send(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /**
     * Reads one frame, waiting at most {@code timeout}.
     *
     * @return the type byte followed by the payload; empty if the peer closed the channel or
     *     sent nothing in time
     */
    static Optional<byte[]> readFrame(SocketChannel channel, Duration timeout) throws InterruptedException {
        CompletableFuture<byte[]> frame = CompletableFuture.supplyAsync(() -> {
            try {
                ByteBuffer header = ByteBuffer.allocate(4);
                if (!readFully(channel, header)) {
                    return null;
                }
                int length = header.flip().getInt();
                if (length < 1 || length > 1 << 20) {
                    return null;
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                return readFully(channel, body) ? body.array() : null;
            } catch (IOException e) {
                return null;
            }
        }, ControlChannelProbe::daemonThread);
        try {
            return Optional.ofNullable(frame.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException | ExecutionException e) {
            return Optional.empty();
        }
    }

    private static boolean readFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Starts watching a connection: the future completes when the peer closes it (end of
     * stream or a reset). Whatever the peer sends before is read and discarded.
     *
     * @param channel the connection
     * @return the future, completed with the time it was dropped ({@link System#nanoTime()})
     */
    static CompletableFuture<Long> dropped(SocketChannel channel) {
        return CompletableFuture.supplyAsync(() -> {
            ByteBuffer sink = ByteBuffer.allocate(4096);
            try {
                while (channel.read(sink) >= 0) {
                    sink.clear();
                }
            } catch (IOException e) {
                // reset by the peer, or closed by us: either way the connection is gone
            }
            return System.nanoTime();
        }, ControlChannelProbe::daemonThread);
    }

    /**
     * Whether the connection watched by {@code dropped} was dropped within {@code timeout}.
     *
     * @param dropped the watch
     * @param timeout how long to wait at most
     * @return true if the peer dropped it in time
     * @throws InterruptedException if interrupted while waiting
     */
    static boolean droppedWithin(CompletableFuture<Long> dropped, Duration timeout) throws InterruptedException {
        try {
            dropped.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    private static void daemonThread(Runnable task) {
        Thread thread = new Thread(task, "tck-control-channel-probe");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Text tokens that look like a 32-byte secret in a usual text encoding: 64 hex digits, or 43
     * base64/base64url characters (44 with padding) mixing digits, upper and lower case letters,
     * as random bytes do (a path or a class name does not). Tokens are split at characters that
     * cannot occur in these encodings, and also at {@code =} so that {@code KEY=<secret>} is
     * found.
     *
     * @param texts command line arguments or environment entries
     * @param allowed tokens that are known not to be the secret (the child id)
     * @return the suspicious tokens
     */
    static List<String> secretLikeTokens(List<String> texts, String allowed) {
        List<String> found = new ArrayList<>();
        for (String text : texts) {
            for (String token : TOKEN_SEPARATORS.split(text)) {
                List<String> candidates = new ArrayList<>(List.of(token));
                candidates.addAll(List.of(token.split("=")));
                for (String candidate : candidates) {
                    if (!candidate.equals(allowed) && looksLikeSecret(candidate) && !found.contains(candidate)) {
                        found.add(candidate);
                    }
                }
            }
        }
        return found;
    }

    private static boolean looksLikeSecret(String token) {
        if (HEX_64.matcher(token).matches()) {
            return true;
        }
        return BASE64_32_BYTES.matcher(token).matches()
                && token.chars().anyMatch(Character::isDigit)
                && token.chars().anyMatch(Character::isUpperCase)
                && token.chars().anyMatch(Character::isLowerCase);
    }
}
