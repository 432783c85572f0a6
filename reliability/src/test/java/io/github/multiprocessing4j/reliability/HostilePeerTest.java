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
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile peers on the control channel (SPEC C2, C3), from outside: a local process that found
 * the socket and a child's id on the child's command line. Each attack is one connection; the
 * parent must drop it (within 5 s, or the handshake timeout for peers that stall), log it once,
 * and never send it anything but a CHALLENGE; meanwhile the attacked child and new children
 * carry on. Replays, which need a valid response, are in
 * {@code io.github.multiprocessing4j.internal.HandshakeAttackTest}.
 */
@Order(50)
@ExtendWith(NoLeakedProcesses.class)
@Timeout(600)
@Tag("hostile")
class HostilePeerTest {

    private static final Duration DROP = Duration.ofSeconds(5);
    /** The parent's handshake timeout (5 s), plus slack. */
    private static final Duration STALLED_DROP = Duration.ofSeconds(10);
    private static final int RANDOM_PEERS = Form.pick(8, 200);
    private static final int SLOW_LORIS_PEERS = Form.pick(8, 100);
    /** How long all the attacks may take, at most. */
    private static final Duration ATTACKS_END = Duration.ofMinutes(10);

    @TempDir
    Path tmp;

    /** What an attacker does on its connection. */
    @FunctionalInterface
    interface Script {
        void run(Peer peer, Peer.Endpoint endpoint) throws Exception;
    }

    record Attack(String name, Script script, Duration dropWithin) {
    }

