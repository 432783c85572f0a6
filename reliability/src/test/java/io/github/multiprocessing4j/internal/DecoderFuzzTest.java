package io.github.multiprocessing4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.multiprocessing4j.internal.channel.Calls;
import io.github.multiprocessing4j.internal.channel.EndReport;
import io.github.multiprocessing4j.internal.channel.Frames;
import io.github.multiprocessing4j.internal.channel.Values;
import io.github.multiprocessing4j.internal.codec.Payloads;
import io.github.multiprocessing4j.internal.process.TaskCodec;
import io.github.multiprocessing4j.reliability.Figures;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzzer of the control channel's decoders, in process: {@code Frames.read} (over a
 * real socket), {@code Calls} (call, reply, gone, cancel), {@code Values}, {@code EndReport},
 * {@code TaskCodec} (the child's side) and {@code Payloads.deserialize}. Inputs are the corpus
 * ({@link FuzzCorpus}) mutated ({@link Mutator}). A decoder may only fail the way its contract
 * says: an {@link IOException} (a {@code ProtocolException}, an {@code EOFException}, ...), plus
 * {@code ClassNotFoundException} for a task and {@code IllegalStateException} for a payload.
 * Anything else is a finding, written with its input to {@code target/fuzz-findings.txt}.
 *
 * <p>Set {@code -Dreliability.fuzz.writeCorpus=<dir>} to write the generated seeds as corpus
 * files.
 */
@Order(65)
@Timeout(600)
@Tag("hostile")
class DecoderFuzzTest {

    static final int EXECS = io.github.multiprocessing4j.reliability.FuzzSettings.DECODER_EXECS;

    @TempDir
    Path tmp;

    @Test
    void decodersFailOnlyAsTheirContractsSay() throws Exception {
        String writeCorpus = System.getProperty("reliability.fuzz.writeCorpus");
        if (writeCorpus != null) {
            FuzzCorpus.write(Path.of(writeCorpus));
        }
        Map<String, List<byte[]>> corpus = FuzzCorpus.load();
        Mutator mutator = new Mutator(io.github.multiprocessing4j.reliability.FuzzSettings.SEED);
        Map<String, Integer> execs = new TreeMap<>();
        Map<String, Integer> rejected = new TreeMap<>();
        Map<String, Long> nanos = new TreeMap<>();
        Map<String, String> findings = new LinkedHashMap<>();
        List<String> targets = List.of("call", "reply", "gone", "cancel", "end", "values", "frames", "payload", "task");
        try (SocketPair sockets = new SocketPair(tmp.resolve("fuzz.sock"))) {
            for (int i = 0; i < EXECS; i++) {
                String target = targets.get(i % targets.size());
                byte[] input = mutator.next(corpus.get(target));
                execs.merge(target, 1, Integer::sum);
                long began = System.nanoTime();
                try {
                    decode(target, input, sockets);
                } catch (Throwable e) {
                    if (expected(target, e)) {
                        rejected.merge(target, 1, Integer::sum);
                    } else {
                        String key = target + ": " + e.getClass().getName() + " at " + topFrame(e);
                        findings.putIfAbsent(key, key + ": " + e.getMessage() + "\n  input "
                                + HexFormat.of().formatHex(Arrays.copyOf(input, Math.min(input.length, 512))));
                    }
                } finally {
                    nanos.merge(target, System.nanoTime() - began, Long::sum);
                }
            }
        }
        int total = execs.values().stream().mapToInt(Integer::intValue).sum();
        Figures.FUZZ_EXECS.addAndGet(total);
        Files.writeString(Path.of("target", "fuzz-findings.txt"), findings.isEmpty() ? "no findings\n"
                : String.join("\n", findings.values()) + "\n");
        Figures.row("fuzz (decoders)", "executions (rejected as the contract says)", total + " ("
                + rejected.values().stream().mapToInt(Integer::intValue).sum() + ")");
        Figures.row("fuzz (decoders)", "findings", findings.size());
        nanos.replaceAll((target, time) -> time / 1_000_000);
        System.out.println("[reliability] decoder fuzz: " + execs + " rejected " + rejected + " ms " + nanos
                + "\n  findings (inputs in target/fuzz-findings.txt):\n  " + String.join("\n  ", findings.keySet()));
        assertEquals(Map.of(), findings, "decoders failed other than their contracts say");
    }

    private static void decode(String target, byte[] input, SocketPair sockets) throws Exception {
        switch (target) {
            case "call" -> Calls.decodeCall(input);
            case "reply" -> Calls.decodeReply(input);
            case "gone" -> Calls.decodeGone(input);
            case "cancel" -> Calls.decodeCancel(input);
            case "end" -> EndReport.decode(input);
            case "values" -> {
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(input));
                while (in.available() > 0) {
                    Values.read(in, Payloads.MAX_BYTES);
                }
            }
            case "frames" -> sockets.readFrames(input);
            case "payload" -> Payloads.deserialize(input);
            case "task" -> TaskCodec.decode(input);
            default -> throw new IllegalArgumentException(target);
        }
    }

    private static boolean expected(String target, Throwable e) {
        if (e instanceof IOException) {
            return true;
        }
        return switch (target) {
            case "task" -> e instanceof ClassNotFoundException;
            case "payload" -> e instanceof IllegalStateException;
            default -> false;
        };
    }

    private static String topFrame(Throwable e) {
        StackTraceElement[] stack = e.getStackTrace();
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().startsWith("io.github.multiprocessing4j")) {
                return frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1) + "."
                        + frame.getMethodName();
            }
        }
        return stack.length > 0 ? String.valueOf(stack[0]) : "?";
    }

    /** Two ends of a Unix socket: bytes written on one are read as frames on the other. */
    static final class SocketPair implements AutoCloseable {
        private final ServerSocketChannel server;
        private final UnixDomainSocketAddress address;

        SocketPair(Path path) throws IOException {
            address = UnixDomainSocketAddress.of(path);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(address);
        }

        void readFrames(byte[] input) throws IOException {
            try (SocketChannel writer = SocketChannel.open(address);
                 SocketChannel reader = server.accept()) {
                ByteBuffer buffer = ByteBuffer.wrap(input);
                while (buffer.hasRemaining()) {
                    writer.write(buffer);
                }
                writer.shutdownOutput();
                while (Frames.read(reader, Frames.MAX_FROM_CHILD) != null) {
                    // read every frame until the end of the stream
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
