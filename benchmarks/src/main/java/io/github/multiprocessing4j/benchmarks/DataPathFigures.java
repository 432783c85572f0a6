package io.github.multiprocessing4j.benchmarks;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Connection;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.Pipe;
import io.github.multiprocessing4j.Pool;
import io.github.multiprocessing4j.ProcessContext;
import io.github.multiprocessing4j.SerializableFunction;
import java.io.EOFException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The data path, on {@code local}: a {@code Pipe} between two children, 1 MiB messages from a
 * child to the parent, a {@code Pool.map} of 10 000 items, and how much faster a {@code Pool(2)}
 * runs CPU-bound tasks than the parent alone. All but the last have their CPython counterpart in
 * {@code mp_baseline.py}. Every message and result is checked on arrival.
 */
final class DataPathFigures {

    /** The size of each message of {@link #pipeLarge()}: 1 MiB. */
    static final int LARGE = 1 << 20;
    /** How long the calibration runs the CPU loop before measuring it, so that the JIT has compiled it. */
    private static final long CALIBRATION_WARMUP_NANOS = 300_000_000L;
    /** The CPU tasks of the speed-up figure's warm-up map, before its measured rounds. */
    private static final int CPU_WARMUP_TASKS = 20;
    /** Where the calibration leaves its results. */
    private static volatile long blackhole;

    private final Settings settings;
    private final Results results;
    private final LiveProcesses live;
    private final ProcessContext local = Multiprocessing.context("local");

    DataPathFigures(Settings settings, Results results, LiveProcesses live) {
        this.settings = settings;
        this.results = results;
        this.live = live;
    }

    // ---------------------------------------------------------------- Pipe between two children

    /**
     * A two-way {@link Pipe} whose both ends are in children: the parent opens it and starts an
     * echo child on one end and a measuring child on the other. The measuring child does what
     * {@link MessagingFigures#pipeRoundTrip()} does in the parent ({@code messageWarmup} round
     * trips, then {@code messageBatches} batches of {@code pipeBatch}, microseconds per round
     * trip) and sends its samples to the parent on a second, one-way pipe.
     */
    void childPipeRoundTrip() throws Exception {
        Pipe pipe = Pipe.open();
        Connection measuringEnd = pipe.left();
        Connection echoEnd = pipe.right();
        Pipe report = Pipe.open(false);
        Connection reportIn = report.left();
        Connection reportOut = report.right();
        int warmup = settings.messageWarmup();
        int batches = settings.messageBatches();
        int batch = settings.pipeBatch();
        ChildProcess echo = local.builder(() -> MessagingFigures.echo(echoEnd)).daemon(true).build();
        ChildProcess measuring = local.builder(() -> measureRoundTrips(measuringEnd, reportOut, warmup, batches, batch))
                .daemon(true).build();
        boolean ended = false;
        try {
            live.add(echo).start();
            live.add(measuring).start();
            if (!reportIn.poll(LocalFigures.TIMEOUT)) {
                throw new IllegalStateException("no samples from the measuring child within "
                        + LocalFigures.TIMEOUT.toSeconds() + " s");
            }
            double[] micros;
            try {
                micros = reportIn.recv();
            } catch (EOFException e) {
                throw new IllegalStateException("the measuring child ended without sending its samples", e);
            }
            if (micros == null || micros.length != batches) {
                throw new IllegalStateException("the measuring child sent " + Arrays.toString(micros));
            }
            live.awaitChild(measuring, 0);
            live.awaitChild(echo, 0);
            ended = true;
            results.record("child_pipe_round_trip_us", "local: Pipe between two children, send+recv, echoed "
                    + "(per round trip)", Results.Unit.US, Samples.of(micros));
        } finally {
            reportIn.close();
            reportOut.close();
            measuringEnd.close();
            echoEnd.close();
            stop(live, echo, ended);
            stop(live, measuring, ended);
        }
    }

