package io.github.multiprocessing4j.benchmarks;

import io.github.multiprocessing4j.internal.ring.MappedRing;
import io.github.multiprocessing4j.internal.ring.RingReader;
import io.github.multiprocessing4j.internal.ring.RingWriter;
import io.github.multiprocessing4j.internal.ring.SharedMemoryDirectory;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The floors of messaging on this machine, between this JVM and a second bare JVM
 * ({@link RawEcho}) that echoes 8-byte messages: a Unix-domain socket, a mapped file in
 * {@code /dev/shm} with both sides spinning, and core's {@link MappedRing} (one ring each way).
 * Each is a ping-pong: send one message, wait for it to come back, check it. After the warm-up
 * round trips, each batch is one sample, in microseconds per round trip.
 */
final class FloorFigures {

    private static final File NULL_FILE = new File("/dev/null");
    private static final int RING_BYTES = 1 << 16;

    private final Settings settings;
    private final Results results;
    private final LiveProcesses live;
    private final Path java;
    private final String classPath;
    private final Path scratch;
    private final int warmup;
    private final int batch;

    FloorFigures(Settings settings, Results results, LiveProcesses live, Path java, String classPath, Path scratch) {
        this.settings = settings;
        this.results = results;
        this.live = live;
        this.java = java;
        this.classPath = classPath;
        this.scratch = scratch;
        // round trips of microseconds: ten times the pipe's warm-up, 25 times its batch
        this.warmup = settings.messageWarmup() * 10;
        this.batch = settings.pipeBatch() * 25;
        results.repetitions().put("floor_warmup", warmup);
        results.repetitions().put("floor_batch", batch);
    }

    /** A ping-pong of one floor: sends message {@code i}, returns what came back. */
    @FunctionalInterface
    private interface RoundTrip {
        long send(long message) throws Exception;
    }

    /** Warm-up, then the batches; checks every echo. */
    private Samples measure(RoundTrip roundTrip) throws Exception {
        long next = 1;
        for (int i = 0; i < warmup; i++, next++) {
            check(next, roundTrip.send(next));
        }
        double[] micros = new double[settings.messageBatches()];
        for (int b = 0; b < micros.length; b++) {
            long start = System.nanoTime();
            for (int i = 0; i < batch; i++, next++) {
                check(next, roundTrip.send(next));
            }
            micros[b] = (System.nanoTime() - start) / 1000.0 / batch;
        }
        return Samples.of(micros);
    }

    private static void check(long sent, long received) {
        if (received != sent) {
            throw new IllegalStateException("sent " + sent + ", the echo sent back " + received);
        }
    }