    @Test
    void everyHostilePeerIsRefusedAndTheParentAndItsChildrenCarryOn() throws Exception {
        String ready = tmp.resolve("ready").toString();
        String go = tmp.resolve("go").toString();
        // the attacked child waits for the end of every attack: minutes in the long form
        long attackedChildWaits = ATTACKS_END.toMillis();
        ChildProcess child = Children.builder(() -> Children.readyThenAwait(ready, go, attackedChildWaits)).build();
        child.start();
        Figures.CYCLES.incrementAndGet();
        try (LogCapture log = new LogCapture()) {
            assertTrue(Children.awaitFile(ready), "the attacked child runs");
            Peer.Endpoint endpoint = Peer.endpointOf(child.pid().getAsLong());
            List<Attack> attacks = attacks(endpoint);
            List<String> failures = new ArrayList<>();
            int accepted = 0;
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<String>> results = new ArrayList<>();
                for (Attack attack : attacks) {
                    results.add(pool.submit(() -> run(attack, endpoint)));
                }
                // while slow peers hold their connections: a new child starts, runs and ends
                ChildProcess fresh = Children.builder(Children::nothing).build();
                fresh.start();
                Figures.CYCLES.incrementAndGet();
                assertEquals(0, Children.joinWithDeadline(fresh), "a new child during the attacks");
                for (Future<String> result : results) {
                    String outcome = result.get(60, TimeUnit.SECONDS);
                    if (outcome.startsWith("accepted")) {
                        accepted++;
                    }
                    if (!outcome.equals("dropped")) {
                        failures.add(outcome);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            Figures.HOSTILE.addAndGet(attacks.size());
            Figures.ACCEPTED.addAndGet(accepted);
            Children.touch(go);
            assertEquals(0, Children.joinWithDeadline(child), "the attacked child ends normally");
            List<String> warnings = log.warnings();
            Figures.row("hostile peers", "attacks tried / accepted / not dropped in time",
                    attacks.size() + " / " + accepted + " / " + (failures.size() - accepted));
            Figures.row("hostile peers", "warnings logged for them", warnings.size());
            System.out.println("[reliability] hostile peers: " + attacks.size() + " tried, " + accepted + " accepted, "
                    + warnings.size() + " warnings logged");
            assertEquals(List.of(), failures, "attacks that were not simply dropped");
            assertEquals(attacks.size(), warnings.size(), "one warning per refused peer:\n" + String.join("\n", warnings));
        }
    }

    private static String run(Attack attack, Peer.Endpoint endpoint) {
        try (Peer peer = Peer.connect(endpoint.socket())) {
            attack.script().run(peer, endpoint);
            List<byte[]> frames = peer.awaitDropped(attack.dropWithin());
            if (frames == null) {
                return "not dropped within " + attack.dropWithin() + ": " + attack.name();
            }
            for (byte[] frame : frames) {
                if (frame[0] != Peer.CHALLENGE) {
                    return "accepted: " + attack.name() + " got a frame of type " + frame[0];
                }
            }
            return "dropped";
        } catch (Exception e) {
            return "failed: " + attack.name() + ": " + e;
        }
    }

    private static List<Attack> attacks(Peer.Endpoint endpoint) {
        byte[] id = endpoint.childId().getBytes(StandardCharsets.US_ASCII);
        Random random = new Random(Form.SEED + 3);
        List<Attack> attacks = new ArrayList<>();
        // wrong key: the right id, a response made with another key
        attacks.add(new Attack("wrong key", (peer, e) -> {
            peer.send(Peer.frame(Peer.HELLO, id));
            byte[] challenge = peer.nextFrame(DROP);
            byte[] key = new byte[32];
            new Random(1).nextBytes(key);
            peer.send(Peer.frame(Peer.RESPONSE, hmac(key, "multiprocessing4j child", challenge)));
        }, DROP));
        attacks.add(new Attack("all-zero response", answeringTheChallengeWith(id, Peer.RESPONSE, new byte[32]), DROP));
        attacks.add(new Attack("the challenge echoed back as the response", (peer, e) -> {
            peer.send(Peer.frame(Peer.HELLO, id));
            byte[] challenge = peer.nextFrame(DROP);
            peer.send(Peer.frame(Peer.RESPONSE, java.util.Arrays.copyOfRange(challenge, 1, challenge.length)));
        }, DROP));
        attacks.add(new Attack("a challenge instead of the response",
                answeringTheChallengeWith(id, Peer.CHALLENGE, new byte[32]), DROP));
        attacks.add(new Attack("an empty response", answeringTheChallengeWith(id, Peer.RESPONSE, new byte[0]), DROP));
        attacks.add(new Attack("an oversized response (257 bytes)",
                answeringTheChallengeWith(id, Peer.RESPONSE, new byte[256]), DROP));
        attacks.add(new Attack("hello of an unknown id", (peer, e) -> peer.send(Peer.frame(Peer.HELLO,
                "00000000000000000000000000000000".getBytes(StandardCharsets.US_ASCII))), DROP));
        attacks.add(new Attack("empty hello", (peer, e) -> peer.send(Peer.frame(Peer.HELLO, new byte[0])), DROP));
        attacks.add(new Attack("hello of binary bytes", (peer, e) -> peer.send(Peer.frame(Peer.HELLO,
                new byte[] {(byte) 0xff, 0, (byte) 0xc3, 0x28})), DROP));
        attacks.add(new Attack("oversized hello (129 bytes)", (peer, e) -> peer.send(Peer.frame(Peer.HELLO,
                new byte[128])), DROP));
        attacks.add(new Attack("2 GiB frame header", (peer, e) -> peer.send(ByteBuffer.allocate(1029)
                .putInt(Integer.MAX_VALUE).put(Peer.HELLO).array()), DROP));
        attacks.add(new Attack("negative frame length", (peer, e) -> peer.send(ByteBuffer.allocate(9)
                .putInt(-1).put(Peer.HELLO).array()), DROP));
        attacks.add(new Attack("zero frame length", (peer, e) -> peer.send(new byte[] {0, 0, 0, 0, 1, 1, 1, 1}), DROP));
        for (byte type : new byte[] {0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x42, (byte) 0xff}) {
            attacks.add(new Attack("first frame of type " + type, (peer, e) -> peer.send(Peer.frame(type, id)), DROP));
        }
        attacks.add(new Attack("truncated frame, then end of stream", (peer, e) -> {
            peer.send(java.util.Arrays.copyOf(Peer.frame(Peer.HELLO, id), 10));
            peer.endOutput();
        }, DROP));
        attacks.add(new Attack("half a header, then end of stream", (peer, e) -> {
            peer.send(new byte[] {0, 0});
            peer.endOutput();
        }, DROP));
        attacks.add(new Attack("truncated response, then end of stream", (peer, e) -> {
            peer.send(Peer.frame(Peer.HELLO, id));
            peer.nextFrame(DROP);
            peer.send(java.util.Arrays.copyOf(Peer.frame(Peer.RESPONSE, new byte[32]), 20));
            peer.endOutput();
        }, DROP));
        attacks.add(new Attack("an HTTP request", (peer, e) -> peer.send(
                "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), DROP));
        for (int i = 0; i < RANDOM_PEERS; i++) {
            byte[] junk = new byte[1 + random.nextInt(512)];
            random.nextBytes(junk);
            attacks.add(new Attack("random bytes #" + i, (peer, e) -> {
                peer.send(junk);
                peer.endOutput();
            }, DROP));
        }
        // slow loris: peers that never finish their handshake, dropped by the handshake timeout
        for (int i = 0; i < SLOW_LORIS_PEERS; i++) {
            switch (i % 4) {
                case 0 -> attacks.add(new Attack("silent peer #" + i, (peer, e) -> { }, STALLED_DROP));
                case 1 -> attacks.add(new Attack("hello one byte every 500 ms #" + i, (peer, e) -> {
                    byte[] hello = Peer.frame(Peer.HELLO, id);
                    for (byte b : hello) {
                        if (!peer.send(new byte[] {b})) {
                            return;
                        }
                        Thread.sleep(500);
                    }
                }, STALLED_DROP));
                case 2 -> attacks.add(new Attack("stalls after the challenge #" + i,
                        (peer, e) -> peer.send(Peer.frame(Peer.HELLO, id)), STALLED_DROP));
                default -> attacks.add(new Attack("stalls inside a frame #" + i,
                        (peer, e) -> peer.send(new byte[] {0, 0, 0, 33, Peer.HELLO}), STALLED_DROP));
            }
        }
        return attacks;
    }

    /** A peer that says hello with the right id, reads the challenge and answers with this frame. */
    private static Script answeringTheChallengeWith(byte[] id, byte type, byte[] payload) {
        return (peer, endpoint) -> {
            peer.send(Peer.frame(Peer.HELLO, id));
            peer.nextFrame(DROP);
            peer.send(Peer.frame(type, payload));
        };
    }

    static byte[] hmac(byte[] key, String role, byte[] challengeFrame) throws Exception {
        byte[] nonce = java.util.Arrays.copyOfRange(challengeFrame, 1, challengeFrame.length);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
        mac.update(role.getBytes(StandardCharsets.US_ASCII));
        return mac.doFinal(nonce);
    }
}
