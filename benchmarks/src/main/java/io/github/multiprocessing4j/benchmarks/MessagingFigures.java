package io.github.multiprocessing4j.benchmarks;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Connection;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.Pipe;
import io.github.multiprocessing4j.Pool;
import io.github.multiprocessing4j.ProcessContext;
import io.github.multiprocessing4j.Queue;
import io.github.multiprocessing4j.QueueEmptyException;
import io.github.multiprocessing4j.SerializableFunction;
import java.io.EOFException;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What runs once the processes are up, on {@code local}: {@code Pool.map}, a {@code Pipe} round
 * trip and {@code Queue} throughput. Each has its CPython counterpart in {@code mp_baseline.py}.
 * The messages are small {@link Integer}s (Python: {@code int}); every one is checked on arrival.
 */
final class MessagingFigures {

    /** The pool's function: Python's {@code def f(x): return x * x}. */
    static final SerializableFunction<Integer, Integer> SQUARE = x -> x * x;

    private final Settings settings;
    private final Results results;
    private final LiveProcesses live;
    private final ProcessContext local = Multiprocessing.context("local");

    MessagingFigures(Settings settings, Results results, LiveProcesses live) {
        this.settings = settings;
        this.results = results;
        this.live = live;
    }

    // ---------------------------------------------------------------- Pool.map

    /**
     * {@code map(x -> x * x, items)} with the default chunk size on a started pool of two
     * {@code local} workers, after warm-up maps on the same pool.
     */
    void poolMap() throws Exception {
        List<Integer> items = IntStream.range(0, settings.poolItems()).boxed().toList();
        Pool pool = Pool.builder().processes(2).launcher("local").build();
        boolean closed = false;
        try {
            for (int i = 0; i < settings.poolWarmup(); i++) {
                check(items, pool.map(SQUARE, items));
            }
            double[] millis = new double[settings.poolRepetitions()];
            for (int i = 0; i < settings.poolRepetitions(); i++) {
                long start = System.nanoTime();
                List<Integer> squares = pool.map(SQUARE, items);
                millis[i] = LocalFigures.millisSince(start);
                check(items, squares);
            }
            pool.close();
            closed = true;
            if (!pool.join(LocalFigures.TIMEOUT)) {
                throw new IllegalStateException("the pool's workers did not end within "
                        + LocalFigures.TIMEOUT.toSeconds() + " s of close()");
            }
            results.record("pool_map", "local Pool(2): map(x -> x * x, " + items.size() + " ints)", Results.Unit.MS,
                    Samples.of(millis));
        } finally {
            if (!closed) {
                pool.terminate();
                pool.join(LocalFigures.TIMEOUT);
            }
        }
    }

    static void check(List<Integer> items, List<Integer> squares) {
        if (squares.size() != items.size()) {
            throw new IllegalStateException("map returned " + squares.size() + " results for " + items.size() + " items");
        }
        for (int i = 0; i < items.size(); i++) {
            if (squares.get(i) != items.get(i) * items.get(i)) {
                throw new IllegalStateException("map returned " + squares.get(i) + " for " + items.get(i));
            }
        }
    }

    // ---------------------------------------------------------------- Pipe

    /**
     * A child echoes what it receives on a two-way {@link Pipe}; the parent sends an
     * {@link Integer} and waits for it to come back. After {@code messageWarmup} round trips,
     * each of {@code messageBatches} batches of {@code pipeBatch} round trips is one sample, in
     * microseconds per round trip.
     */
    void pipeRoundTrip() throws Exception {
        Pipe pipe = Pipe.open();
        Connection parentEnd = pipe.left();
        Connection childEnd = pipe.right();
        ChildProcess child = local.builder(() -> echo(childEnd)).daemon(true).build();
        live.add(child).start();
        boolean ended = false;
        try {
            int next = 0;
            for (int i = 0; i < settings.messageWarmup(); i++) {
                roundTrip(parentEnd, next++);
            }
            double[] micros = new double[settings.messageBatches()];
            for (int b = 0; b < micros.length; b++) {
                long start = System.nanoTime();
                for (int i = 0; i < settings.pipeBatch(); i++) {
                    roundTrip(parentEnd, next++);
                }
                micros[b] = LocalFigures.millisSince(start) * 1000 / settings.pipeBatch();
            }
            parentEnd.send(null); // the echo's sentinel: Python's None
            live.awaitChild(child, 0);
            ended = true;
            results.record("pipe_round_trip_us", "local: Pipe send+recv, child echoes (per round trip)",
                    Results.Unit.US, Samples.of(micros));
        } finally {
            parentEnd.close();
            stop(child, ended);
        }
    }

