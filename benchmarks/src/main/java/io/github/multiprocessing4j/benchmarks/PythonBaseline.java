package io.github.multiprocessing4j.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * CPython's {@code multiprocessing} as the baseline: runs {@code mp_baseline.py} (kept in this
 * jar, written to a temporary file) with {@code python3}, or the interpreter the system property
 * {@code multiprocessing4j.benchmarks.python} names, and records what it prints.
 */
final class PythonBaseline {

    static final String PYTHON_PROPERTY = "multiprocessing4j.benchmarks.python";
    private static final String SCRIPT = "mp_baseline.py";
    private static final long TIMEOUT_SECONDS = 600;

    private final Settings settings;
    private final Results results;
    private final LiveProcesses live;
    private final Path directory;

    PythonBaseline(Settings settings, Results results, LiveProcesses live, Path directory) {
        this.settings = settings;
        this.results = results;
        this.live = live;
        this.directory = directory;
    }

    /** The figures' keys, for skipping them all at once. */
    static final String[] KEYS = {"python_spawn", "python_forkserver", "python_fork", "python_spawn_concurrent",
        "python_pool_map", "python_pipe_round_trip_us", "python_queue_throughput",
        "python_child_pipe_round_trip_us", "python_pipe_large_mib_per_s", "python_pool_map_10k",
        "python_value_increment_ns", "python_shared_memory_mib_per_s"};

    void run() throws Exception {
        String python = System.getProperty(PYTHON_PROPERTY, "python3");
        Path script = directory.resolve(SCRIPT);
        try (InputStream in = PythonBaseline.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is missing from the benchmarks jar");
            }
            Files.copy(in, script);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("warmup", settings.warmup());
        config.put("repetitions", settings.repetitions());
        config.put("concurrent_warmup", settings.concurrentWarmup());
        config.put("concurrent_repetitions", settings.concurrentRepetitions());
        config.put("children", settings.children());
        config.put("pool_warmup", settings.poolWarmup());
        config.put("pool_repetitions", settings.poolRepetitions());
        config.put("pool_items", settings.poolItems());
        config.put("message_warmup", settings.messageWarmup());
        config.put("message_batches", settings.messageBatches());
        config.put("pipe_batch", settings.pipeBatch());
        config.put("queue_batch", settings.queueBatch());
        config.put("big_pool_warmup", settings.bigPoolWarmup());
        config.put("big_pool_repetitions", settings.bigPoolRepetitions());
        config.put("big_pool_items", settings.bigPoolItems());
        config.put("large_bytes", DataPathFigures.LARGE);
        config.put("large_warmup", settings.largeWarmup());
        config.put("large_batch", settings.largeBatch());
        config.put("value_warmup", SharedStateFigures.VALUE_WARMUP);
        config.put("value_batch", SharedStateFigures.VALUE_BATCH);
        config.put("shm_warmup", SharedStateFigures.SHM_WARMUP);
        config.put("shm_batch", SharedStateFigures.SHM_BATCH);
        List<String> command = List.of(python, script.toString(), Json.write(config).strip().replaceAll("\\s+", " "));
        Process process;
        try {
            process = live.add(new ProcessBuilder(command).redirectInput(new File("/dev/null")).start());
        } catch (IOException e) {
            results.skip(python + " cannot be run (" + e.getMessage() + "): install Python 3 or set -D"
                    + PYTHON_PROPERTY + "=<interpreter>", KEYS);
            return;
        }
        CompletableFuture<String> stdout = readAsync(process.getInputStream());
        CompletableFuture<String> stderr = readAsync(process.getErrorStream());
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            live.ended(process);
            results.fail(python + " " + SCRIPT + " did not finish within " + TIMEOUT_SECONDS + " s", KEYS);
            return;
        }
        live.ended(process);
        if (process.exitValue() != 0) {
            results.fail(python + " " + SCRIPT + " exited with " + process.exitValue() + ": "
                    + lastLine(stderr.get()), KEYS);
            return;
        }
        Map<?, ?> output = (Map<?, ?>) Json.read(stdout.get());
        String version = String.valueOf(output.get("python"));
        results.machine().put("python", version);
        results.machine().put("python_executable", String.valueOf(output.get("executable")));
        Map<?, ?> figures = (Map<?, ?>) output.get("figures");
        Map<?, ?> skipped = (Map<?, ?>) output.get("skipped");
        record(figures, skipped, "spawn", "python_spawn", "CPython " + version + " spawn: start()+join()");
        record(figures, skipped, "forkserver", "python_forkserver", "CPython " + version + " forkserver: start()+join()");
        record(figures, skipped, "fork", "python_fork", "CPython " + version + " fork: start()+join()");
        record(figures, skipped, "spawn_concurrent", "python_spawn_concurrent",
                "CPython spawn: " + settings.children() + " x start(), then join() all");
        record(figures, skipped, "pool_map", "python_pool_map",
                "CPython spawn Pool(2): map(f, range(" + settings.poolItems() + "))", Results.Unit.MS);
        record(figures, skipped, "pipe_round_trip_us", "python_pipe_round_trip_us",
                "CPython spawn: Pipe send+recv, child echoes (per round trip)", Results.Unit.US);
        record(figures, skipped, "queue_throughput", "python_queue_throughput",
                "CPython spawn: Queue, child puts, parent gets (" + settings.queueBatch() + " per sample)",
                Results.Unit.PER_S);
        record(figures, skipped, "child_pipe_round_trip_us", "python_child_pipe_round_trip_us",
                "CPython spawn: Pipe between two children, send+recv, echoed (per round trip)", Results.Unit.US);
        record(figures, skipped, "pipe_large_mib_per_s", "python_pipe_large_mib_per_s",
                "CPython spawn: Pipe, child send_bytes 1 MiB, parent recv_bytes (" + settings.largeBatch()
                        + " per sample)", Results.Unit.MIB_PER_S);
        record(figures, skipped, "pool_map_10k", "python_pool_map_10k",
                "CPython spawn Pool(2): map(f, range(" + settings.bigPoolItems() + "))", Results.Unit.MS);
        record(figures, skipped, "value_increment_ns", "python_value_increment_ns",
                "CPython spawn: child, with v.get_lock(): v.value += 1 (per increment)", Results.Unit.NS);
        record(figures, skipped, "shared_memory_mib_per_s", "python_shared_memory_mib_per_s",
                "CPython spawn: SharedMemory, child writes 1 MiB, parent reads it (" + SharedStateFigures.SHM_BATCH
                        + " per sample)", Results.Unit.MIB_PER_S);
    }

    private void record(Map<?, ?> figures, Map<?, ?> skipped, String name, String key, String label) {
        record(figures, skipped, name, key, label, Results.Unit.MS);
    }

    private void record(Map<?, ?> figures, Map<?, ?> skipped, String name, String key, String label, Results.Unit unit) {
        Object values = figures.get(name);
        if (values instanceof List<?> list && !list.isEmpty()) {
            results.record(key, label, unit,
                    new Samples(list.stream().map(value -> ((Number) value).doubleValue()).toList()));
        } else {
            Object why = skipped.get(name);
            results.skip(why != null ? String.valueOf(why) : SCRIPT + " printed no " + name + " figure", key);
        }
    }

    private static CompletableFuture<String> readAsync(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                in.transferTo(bytes);
                return bytes.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines.length == 0 ? "(no output)" : lines[lines.length - 1];
    }
}
