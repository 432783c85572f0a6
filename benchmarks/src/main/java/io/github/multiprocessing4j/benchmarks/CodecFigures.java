package io.github.multiprocessing4j.benchmarks;

import io.github.multiprocessing4j.internal.codec.JavaSerializationFallback;
import io.github.multiprocessing4j.internal.codec.MessageCodec;
import io.github.multiprocessing4j.internal.codec.Payloads;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Core's {@link MessageCodec} against the Java serialization that queues and pipes use today
 * ({@link Payloads}), in this JVM: encode then decode one small message,
 * {@code [42, "hello", 3.5]} in an {@code ArrayList} (Python: {@code [42, "hello", 3.5]}). After
 * the warm-up round trips (a count, and at least a second), each batch is one sample, in
 * nanoseconds per round trip. Every message is checked after the warm-up and after each batch.
 */
final class CodecFigures {

    /** The figures' keys, for skipping them all at once. */
    static final String[] KEYS = {"codec_small_ns", "java_serialization_small_ns"};
    private static final List<Object> MESSAGE = new ArrayList<>(List.of(42, "hello", 3.5));
    /** The least time each warm-up takes. */
    private static final long WARMUP_NANOS = 1_000_000_000L;

    private final Settings settings;
    private final Results results;
    /** What the decoded messages add up to: used, so that no round trip can be optimised away. */
    private long sink;

    CodecFigures(Settings settings, Results results) {
        this.settings = settings;
        this.results = results;
    }

    void run() {
        MessageCodec codec = new MessageCodec(Payloads.MAX_BYTES, JavaSerializationFallback.withLimits(Payloads.MAX_BYTES));
        // round trips of nanoseconds (ours) and microseconds (Java serialization)
        int codecWarmup = settings.messageWarmup() * 200;
        int codecBatch = settings.pipeBatch() * 250;
        int javaWarmup = settings.messageWarmup() * 20;
        int javaBatch = settings.pipeBatch() * 25;
        results.repetitions().put("codec_warmup", codecWarmup);
        results.repetitions().put("codec_batch", codecBatch);
        results.repetitions().put("java_serialization_warmup", javaWarmup);
        results.repetitions().put("java_serialization_batch", javaBatch);
        Samples ours = measure(message -> codec.decode(codec.encode(message)), codecWarmup, codecBatch);
        // Payloads now uses the codec itself: the baseline is Java serialization alone, behind its filter
        JavaSerializationFallback serialization = JavaSerializationFallback.withLimits(Payloads.MAX_BYTES);
        Samples java = measure(message -> {
            byte[] bytes = serialization.serialize(message);
            return serialization.deserialize(bytes, 0, bytes.length);
        }, javaWarmup, javaBatch);
        if (sink == 42) {
            System.err.println("benchmarks: (the codec figures' sink, printed so that it is used)");
        }
        results.record("codec_small_ns", "MessageCodec: encode + decode [42, \"hello\", 3.5] (per round trip)",
                Results.Unit.NS, ours);
        results.record("java_serialization_small_ns", "Java serialization (Payloads): the same (per round trip)",
                Results.Unit.NS, java);
    }

    private Samples measure(Function<Object, Object> roundTrip, int warmup, int batch) {
        // the count, and at least a second: on a busy machine the JIT's threads lag behind
        long warmedUp = System.nanoTime() + WARMUP_NANOS;
        for (int i = 0; i < warmup || System.nanoTime() < warmedUp; i++) {
            check(roundTrip.apply(MESSAGE));
        }
        double[] nanos = new double[settings.messageBatches()];
        for (int b = 0; b < nanos.length; b++) {
            long start = System.nanoTime();
            for (int i = 0; i < batch; i++) {
                Object copy = roundTrip.apply(MESSAGE);
                sink += ((List<?>) copy).size();
            }
            nanos[b] = (double) (System.nanoTime() - start) / batch;
            check(roundTrip.apply(MESSAGE));
        }
        return Samples.of(nanos);
    }

    private static void check(Object copy) {
        if (!MESSAGE.equals(copy)) {
            throw new IllegalStateException("sent " + MESSAGE + ", decoded " + copy);
        }
    }
}
