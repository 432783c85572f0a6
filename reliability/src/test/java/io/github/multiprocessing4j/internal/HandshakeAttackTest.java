package io.github.multiprocessing4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.internal.channel.Calls;
import io.github.multiprocessing4j.internal.channel.ControlServer;
import io.github.multiprocessing4j.internal.channel.Frames;
import io.github.multiprocessing4j.internal.channel.Handshake;
import io.github.multiprocessing4j.internal.channel.PendingChild;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import io.github.multiprocessing4j.reliability.Children;
import io.github.multiprocessing4j.reliability.Figures;
import io.github.multiprocessing4j.reliability.Peer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Attacks on the control channel that need what an outsider cannot have: a valid response to
 * replay, the parent's own response to reflect, or the key itself (a peer that authenticated
 * and then misbehaves). In core's package to reach the parent's server and a pending child's
 * secret: the test plays a real child, records its bytes, and replays them.
 */
@Order(55)
@Timeout(120)
@Tag("hostile")
class HandshakeAttackTest {

    private static final Duration DROP = Duration.ofSeconds(5);
    private static final byte[] CHILD_ROLE = "multiprocessing4j child".getBytes(StandardCharsets.US_ASCII);

    private int tried;
    private int accepted;
    private final List<String> failures = new ArrayList<>();

    @Test
    void replayedReflectedAndSecondHandshakesAreRefused() throws Exception {
        ControlServer server = ControlServer.get(SharedObjects.router(), true);
        PendingChild child = server.expect("reliability-replay");
        byte[] id = child.id().getBytes(StandardCharsets.US_ASCII);
        try (Peer honest = Peer.connect(server.socket());
             Peer early = Peer.connect(server.socket())) {
            // a peer that will answer with the parent's own response, taken from a second handshake
            early.send(Peer.frame(Peer.HELLO, id));
            byte[] earlyChallenge = nonce(early.nextFrame(DROP));

            // the real child's handshake, recorded
            honest.send(Peer.frame(Peer.HELLO, id));
            byte[] challenge = nonce(honest.nextFrame(DROP));
            byte[] validResponse = Handshake.hmac(child.secret(), CHILD_ROLE, challenge);
            honest.send(Peer.frame(Peer.RESPONSE, validResponse));
            honest.send(Peer.frame(Peer.CHALLENGE, earlyChallenge));
            byte[] parentsResponse = nonce(honest.nextFrame(DROP));
            assertNotNull(parentsResponse, "the honest handshake completes");
            child.deliver(new byte[] {1, 2, 3});
            byte[] task = honest.nextFrame(DROP);
            assertNotNull(task, "the authenticated child gets its task");
            assertEquals(Frames.TASK, task[0]);

            attack("a valid response replayed to a new challenge", Peer.connect(server.socket()), peer -> {
                peer.send(Peer.frame(Peer.HELLO, id));
                peer.nextFrame(DROP);
                peer.send(Peer.frame(Peer.RESPONSE, validResponse));
            }, null);
            attack("a recorded handshake replayed blind", Peer.connect(server.socket()), peer -> {
                byte[] hello = Peer.frame(Peer.HELLO, id);
                byte[] response = Peer.frame(Peer.RESPONSE, validResponse);
                byte[] challenge2 = Peer.frame(Peer.CHALLENGE, earlyChallenge);
                peer.send(ByteBuffer.allocate(hello.length + response.length + challenge2.length)
                        .put(hello).put(response).put(challenge2).array());
            }, null);
            attack("the parent's response reflected as the child's", early, peer ->
                    peer.send(Peer.frame(Peer.RESPONSE, parentsResponse)), null);
            attack("a second connection, with the key, for a child already attached", Peer.connect(server.socket()),
                    peer -> {
                        peer.send(Peer.frame(Peer.HELLO, id));
                        byte[] again = nonce(peer.nextFrame(DROP));
                        peer.send(Peer.frame(Peer.RESPONSE, Handshake.hmac(child.secret(), CHILD_ROLE, again)));
                        peer.send(Peer.frame(Peer.CHALLENGE, new byte[32]));
                    }, Frames.TASK);
        } finally {
            child.close();
        }
        authenticatedButHostile();
        Figures.HOSTILE.addAndGet(tried);
        Figures.ACCEPTED.addAndGet(accepted);
        Figures.row("hostile peers", "replays, reflections, authenticated misuse: tried / accepted", tried + " / " + accepted);
        assertEquals(List.of(), failures);
        assertEquals(0, Children.joinWithDeadline(startNothing()), "a real child after the attacks");
    }