    private Process startEcho(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", classPath, RawEcho.class.getName()));
        command.addAll(List.of(args));
        command.add(Long.toString(ProcessHandle.current().pid()));
        return live.add(new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(NULL_FILE))
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start());
    }

    private void awaitEcho(Process echo) throws InterruptedException {
        if (!echo.waitFor(LocalFigures.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            echo.destroyForcibly();
            throw new IllegalStateException("the echo JVM " + echo.pid() + " did not end within "
                    + LocalFigures.TIMEOUT.toSeconds() + " s");
        }
        live.ended(echo);
        if (echo.exitValue() != 0) {
            throw new IllegalStateException("the echo JVM " + echo.pid() + " ended with exit code " + echo.exitValue());
        }
    }

    /** Kills the echo if the figure failed while it ran; LiveProcesses waits for it. */
    private void stop(Process echo, boolean ended) {
        if (!ended) {
            echo.destroyForcibly();
        }
    }

    // ---------------------------------------------------------------- Unix-domain socket

    /** 8 bytes each way over a Unix-domain socket, blocking reads and writes on both sides. */
    void rawUds() throws Exception {
        Path socket = scratch.resolve("echo.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Process echo = startEcho("uds", socket.toString());
            boolean ended = false;
            try (SocketChannel channel = accept(server, echo)) {
                ByteBuffer out = ByteBuffer.allocateDirect(8);
                ByteBuffer in = ByteBuffer.allocateDirect(8);
                Samples samples = measure(message -> {
                    out.clear().putLong(0, message);
                    while (out.hasRemaining()) {
                        channel.write(out);
                    }
                    in.clear();
                    while (in.hasRemaining()) {
                        if (channel.read(in) < 0) {
                            throw new EOFException("the echo JVM closed the socket");
                        }
                    }
                    return in.getLong(0);
                });
                channel.shutdownOutput();
                awaitEcho(echo);
                ended = true;
                results.record("raw_uds_round_trip_us", "raw floor: 8 bytes over a Unix-domain socket, two bare JVMs"
                        + " (per round trip)", Results.Unit.US, samples);
            } finally {
                stop(echo, ended);
                Files.deleteIfExists(socket);
            }
        }
    }

    /** The echo's connection, while it lives, within the run's time limit for a process. */
    private static SocketChannel accept(ServerSocketChannel server, Process echo) throws Exception {
        server.configureBlocking(false);
        long deadline = System.nanoTime() + LocalFigures.TIMEOUT.toNanos();
        while (true) {
            SocketChannel channel = server.accept();
            if (channel != null) {
                channel.configureBlocking(true);
                return channel;
            }
            if (!echo.isAlive()) {
                throw new IllegalStateException("the echo JVM ended with exit code " + echo.exitValue()
                        + " before it connected");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the echo JVM did not connect within "
                        + LocalFigures.TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(1);
        }
    }

    // ---------------------------------------------------------------- shared memory

    private Optional<SharedMemoryDirectory> sharedMemory(String key) {
        Optional<SharedMemoryDirectory> session = SharedMemoryDirectory.create(SharedMemoryDirectory.DEFAULT_ROOT);
        if (session.isEmpty()) {
            results.skip("shared memory cannot be used under " + SharedMemoryDirectory.DEFAULT_ROOT, key);
        }
        return session;
    }

    /** A ping word and a pong word in a mapped file in /dev/shm; both sides spin, nothing else. */
    void rawShm() throws Exception {
        Optional<SharedMemoryDirectory> session = sharedMemory("raw_shm_round_trip_us");
        if (session.isEmpty()) {
            return;
        }
        try (SharedMemoryDirectory directory = session.get()) {
            Path file = directory.newFile("raw");
            MappedByteBuffer words;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.allocate(RawEcho.SHM_BYTES), 0);
                words = channel.map(FileChannel.MapMode.READ_WRITE, 0, RawEcho.SHM_BYTES);
            }
            Process echo = startEcho("shm", file.toString());
            boolean ended = false;
            try {
                Samples samples = measure(message -> {
                    RawEcho.LONGS.setRelease(words, RawEcho.PING_AT, message);
                    int spins = 0;
                    long pong;
                    while ((pong = (long) RawEcho.LONGS.getAcquire(words, RawEcho.PONG_AT)) != message) {
                        if (++spins == RawEcho.SPINS_PER_CHECK) {
                            spins = 0;
                            if (!echo.isAlive()) {
                                throw new IllegalStateException("the echo JVM ended with exit code " + echo.exitValue()
                                        + "; the last pong was " + pong);
                            }
                        }
                        Thread.onSpinWait();
                    }
                    return pong;
                });
                RawEcho.LONGS.setRelease(words, RawEcho.PING_AT, RawEcho.STOP);
                awaitEcho(echo);
                ended = true;
                results.record("raw_shm_round_trip_us", "raw floor: 8 bytes through a mapped file in /dev/shm, both"
                        + " sides spinning, two bare JVMs (per round trip)", Results.Unit.US, samples);
            } finally {
                stop(echo, ended);
            }
        }
    }

    /** 8-byte messages through core's MappedRing, one ring each way, with its spin-then-park waits. */
    void ring() throws Exception {
        Optional<SharedMemoryDirectory> session = sharedMemory("ring_round_trip_us");
        if (session.isEmpty()) {
            return;
        }
        try (SharedMemoryDirectory directory = session.get()) {
            MappedRing there = directory.createRing(RING_BYTES);
            MappedRing back = directory.createRing(RING_BYTES);
            Process echo = startEcho("ring", there.path().toString(), back.path().toString());
            boolean ended = false;
            RingWriter writer = there.writer(echo::isAlive);
            RingReader reader = back.reader(echo::isAlive);
            try {
                byte[] out = new byte[8];
                ByteBuffer outView = ByteBuffer.wrap(out);
                Duration timeout = LocalFigures.TIMEOUT;
                Samples samples = measure(message -> {
                    outView.putLong(0, message);
                    if (!writer.write(out, timeout)) {
                        throw new IllegalStateException("no room in the ring within " + timeout.toSeconds() + " s");
                    }
                    byte[] in = reader.read(timeout);
                    if (in == null || in.length != 8) {
                        throw new IllegalStateException("the echo sent back " + (in == null ? "nothing" : in.length
                                + " bytes") + " within " + timeout.toSeconds() + " s");
                    }
                    return ByteBuffer.wrap(in).getLong();
                });
                writer.close();
                awaitEcho(echo);
                ended = true;
                results.record("ring_round_trip_us", "MappedRing: 8 bytes each way through two rings in /dev/shm,"
                        + " two JVMs (per round trip)", Results.Unit.US, samples);
            } finally {
                writer.close();   // the echo's end of stream, should the figure have failed
                stop(echo, ended);
            }
        }
    }
}
