package io.github.multiprocessing4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.internal.launch.Launchers;
import io.github.multiprocessing4j.spi.Availability;
import io.github.multiprocessing4j.spi.LaunchException;
import io.github.multiprocessing4j.spi.LaunchRequest;
import io.github.multiprocessing4j.spi.LaunchedProcess;
import io.github.multiprocessing4j.spi.Launcher;
import io.github.multiprocessing4j.spi.LauncherProvider;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The network control channel (SPEC R1, C2, C4) end to end, with a launcher that declares its
 * children reach the parent over the network but starts them as JVMs on this host: the child
 * connects over TLS to the advertised loopback address, with its credentials on stdin only.
 */
class NetworkChannelTest {

    private final List<LaunchRequest> requests = new CopyOnWriteArrayList<>();

    @Test
    void aChildOnTheNetworkRunsItsTaskAndReportsItsExitCode() throws Exception {
        ChildProcess p = context().process(NetworkChannelTest::exitWith7);
        p.start();
        assertTrue(p.join(Duration.ofSeconds(60)), "the child ended");
        assertEquals(7, p.exitCode().getAsInt());

        LaunchRequest request = requests.get(0);
        assertTrue(request.arguments().get(0).startsWith("tls:127.0.0.1:"), request.arguments().toString());
        assertTrue(request.sharedPaths().isEmpty(), "no directory is shared with a child on the network");
        // SPEC R2: the launcher copies only the bootstrap jars; this test's classes were shipped
        assertTrue(request.classPath().size() <= 3, request.classPath().toString());
        for (Path entry : request.classPath()) {
            assertTrue(entry.toString().endsWith(".jar") && java.nio.file.Files.isRegularFile(entry), entry.toString());
            assertFalse(entry.toString().contains("test-classes"), entry.toString());
        }
        byte[] stdin = request.standardInput();
        assertEquals(9 + 32 + 32, stdin.length);
        String secretHex = HexFormat.of().formatHex(stdin, 9, 41);
        String everythingVisible = request.toString() + String.join(" ", request.arguments())
                + request.jvmOptions() + request.environment();
        assertFalse(everythingVisible.contains(secretHex), "the secret is nowhere but on stdin");
    }

    @Test
    void aChildWithWrongCredentialsIsRefusedAndTheParentGoesOn() throws Exception {
        ChildProcess bad = new ProcessContext("network-local", new Launchers(List.of(new Provider(true))))
                .process(NetworkChannelTest::exitWith7);
        bad.start();
        assertTrue(bad.join(Duration.ofSeconds(60)));
        assertEquals(1, bad.exitCode().getAsInt(), "a child that fails the handshake cannot run its task");
        ChildProcess good = context().process(NetworkChannelTest::exitWith7);
        good.start();
        assertTrue(good.join(Duration.ofSeconds(60)));
        assertEquals(7, good.exitCode().getAsInt());
    }

    @Test
    void aClassPathEntryThatCannotBeShippedFailsStartWithOneClearError(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path socketFile = dir.resolve("not-a-jar.sock");
        try (var server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(socketFile));
            List<Path> classPath = new ArrayList<>(List.of(Path.of(System.getProperty("java.class.path")
                    .split(File.pathSeparator)[0])));
            classPath.add(socketFile);
            ChildProcess p = context().builder(NetworkChannelTest::exitWith7).classPath(classPath).build();
            ProcessStartException e = org.junit.jupiter.api.Assertions.assertThrows(ProcessStartException.class, p::start);
            assertTrue(e.getMessage().contains(socketFile.toString()) && e.getMessage().contains("cannot be shipped"),
                    e.getMessage());
            assertTrue(requests.isEmpty(), "nothing was launched");
        }
    }

    static void exitWith7() {
        System.exit(7);
    }

    private ProcessContext context() {
        return new ProcessContext("network-local", launchers());
    }

    private Launchers launchers() {
        return new Launchers(List.of(new Provider(false)));
    }

    private final class Provider implements LauncherProvider {
        private final boolean corruptSecret;

        Provider(boolean corruptSecret) {
            this.corruptSecret = corruptSecret;
        }

        @Override
        public String name() {
            return "network-local";
        }

        @Override
        public int priority() {
            return -100;
        }

        @Override
        public Availability availability() {
            return Availability.available();
        }

        @Override
        public Launcher create() {
            return new NetworkLocalLauncher(corruptSecret);
        }
    }

    /** Starts the JVM here, writes the request's standard input, then closes it. */
    private final class NetworkLocalLauncher implements Launcher {
        private final boolean corruptSecret;

        NetworkLocalLauncher(boolean corruptSecret) {
            this.corruptSecret = corruptSecret;
        }

        @Override
        public boolean childrenReachParentOverNetwork() {
            return true;
        }

        @Override
        public LaunchedProcess launch(LaunchRequest request) throws LaunchException {
            requests.add(request);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(request.jvmOptions());
            command.add("-cp");
            command.add(request.classPath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
            command.add(request.mainClass());
            command.addAll(request.arguments());
            try {
                Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                byte[] stdin = request.standardInput();
                if (corruptSecret) {
                    stdin[20] ^= 1;
                }
                try (OutputStream in = process.getOutputStream()) {
                    in.write(stdin);
                }
                return new LaunchedProcess() {
                    @Override
                    public long pid() {
                        return process.pid();
                    }

                    @Override
                    public CompletableFuture<Integer> onExit() {
                        return process.onExit().thenApply(Process::exitValue);
                    }

                    @Override
                    public void terminate() {
                        process.destroy();
                    }

                    @Override
                    public void kill() {
                        process.destroyForcibly();
                    }
                };
            } catch (IOException e) {
                throw new LaunchException("could not start: " + e.getMessage().getBytes(StandardCharsets.UTF_8).length, e);
            }
        }
    }
}