    /** A peer with the key, that then sends what no child sends: its channel ends, the server goes on. */
    private void authenticatedButHostile() throws Exception {
        List<byte[]> hostile = List.of(
                Peer.frame((byte) 0x42, new byte[8]),
                Peer.frame(Frames.HELLO, new byte[8]),
                Peer.frame(Frames.TASK, new byte[8]),
                Peer.frame(Frames.REPLY, new byte[8]),
                Peer.frame(Frames.END, new byte[3]),
                Peer.frame(Frames.END, new byte[] {9, 0, 0, 0, 0, 0, 0, 0, 0}),
                Peer.frame(Frames.CALL, new byte[] {1, 2, 3}),
                Peer.frame(Frames.CALL, Calls.encodeCall(1, "no-such-object", 1, new Object[17], "")),
                Peer.frame(Frames.CANCEL, new byte[3]),
                Peer.frame(Frames.GONE, new byte[0]),
                ByteBuffer.allocate(8).putInt(Frames.MAX_FROM_CHILD + 1).put(Frames.RESULT).array(),
                ByteBuffer.allocate(8).putInt(-5).put(Frames.RESULT).array());
        ControlServer server = ControlServer.get(SharedObjects.router(), true);
        for (byte[] frame : hostile) {
            PendingChild child = server.expect("reliability-authenticated");
            byte[] id = child.id().getBytes(StandardCharsets.US_ASCII);
            child.deliver(new byte[] {1});
            try {
                attack("authenticated, then " + Arrays.toString(Arrays.copyOf(frame, Math.min(frame.length, 8))),
                        Peer.connect(server.socket()), peer -> {
                            peer.send(Peer.frame(Peer.HELLO, id));
                            byte[] challenge = nonce(peer.nextFrame(DROP));
                            peer.send(Peer.frame(Peer.RESPONSE, Handshake.hmac(child.secret(), CHILD_ROLE, challenge)));
                            peer.send(Peer.frame(Peer.CHALLENGE, new byte[32]));
                            peer.nextFrame(DROP); // the parent's response
                            peer.nextFrame(DROP); // the task
                            peer.send(frame);
                        }, (byte) -1);
            } finally {
                child.close();
            }
        }
    }

    @FunctionalInterface
    private interface Script {
        void run(Peer peer) throws Exception;
    }

    /**
     * Runs an attack and waits for the parent to drop the connection.
     *
     * @param forbidden with a valid handshake, the frame type that would mean acceptance; null
     *     when any frame but a CHALLENGE would; -1 when the peer is known to be authenticated
     *     and only a drop is checked
     */
    private void attack(String name, Peer peer, Script script, Byte forbidden) throws Exception {
        tried++;
        try (peer) {
            script.run(peer);
            List<byte[]> frames = peer.awaitDropped(DROP);
            if (frames == null) {
                failures.add(name + ": not dropped within " + DROP);
                return;
            }
            for (byte[] frame : frames) {
                boolean acceptedFrame = forbidden == null ? frame[0] != Peer.CHALLENGE
                        : forbidden != -1 && frame[0] == forbidden;
                if (acceptedFrame) {
                    accepted++;
                    failures.add(name + ": accepted, got a frame of type " + frame[0]);
                    return;
                }
            }
        }
    }

    private static io.github.multiprocessing4j.ChildProcess startNothing() {
        io.github.multiprocessing4j.ChildProcess process = Children.builder(Children::nothing).build();
        process.start();
        Figures.CYCLES.incrementAndGet();
        return process;
    }

    private static byte[] nonce(byte[] frame) {
        assertTrue(frame != null && frame.length == 33, "a 32-byte CHALLENGE or RESPONSE");
        return Arrays.copyOfRange(frame, 1, frame.length);
    }
}
