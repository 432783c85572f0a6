package io.github.multiprocessing4j.tck;

import static io.github.multiprocessing4j.tck.ControlChannelProbe.CHALLENGE;
import static io.github.multiprocessing4j.tck.ControlChannelProbe.HELLO;
import static io.github.multiprocessing4j.tck.ControlChannelProbe.RESPONSE;
import static io.github.multiprocessing4j.tck.ControlChannelProbe.connect;
import static io.github.multiprocessing4j.tck.ControlChannelProbe.dropped;
import static io.github.multiprocessing4j.tck.ControlChannelProbe.droppedWithin;
import static io.github.multiprocessing4j.tck.ControlChannelProbe.frame;
import static io.github.multiprocessing4j.tck.ControlChannelProbe.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.tck.ControlChannelProbe.Endpoint;
import io.github.multiprocessing4j.tck.Scenario.ScenarioResult;
import io.github.multiprocessing4j.tck.scenarios.ListenerScenario;
import io.github.multiprocessing4j.tck.scenarios.StdioScenario;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC C1–C4: the control channel, observed from outside. The hostile tests connect to the
 * channel's socket (found on a child's command line, so they need
 * {@link Capability#HOST_PROCESS_TABLE}) right after a child was started, before the child
 * itself connects, and check that the parent drops them and goes on working.
 */
@ExtendWith(NoLeakedProcesses.class)
public abstract class ControlChannelSuite extends TckSuite {

    /** How soon a peer that sent garbage, a wrong key or an oversized frame must be dropped. */
    private static final Duration DROP = Duration.ofSeconds(5);
    /** How soon a peer that sends nothing must be dropped (a handshake timeout, plus slack). */
    private static final Duration SLOW_PEER_DROP = Duration.ofSeconds(12);

    /** For subclasses. */
    protected ControlChannelSuite() {
    }

    /** A child that runs until {@code name.go} exists, and its channel's endpoint. */
    private record Waiting(ChildProcess process, Endpoint endpoint, String go) {
    }

    private Waiting waitingChild(String name) throws InterruptedException {
        String ready = file(name + ".ready");
        String go = file(name + ".go");
        ChildProcess process = started(() -> Targets.readyThenAwait(ready, go));
        return new Waiting(process, ControlChannelProbe.endpointOf(process.pid().getAsLong()), go);
    }

    private static void assertStillWorks(Waiting child) throws InterruptedException {
        Targets.touch(child.go());
        assertEquals(0, exitCodeAfterJoin(child.process()), "the child whose channel was attacked ends normally");
    }

    private void assertFreshChildWorks() throws InterruptedException {
        assertEquals(0, exitCodeAfterJoin(started(Targets::nothing)), "a new child starts and ends normally");
    }

    @Test
    void C1_userOutputCarriesNoProtocolBytes() {
        int lines = 2_000;
        ScenarioResult result = scenario(StdioScenario.class, "lines", Integer.toString(lines)).run();
        String dump = result.describe();
        assertEquals(StdioScenario.expectedOut(lines), result.stdout().stream()
                .filter(line -> !line.startsWith("exit=")).collect(Collectors.toList()),
                "exactly the child's lines on stdout, nothing else\n" + dump);
        List<String> binary = new ArrayList<>();
        for (String line : result.stdout()) {
            if (hasProtocolBytes(line)) {
                binary.add("stdout: " + line);
            }
        }
        for (String line : result.stderr()) {
            if (hasProtocolBytes(line)) {
                binary.add("stderr: " + line);
            }
        }
        assertEquals(List.of(), binary, "lines with control characters or undecodable bytes");
    }

    private static boolean hasProtocolBytes(String line) {
        return line.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f || c == 0xfffd);
    }

    @Test
    void C2_theSecretIsNeitherOnTheChildsCommandLineNorInItsEnvironment() throws Exception {
        requires(Capability.HOST_PROCESS_TABLE);
        Waiting child = waitingChild("child");
        awaitFile(file("child.ready"), "the child to run its target");
        long pid = child.process().pid().getAsLong();
        List<String> commandLine = child.endpoint().commandLine();
        List<String> environment = OsProcesses.environment(pid)
                .orElseThrow(() -> new AssertionError("cannot read /proc/" + pid + "/environ"));
        assertEquals(List.of(), ControlChannelProbe.secretLikeTokens(commandLine, child.endpoint().childId()),
                "tokens that look like a 32-byte secret (hex or base64) on the command line " + commandLine);
        assertEquals(List.of(), ControlChannelProbe.secretLikeTokens(environment, child.endpoint().childId()),
                "tokens that look like a 32-byte secret (hex or base64) in the environment");
        List<String> secretNames = environment.stream()
                .map(entry -> entry.substring(0, Math.max(0, entry.indexOf('='))))
                .filter(name -> name.toLowerCase(Locale.ROOT).matches(".*(secret|authkey|hmac).*"))
                .collect(Collectors.toList());
        assertEquals(List.of(), secretNames, "environment variables named like a secret");
        assertStillWorks(child);
    }

    @Test
    void C2_theSecretIsNotInTheLogs() {
        ScenarioResult result = scenario(StdioScenario.class, "lines", "3")
                .systemProperty(Scenario.LOG_LEVEL_PROPERTY, "DEBUG").run();
        List<String> output = new ArrayList<>(result.stdout());
        output.addAll(result.stderr());
        assertEquals(List.of(), ControlChannelProbe.secretLikeTokens(output, null),
                "tokens that look like a 32-byte secret (hex or base64) in the output and logs of parent and child\n"
                        + result.describe());
        assertEquals("0", result.value("exit"), result.describe());
    }

    @Test
    void C3_aPeerThatSendsGarbageIsDroppedAndTheParentKeepsWorking() throws Exception {
        requires(Capability.HOST_PROCESS_TABLE);
        Waiting child = waitingChild("child");
        byte[] junk = new byte[59];
        new Random(42).nextBytes(junk);
        try (SocketChannel unknownType = connect(child.endpoint().socket());
             SocketChannel http = connect(child.endpoint().socket())) {
            CompletableFuture<Long> first = dropped(unknownType);
            CompletableFuture<Long> second = dropped(http);
            send(unknownType, frame((byte) 0x42, junk)); // a well-formed frame of a type that does not exist
            send(http, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(droppedWithin(first, DROP), "a frame of an unknown type was not dropped within " + DROP);
            assertTrue(droppedWithin(second, DROP), "an HTTP request was not dropped within " + DROP);
        }
        assertStillWorks(child);
        assertFreshChildWorks();
    }

    @Test
    void C3_aPeerWithTheRightIdButAWrongKeyIsDroppedAndTheRealChildIsUnaffected() throws Exception {
        requires(Capability.HOST_PROCESS_TABLE);
        Waiting child = waitingChild("child");
        try (SocketChannel impostor = connect(child.endpoint().socket())) {
            send(impostor, frame(HELLO, child.endpoint().childId().getBytes(StandardCharsets.UTF_8)));
            Optional<byte[]> challenge = ControlChannelProbe.readFrame(impostor, DROP);
            assertTrue(challenge.isPresent(), "the parent answered HELLO with a frame");
            assertEquals(CHALLENGE, challenge.get()[0], "the parent answered HELLO with CHALLENGE");
            assertEquals(33, challenge.get().length, "CHALLENGE carries 32 random bytes");
            CompletableFuture<Long> drop = dropped(impostor);
            send(impostor, frame(RESPONSE, new byte[32]));
            assertTrue(droppedWithin(drop, DROP), "a wrong RESPONSE was not dropped within " + DROP);
        }
        assertStillWorks(child);
    }

    @Test
    void C3_anOversizedFrameIsDropped() throws Exception {
        requires(Capability.HOST_PROCESS_TABLE);
        Waiting child = waitingChild("child");
        try (SocketChannel greedy = connect(child.endpoint().socket())) {
            CompletableFuture<Long> drop = dropped(greedy);
            send(greedy, ByteBuffer.allocate(4 + 1 + 1024).putInt(Integer.MAX_VALUE).put(HELLO).array());
            assertTrue(droppedWithin(drop, DROP), "a 2 GiB frame header was not dropped within " + DROP);
        }
        assertStillWorks(child);
        assertFreshChildWorks();
    }

    @Test
    void C3_aPeerThatSendsNothingIsDroppedAndDoesNotHoldUpOtherChildren() throws Exception {
        requires(Capability.HOST_PROCESS_TABLE);
        Waiting child = waitingChild("child");
        try (SocketChannel silent = connect(child.endpoint().socket());
             SocketChannel stalled = connect(child.endpoint().socket())) {
            CompletableFuture<Long> silentDrop = dropped(silent);
            CompletableFuture<Long> stalledDrop = dropped(stalled);
            // HELLO with a made-up id, then nothing: a handshake that never ends
            send(stalled, frame(HELLO, "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
            assertFreshChildWorks(); // while both slow peers hold their connections
            assertTrue(droppedWithin(silentDrop, SLOW_PEER_DROP),
                    "a peer that sent nothing was not dropped within " + SLOW_PEER_DROP);
            assertTrue(droppedWithin(stalledDrop, SLOW_PEER_DROP),
                    "a peer that stalled after HELLO was not dropped within " + SLOW_PEER_DROP);
        }
        assertStillWorks(child);
    }

    @Test
    void C4_theChannelsSocketIsInADirectoryOnlyItsUserCanEnter() throws Exception {
        requires(Capability.HOST_PROCESS_TABLE);
        Waiting child = waitingChild("child");
        Path socket = child.endpoint().socket();
        Path directory = socket.getParent();
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(directory),
                "permissions of " + directory);
        assertEquals(Files.getOwner(tmp), Files.getOwner(directory), "owner of " + directory);
        assertEquals(Files.getOwner(tmp), Files.getOwner(socket), "owner of " + socket);
        assertStillWorks(child);
    }

    @Test
    void C4_theParentListensOnNoTcpPortAndBindsNoUdpPort() {
        assumeTrue(Files.exists(Path.of("/proc/net/tcp")), "needs /proc/net/tcp (Linux)");
        assumeFalse(launcher().has(Capability.CONTROL_CHANNEL_OVER_TCP),
                "its children reach the parent over TCP: C4_theParentListensOnOneTcpPort_... instead");
        ScenarioResult result = scenario(ListenerScenario.class, tmp.toString()).run();
        String dump = result.describe();
        assertEquals("0", result.value("tcp.listen.count"), "TCP sockets the parent listens on\n" + dump);
        assertEquals("0", result.value("udp.bound.count"), "UDP sockets the parent has bound\n" + dump);
        assertEquals("0", result.value("exit"), dump);
    }

    @Test
    void C4_theParentListensOnOneTcpPort_boundToTheAddressItsChildrenUse_andBindsNoUdpPort() {
        requires(Capability.CONTROL_CHANNEL_OVER_TCP);
        assumeTrue(Files.exists(Path.of("/proc/net/tcp")), "needs /proc/net/tcp (Linux)");
        ScenarioResult result = scenario(ListenerScenario.class, tmp.toString()).run();
        String dump = result.describe();
        assertEquals("1", result.value("tcp.listen.count"), "TCP sockets the parent listens on\n" + dump);
        // /proc/net/tcp: "sl local_address ...", the address in hex; all zeros is the wildcard
        String local = result.values("tcp.entry").isEmpty() ? result.value("tcp6.entry").split("\\s+")[1]
                : result.value("tcp.entry").split("\\s+")[1];
        String address = local.substring(0, local.indexOf(':'));
        assertFalse(address.chars().allMatch(c -> c == '0'),
                "the control channel listens on the wildcard address (" + local + "), not the one it advertises\n"
                        + dump);
        assertEquals("0", result.value("udp.bound.count"), "UDP sockets the parent has bound\n" + dump);
        assertEquals("0", result.value("exit"), dump);
    }
}