    /**
     * The measuring child of {@link #childPipeRoundTrip()}: the round trips, then {@code null} to
     * the echo (its sentinel), then the samples to the parent.
     */
    static void measureRoundTrips(Connection connection, Connection report, int warmup, int batches, int batch) {
        try {
            int next = 0;
            for (int i = 0; i < warmup; i++) {
                roundTrip(connection, next++);
            }
            double[] micros = new double[batches];
            for (int b = 0; b < batches; b++) {
                long start = System.nanoTime();
                for (int i = 0; i < batch; i++) {
                    roundTrip(connection, next++);
                }
                micros[b] = LocalFigures.millisSince(start) * 1000 / batch;
            }
            connection.send(null);
            report.send(micros);
        } catch (EOFException e) {
            throw new IllegalStateException("the echo child's end closed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void roundTrip(Connection connection, int message) throws EOFException, InterruptedException {
        connection.send(message);
        Integer echoed = connection.recv();
        if (echoed == null || echoed != message) {
            throw new IllegalStateException("sent " + message + ", received " + echoed);
        }
    }

    // ---------------------------------------------------------------- 1 MiB messages

    /**
     * A child sends {@code largeWarmup + messageBatches * largeBatch} messages of 1 MiB with
     * {@link Connection#sendBytes(byte[])} on a one-way {@link Pipe}; the parent receives them
     * with {@link Connection#recvBytes()}. After the warm-up messages, each batch of
     * {@code largeBatch} messages is one sample: MiB per second received by the parent.
     */
    void pipeLarge() throws Exception {
        Pipe pipe = Pipe.open(false);
        Connection in = pipe.left();
        Connection out = pipe.right();
        int total = settings.largeWarmup() + settings.messageBatches() * settings.largeBatch();
        ChildProcess child = local.builder(() -> sendLarge(out, total)).daemon(true).build();
        boolean ended = false;
        try {
            live.add(child).start();
            int next = 0;
            for (int i = 0; i < settings.largeWarmup(); i++) {
                receiveLarge(in, next++);
            }
            double[] mibPerSecond = new double[settings.messageBatches()];
            for (int b = 0; b < mibPerSecond.length; b++) {
                long start = System.nanoTime();
                for (int i = 0; i < settings.largeBatch(); i++) {
                    receiveLarge(in, next++);
                }
                mibPerSecond[b] = settings.largeBatch() / (LocalFigures.millisSince(start) / 1000);
            }
            live.awaitChild(child, 0);
            ended = true;
            results.record("pipe_large_mib_per_s", "local: Pipe, child sendBytes 1 MiB, parent recvBytes ("
                    + settings.largeBatch() + " per sample)", Results.Unit.MIB_PER_S, Samples.of(mibPerSecond));
        } finally {
            in.close();
            out.close();
            stop(live, child, ended);
        }
    }

    private static void receiveLarge(Connection in, int expected) throws InterruptedException {
        byte[] message;
        try {
            message = in.recvBytes();
        } catch (EOFException e) {
            throw new IllegalStateException("end of stream before message " + expected + ": did the sender die?", e);
        }
        if (message.length != LARGE || message[0] != (byte) expected) {
            throw new IllegalStateException("message " + expected + ": " + message.length + " bytes, first "
                    + (message.length > 0 ? message[0] & 0xff : -1));
        }
    }

    /** The child of the large-message figure: {@code count} messages of 1 MiB, the first byte of each its number. */
    static void sendLarge(Connection out, int count) {
        byte[] message = new byte[LARGE];
        for (int i = 1; i < LARGE; i++) {
            message[i] = (byte) (i * 31);
        }
        for (int i = 0; i < count; i++) {
            message[0] = (byte) i;
            out.sendBytes(message);
        }
    }

    // ---------------------------------------------------------------- Pool.map of 10 000 items

    /**
     * {@code map(x -> x * x, items)} of {@code bigPoolItems} integers with the default chunk size
     * on its own started pool of two {@code local} workers, after {@code bigPoolWarmup} maps.
     */
    void poolMapBig() throws Exception {
        List<Integer> items = IntStream.range(0, settings.bigPoolItems()).boxed().toList();
        Pool pool = Pool.builder().processes(2).launcher("local").build();
        boolean closed = false;
        try {
            for (int i = 0; i < settings.bigPoolWarmup(); i++) {
                MessagingFigures.check(items, pool.map(MessagingFigures.SQUARE, items));
            }
            double[] millis = new double[settings.bigPoolRepetitions()];
            for (int i = 0; i < millis.length; i++) {
                long start = System.nanoTime();
                List<Integer> squares = pool.map(MessagingFigures.SQUARE, items);
                millis[i] = LocalFigures.millisSince(start);
                MessagingFigures.check(items, squares);
            }
            closeAndJoin(pool);
            closed = true;
            results.record("pool_map_10k", "local Pool(2): map(x -> x * x, " + items.size() + " ints)",
                    Results.Unit.MS, Samples.of(millis));
        } finally {
            if (!closed) {
                pool.terminate();
                pool.join(LocalFigures.TIMEOUT);
            }
        }
    }

    // ---------------------------------------------------------------- CPU-bound speed-up

    /**
     * {@code cpuTasks} tasks of about {@code cpuTaskMillis} of CPU each ({@link #spin}, its
     * iterations calibrated once in this JVM), run one after the other in this JVM and with
     * {@code map} on a started pool of two {@code local} workers (default chunk size). After a
     * warm-up map of the first 20 tasks, each of {@code cpuRepetitions} rounds times both; the figure is
     * {@code sequential / pool} per round. Both times are recorded too.
     */
    void poolCpuSpeedup() throws Exception {
        long iterations = calibrate(settings.cpuTaskMillis());
        results.repetitions().put("cpu_task_iterations", iterations);
        List<Integer> seeds = IntStream.range(0, settings.cpuTasks()).boxed().toList();
        SerializableFunction<Integer, Long> task = seed -> spin(iterations, seed);
        List<Integer> warmupSeeds = seeds.subList(0, Math.min(CPU_WARMUP_TASKS, seeds.size()));
        List<Long> warmupValues = warmupSeeds.stream().map(seed -> spin(iterations, seed)).toList();
        Pool pool = Pool.builder().processes(2).launcher("local").build();
        boolean closed = false;
        try {
            // the workers' JIT compiles the loop: 10 tasks each (the loop is OSR-compiled within the first)
            checkSpins(warmupValues, pool.map(task, warmupSeeds));
            List<Long> expected = null; // the first sequential round's values: every later run must give the same
            double[] sequential = new double[settings.cpuRepetitions()];
            double[] parallel = new double[settings.cpuRepetitions()];
            double[] speedup = new double[settings.cpuRepetitions()];
            for (int r = 0; r < speedup.length; r++) {
                List<Long> values = new ArrayList<>(seeds.size());
                long start = System.nanoTime();
                for (int seed : seeds) {
                    values.add(spin(iterations, seed));
                }
                sequential[r] = LocalFigures.millisSince(start);
                if (expected == null) {
                    checkSpins(warmupValues, values.subList(0, warmupValues.size()));
                    expected = values;
                }
                checkSpins(expected, values);
                start = System.nanoTime();
                values = pool.map(task, seeds);
                parallel[r] = LocalFigures.millisSince(start);
                checkSpins(expected, values);
                speedup[r] = sequential[r] / parallel[r];
            }
            closeAndJoin(pool);
            closed = true;
            String tasks = seeds.size() + " tasks of ~" + settings.cpuTaskMillis() + " ms CPU";
            results.record("pool_cpu_sequential", "parent alone: " + tasks + ", one after the other",
                    Results.Unit.MS, Samples.of(sequential));
            results.record("pool_cpu_pool", "local Pool(2): map of the same " + tasks, Results.Unit.MS,
                    Samples.of(parallel));
            results.record("pool_cpu_speedup", "local Pool(2) speed-up: sequential / pool, per round",
                    Results.Unit.SPEEDUP, Samples.of(speedup));
        } finally {
            if (!closed) {
                pool.terminate();
                pool.join(LocalFigures.TIMEOUT);
            }
        }
    }

    /**
     * The iterations of {@link #spin} that take about {@code millis} here: after the loop has run
     * long enough to be compiled, the fastest of several timed runs (the one least disturbed by
     * other processes) is scaled to the target.
     */
    static long calibrate(int millis) {
        long sink = 0;
        long warmupEnd = System.nanoTime() + CALIBRATION_WARMUP_NANOS;
        int seed = 0;
        while (System.nanoTime() < warmupEnd) {
            sink += spin(100_000, seed++);
        }
        long probe = 1_000_000;
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < 15; i++) {
            long start = System.nanoTime();
            sink += spin(probe, seed++);
            fastest = Math.min(fastest, System.nanoTime() - start);
        }
        blackhole = sink; // the results are used: the JIT cannot drop the calls
        return Math.max(1, Math.round(probe * (millis * 1_000_000.0) / Math.max(1, fastest)));
    }

    /**
     * The CPU-bound task: {@code iterations} steps of a xorshift generator from a state made of
     * {@code seed}. Every step depends on the one before, so the JIT can neither skip nor
     * vectorize the loop, and the result tells whether the work was done.
     */
    static long spin(long iterations, int seed) {
        long x = seed * 0x9E3779B97F4A7C15L + 0x2545F4914F6CDD1DL;
        for (long i = 0; i < iterations; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    private static void checkSpins(List<Long> expected, List<Long> values) {
        if (!expected.equals(values)) {
            throw new IllegalStateException("the CPU tasks' results differ from the parent's");
        }
    }

    // ---------------------------------------------------------------- shared

    private static void closeAndJoin(Pool pool) throws InterruptedException {
        pool.close();
        if (!pool.join(LocalFigures.TIMEOUT)) {
            throw new IllegalStateException("the pool's workers did not end within "
                    + LocalFigures.TIMEOUT.toSeconds() + " s of close()");
        }
    }

    /** After a figure: kills the child if the figure failed while it ran, and closes it once it has ended. */
    private static void stop(LiveProcesses live, ChildProcess child, boolean ended) throws InterruptedException {
        try {
            if (!ended && child.isAlive()) {
                child.kill();
                if (!child.join(LocalFigures.TIMEOUT)) {
                    return; // left to LiveProcesses
                }
            }
        } catch (IllegalStateException e) {
            // never started: nothing to kill
        }
        live.ended(child);
        child.close();
    }
}
