package io.github.multiprocessing4j.internal;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.internal.channel.Calls;
import io.github.multiprocessing4j.internal.channel.EndReport;
import io.github.multiprocessing4j.internal.channel.Frames;
import io.github.multiprocessing4j.internal.channel.Values;
import io.github.multiprocessing4j.internal.codec.Payloads;
import io.github.multiprocessing4j.internal.process.ProcessBody;
import io.github.multiprocessing4j.internal.process.ProcessDescription;
import io.github.multiprocessing4j.internal.process.TaskCodec;
import io.github.multiprocessing4j.internal.shared.HostedQueue;
import io.github.multiprocessing4j.internal.shared.HostedSemaphore;
import io.github.multiprocessing4j.reliability.Children;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fuzzers' seeds: valid inputs of each decoder, made with core's own encoders (so that they
 * follow the format as it is today), plus the files of {@code fuzz-corpus/} on the test class
 * path: one input per line, in hex, {@code #} for comments, the file name's prefix naming the
 * decoder ({@code call-}, {@code reply-}, {@code gone-}, {@code cancel-}, {@code end-},
 * {@code values-}, {@code frames-}, {@code payload-}, {@code task-}); {@code *-findings.hex} keep
 * inputs that found a bug.
 */
final class FuzzCorpus {

    private static final String INDEX = "fuzz-corpus/index.txt";

    private FuzzCorpus() {
    }

    /** Seeds by decoder. */
    static Map<String, List<byte[]>> load() {
        Map<String, List<byte[]>> seeds = new LinkedHashMap<>();
        generated().forEach((target, inputs) -> seeds.put(target, new ArrayList<>(inputs)));
        for (Map.Entry<String, List<byte[]>> file : files().entrySet()) {
            String target = file.getKey().substring(0, file.getKey().indexOf('-'));
            seeds.computeIfAbsent(target, t -> new ArrayList<>()).addAll(file.getValue());
        }
        return seeds;
    }

    /** The seeds core's encoders make. */
    static Map<String, List<byte[]>> generated() {
        Map<String, List<byte[]>> seeds = new LinkedHashMap<>();
        seeds.put("call", List.of(
                Calls.encodeCall(1, "queue-1", HostedQueue.GET, new Object[] {-1L}, ""),
                Calls.encodeCall(7, "lock-2", HostedSemaphore.ACQUIRE, new Object[] {5_000_000_000L}, "3/4"),
                Calls.encodeCall(9, "q", HostedQueue.PUT, new Object[] {new byte[] {1, 2, 3}, 0L}, ""),
                Calls.encodeCall(2, "x", 3, new Object[] {null, true, 42, 43L, "text", new byte[0]}, "a")));
        seeds.put("reply", List.of(
                Calls.encodeReply(1, new byte[] {1, 2}, null),
                Calls.encodeReply(2, 42, null),
                Calls.encodeReply(3, null, new IllegalStateException("closed")),
                Calls.encodeReply(4, null, new io.github.multiprocessing4j.QueueEmptyException("empty"))));
        seeds.put("gone", List.of(Calls.encodeGone("a/b", true), Calls.encodeGone("", false)));
        seeds.put("cancel", List.of(Calls.encodeCancel(77)));
        seeds.put("end", List.of(new EndReport(EndReport.Kind.RETURNED, 0, 0).encode(),
                new EndReport(EndReport.Kind.SIGNALLED, 143, 15).encode()));
        seeds.put("values", List.of(values(null, true, 1, 2L, "s", new byte[] {9}), values("ünïcödé", -1L)));
        List<byte[]> payloads = List.of(
                Payloads.serialize(new ArrayList<>(List.of("a", "b", 3))),
                Payloads.serialize(new HashMap<>(Map.of("k", 1L))),
                Payloads.serialize(new long[] {1, 2, 3}),
                Payloads.serialize(new Object[] {"x", new int[] {1}}),
                Payloads.serialize(new IllegalArgumentException("boom")));
        seeds.put("payload", payloads);
        byte[] process = TaskCodec.serializeProcess(new TaskBody(new ChildProcess(Children::nothing)));
        seeds.put("task", List.of(TaskCodec.encode(process, 42,
                new ProcessDescription("MainProcess", 1, false, List.of()), false)));
        List<byte[]> frames = new ArrayList<>();
        frames.add(Mutator.concat(bytes(Frames.frame(Frames.END, seeds.get("end").get(0)))));
        frames.add(Mutator.concat(bytes(Frames.frame(Frames.CALL, seeds.get("call").get(0))),
                bytes(Frames.frame(Frames.CANCEL, seeds.get("cancel").get(0)))));
        frames.add(bytes(Frames.frame(Frames.RESULT, payloads.get(0))));
        seeds.put("frames", frames);
        return seeds;
    }

    private static byte[] values(Object... values) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (Object value : values) {
                Values.write(out, value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /** The corpus files, by name. */
    static Map<String, List<byte[]>> files() {
        Map<String, List<byte[]>> files = new LinkedHashMap<>();
        for (String name : lines(INDEX)) {
            List<byte[]> inputs = new ArrayList<>();
            for (String line : lines("fuzz-corpus/" + name)) {
                inputs.add(HexFormat.of().parseHex(line));
            }
            files.put(name, inputs);
        }
        return files;
    }

    private static List<String> lines(String resource) {
        try (InputStream in = FuzzCorpus.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            List<String> lines = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String trimmed = line.strip();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    lines.add(trimmed);
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the generated seeds as corpus files (run once to refresh {@code fuzz-corpus/}). */
    static void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        List<String> index = new ArrayList<>();
        for (Map.Entry<String, List<byte[]>> seeds : generated().entrySet()) {
            String name = seeds.getKey() + "-seeds.hex";
            StringBuilder text = new StringBuilder("# valid inputs of the '" + seeds.getKey()
                    + "' decoder, made with core's encoders; one per line, hex\n");
            seeds.getValue().forEach(seed -> text.append(HexFormat.of().formatHex(seed)).append('\n'));
            Files.writeString(directory.resolve(name), text);
            index.add(name);
        }
        try (java.util.stream.Stream<Path> kept = Files.list(directory)) {
            kept.map(file -> file.getFileName().toString()).filter(name -> name.endsWith("-findings.hex")).sorted()
                    .forEach(index::add);
        }
        Files.writeString(directory.resolve("index.txt"), "# the corpus files, one per line\n" + String.join("\n", index) + "\n");
    }

    /** A task's body as the API makes one: it carries a real process object and its lambda. */
    private record TaskBody(ChildProcess process) implements ProcessBody {

        @Override
        public String name() {
            return process.getName();
        }

        @Override
        public boolean isDaemon() {
            return process.isDaemon();
        }

        @Override
        public List<Integer> identity() {
            return process.identity();
        }

        @Override
        public void run() throws Exception {
            process.run();
        }

        @Override
        public boolean represents(Object processObject) {
            return processObject == process;
        }

        @Override
        public Object processObject() {
            return process;
        }
    }
}
