package io.github.multiprocessing4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.tck.NoLeakedProcesses;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzzer of the parent's socket: each execution is one connection that sends a mutated
 * frame sequence (HELLOs with the real child's id and others, responses, random types and
 * lengths), then ends its output. The parent must drop every one, send nothing but a
 * CHALLENGE, log each once, and keep serving: the child whose id was used, and a new child,
 * end with 0. A peer that sends nothing and closes is dropped too, without a warning: that is how
 * a child that ends while it starts looks (a pool closed at once), not an attack.
 */
@Order(60)
@ExtendWith(NoLeakedProcesses.class)
@Timeout(600)
@Tag("hostile")
class FrameFuzzTest {

    private static final Duration DROP = Duration.ofSeconds(5);
    /**
     * How long the child waits for the fuzzing to end: as long as the test may run. The long form's
     * 20 000 connections took more than {@link Children#DEADLINE} beside the soak, and the child,
     * which had given up, ended with 1.
     */
    private static final long FUZZING_MILLIS = Duration.ofSeconds(600).toMillis();

    @TempDir
    Path tmp;

    @Test
    void theParentDropsEveryFuzzedPeerAndKeepsServing() throws Exception {
        String ready = tmp.resolve("ready").toString();
        String go = tmp.resolve("go").toString();
        ChildProcess child = Children.builder(() -> Children.readyThenAwait(ready, go, FUZZING_MILLIS)).build();
        child.start();
        Figures.CYCLES.incrementAndGet();
        int accepted = 0;
        int silent = 0;
        List<String> notDropped = new ArrayList<>();
        try (LogCapture log = new LogCapture()) {
            assertTrue(Children.awaitFile(ready), "the child runs");
            Peer.Endpoint endpoint = Peer.endpointOf(child.pid().getAsLong());
            List<byte[]> corpus = seeds(endpoint.childId());
            Random random = new Random(FuzzSettings.SEED);
            for (int i = 0; i < FuzzSettings.SOCKET_EXECS; i++) {
                byte[] input = mutate(random, corpus);
                if (input.length == 0) {
                    silent++;
                }
                try (Peer peer = Peer.connect(endpoint.socket())) {
                    peer.send(input);
                    peer.endOutput();
                    List<byte[]> frames = peer.awaitDropped(DROP);
                    if (frames == null) {
                        notDropped.add(java.util.HexFormat.of().formatHex(input));
                    } else if (frames.stream().anyMatch(frame -> frame[0] != Peer.CHALLENGE)) {
                        accepted++;
                    }
                }
            }
            Figures.FUZZ_EXECS.addAndGet(FuzzSettings.SOCKET_EXECS);
            Figures.HOSTILE.addAndGet(FuzzSettings.SOCKET_EXECS);
            Figures.ACCEPTED.addAndGet(accepted);
            Children.touch(go);
            assertEquals(0, Children.joinWithDeadline(child), "the child whose id the fuzzer used ends normally");
            ChildProcess fresh = Children.builder(Children::nothing).build();
            fresh.start();
            Figures.CYCLES.incrementAndGet();
            assertEquals(0, Children.joinWithDeadline(fresh), "a new child after the fuzzing");
            int warnings = log.warnings().size();
            Figures.row("fuzz (parent socket)", "connections / accepted / not dropped / warnings",
                    FuzzSettings.SOCKET_EXECS + " / " + accepted + " / " + notDropped.size() + " / " + warnings);
            System.out.println("[reliability] socket fuzz: " + FuzzSettings.SOCKET_EXECS + " connections, " + accepted
                    + " accepted, " + notDropped.size() + " not dropped, " + warnings + " warnings");
            assertEquals(0, accepted, "fuzzed peers that got past the handshake");
            assertEquals(List.of(), notDropped, "fuzzed peers not dropped within " + DROP);
            assertEquals(FuzzSettings.SOCKET_EXECS - silent, warnings,
                    "one warning per refused peer that sent anything (" + silent + " sent nothing)");
        }
    }

    private static List<byte[]> seeds(String childId) {
        byte[] id = childId.getBytes(StandardCharsets.US_ASCII);
        byte[] hello = Peer.frame(Peer.HELLO, id);
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(hello);
        seeds.add(concat(hello, Peer.frame(Peer.RESPONSE, new byte[32])));
        seeds.add(concat(hello, Peer.frame(Peer.RESPONSE, new byte[32]), Peer.frame(Peer.CHALLENGE, new byte[32])));
        seeds.add(Peer.frame(Peer.HELLO, "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
        seeds.add(Peer.frame((byte) 4, new byte[64]));
        seeds.add(Peer.frame((byte) 6, new byte[24]));
        return seeds;
    }

    private static byte[] mutate(Random random, List<byte[]> corpus) {
        byte[] input = corpus.get(random.nextInt(corpus.size())).clone();
        int moves = random.nextInt(4);
        for (int m = 0; m < moves; m++) {
            switch (random.nextInt(5)) {
                case 0 -> {
                    if (input.length > 0) {
                        input[random.nextInt(input.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> {
                    if (input.length >= 4) {
                        int at = random.nextInt(input.length - 3);
                        int[] lengths = {0, 1, -1, 128, 129, 256, 257, Integer.MAX_VALUE, 1 << 24};
                        ByteBuffer.wrap(input, at, 4).putInt(lengths[random.nextInt(lengths.length)]);
                    }
                }
                case 2 -> input = Arrays.copyOf(input, random.nextInt(input.length + 1));
                case 3 -> {
                    byte[] junk = new byte[1 + random.nextInt(64)];
                    random.nextBytes(junk);
                    input = concat(input, junk);
                }
                default -> {
                    if (input.length > 4) {
                        input[4] = (byte) random.nextInt(256);
                    }
                }
            }
        }
        return input;
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer all = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(part -> part.length).sum());
        for (byte[] part : parts) {
            all.put(part);
        }
        return all.array();
    }
}
