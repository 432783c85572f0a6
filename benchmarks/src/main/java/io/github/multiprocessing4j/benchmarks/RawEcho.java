package io.github.multiprocessing4j.benchmarks;

import io.github.multiprocessing4j.internal.ring.MappedRing;
import io.github.multiprocessing4j.internal.ring.PeerGoneException;
import io.github.multiprocessing4j.internal.ring.RingReader;
import io.github.multiprocessing4j.internal.ring.RingWriter;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The other JVM of the floor figures ({@link FloorFigures}): sends back every 8-byte message it
 * receives, until the benchmark says stop or ends. Three ways:
 * <ul>
 * <li>{@code uds <socket> <parent pid>}: connects to the Unix-domain socket and echoes, blocking;</li>
 * <li>{@code shm <file> <parent pid>}: spins on the ping word of the mapped file and copies each
 *     new value to the pong word;</li>
 * <li>{@code ring <in> <out> <parent pid>}: reads each message from the ring {@code in} and writes
 *     it into the ring {@code out}.</li>
 * </ul>
 * The {@code uds} and {@code shm} ways use nothing but the JDK: they are the bare floor.
 */
public final class RawEcho {

    /** The ping word of the {@code shm} file: the benchmark writes it. {@link #STOP} there ends the echo. */
    static final int PING_AT = 0;
    /** The pong word, on a cache line of its own: the echo writes it. */
    static final int PONG_AT = 64;
    /** The size of the {@code shm} file. */
    static final int SHM_BYTES = 4096;
    /** The ping that ends the {@code shm} echo. */
    static final long STOP = -1;
    /** Aligned longs of a direct buffer, with acquire and release semantics across processes. */
    static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    /** How many spins pass between two looks at whether the other process is alive. */
    static final int SPINS_PER_CHECK = 1 << 20;

    private RawEcho() {
    }

    /**
     * Echoes until told to stop; exits 3 when the benchmark's JVM is gone.
     *
     * @param args the way and its arguments, as above
     * @throws IOException if the socket or file cannot be opened
     */
    public static void main(String[] args) throws IOException {
        long parentPid = Long.parseLong(args[args.length - 1]);
        BooleanSupplier parentAlive = () -> ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false);
        switch (args[0]) {
            case "uds" -> uds(Path.of(args[1]));
            case "shm" -> shm(Path.of(args[1]), parentAlive);
            case "ring" -> ring(Path.of(args[1]), Path.of(args[2]), parentAlive);
            default -> throw new IllegalArgumentException("usage: RawEcho uds|shm|ring ... <parent pid>");
        }
    }

    private static void uds(Path socket) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer message = ByteBuffer.allocateDirect(8);
            while (true) {
                message.clear();
                while (message.hasRemaining()) {
                    if (channel.read(message) < 0) {
                        return;   // the benchmark closed its end (or ended)
                    }
                }
                message.flip();
                while (message.hasRemaining()) {
                    channel.write(message);
                }
            }
        }
    }

    private static void shm(Path file, BooleanSupplier parentAlive) throws IOException {
        MappedByteBuffer words;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            words = channel.map(FileChannel.MapMode.READ_WRITE, 0, SHM_BYTES);
        }
        long last = 0;
        int spins = 0;
        while (true) {
            long ping = (long) LONGS.getAcquire(words, PING_AT);
            if (ping == STOP) {
                return;
            }
            if (ping != last) {
                last = ping;
                LONGS.setRelease(words, PONG_AT, ping);
            } else if (++spins == SPINS_PER_CHECK) {
                spins = 0;
                if (!parentAlive.getAsBoolean()) {
                    System.exit(3);
                }
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private static void ring(Path in, Path out, BooleanSupplier parentAlive) throws IOException {
        RingReader reader = MappedRing.open(in).reader(parentAlive);
        RingWriter writer = MappedRing.open(out).writer(parentAlive);
        try {
            while (true) {
                byte[] message = reader.read(Duration.ofDays(1));
                if (message != null && !writer.write(message, Duration.ofDays(1))) {
                    throw new IllegalStateException("no room in the ring for a day");
                }
            }
        } catch (EOFException e) {
            writer.close();   // the benchmark closed its end
        } catch (PeerGoneException e) {
            System.exit(3);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