    private static void roundTrip(Connection connection, int message) throws EOFException, InterruptedException {
        connection.send(message);
        Integer echoed = connection.recv();
        if (echoed == null || echoed != message) {
            throw new IllegalStateException("sent " + message + ", received " + echoed);
        }
    }

    /** The child of the pipe figure: sends back what it receives, until {@code null} or the end of the stream. */
    static void echo(Connection connection) {
        try {
            for (Object message = connection.recv(); message != null; message = connection.recv()) {
                connection.send(message);
            }
        } catch (EOFException e) {
            // the parent closed its end: nothing more to echo
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** After a figure: kills the child if the figure failed while it ran, and closes it once it has ended. */
    private void stop(ChildProcess child, boolean ended) throws InterruptedException {
        if (!ended && child.isAlive()) {
            child.kill();
            if (!child.join(LocalFigures.TIMEOUT)) {
                return; // left to LiveProcesses
            }
        }
        live.ended(child);
        child.close();
    }

    // ---------------------------------------------------------------- Queue

    /**
     * A child puts {@code 10 * messageWarmup + messageBatches * queueBatch} {@link Integer}s on a
     * {@link Queue}; the parent gets them. After the warm-up messages (ten times the message
     * warm-up: the producer's loop runs in a fresh child, and with 10 000 it was often still
     * interpreted during the measured batches, which then timed the child's warm-up), each batch
     * of {@code queueBatch} messages is one sample: messages per second received by the parent.
     */
    void queueThroughput() throws Exception {
        Queue<Integer> queue = new Queue<>();
        int warmup = 10 * settings.messageWarmup();
        int total = warmup + settings.messageBatches() * settings.queueBatch();
        ChildProcess child = local.builder(() -> produce(queue, total)).daemon(true).build();
        live.add(child).start();
        boolean ended = false;
        try {
            int next = 0;
            for (int i = 0; i < warmup; i++) {
                take(queue, next++);
            }
            double[] perSecond = new double[settings.messageBatches()];
            for (int b = 0; b < perSecond.length; b++) {
                long start = System.nanoTime();
                for (int i = 0; i < settings.queueBatch(); i++) {
                    take(queue, next++);
                }
                perSecond[b] = settings.queueBatch() / (LocalFigures.millisSince(start) / 1000);
            }
            live.awaitChild(child, 0);
            ended = true;
            results.record("queue_throughput", "local: Queue, child puts, parent gets (" + settings.queueBatch()
                    + " per sample)", Results.Unit.PER_S, Samples.of(perSecond));
        } finally {
            queue.close();
            stop(child, ended);
        }
    }

    private static void take(Queue<Integer> queue, int expected) throws InterruptedException {
        Integer message;
        try {
            message = queue.get(LocalFigures.TIMEOUT);
        } catch (QueueEmptyException e) {
            throw new IllegalStateException("no message " + expected + " within " + LocalFigures.TIMEOUT.toSeconds()
                    + " s: did the producer die?", e);
        }
        if (message == null || message != expected) {
            throw new IllegalStateException("expected " + expected + ", got " + message);
        }
    }

    /** The child of the queue figure: puts 0, 1, ..., {@code count - 1}. */
    static void produce(Queue<Integer> queue, int count) {
        try {
            for (int i = 0; i < count; i++) {
                queue.put(i);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
