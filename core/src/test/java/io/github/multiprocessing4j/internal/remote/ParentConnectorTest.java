package io.github.multiprocessing4j.internal.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParentConnectorTest {

    private Path directory;

    @AfterEach
    void stop() throws IOException {
        RemoteChannel.shutdown();
        if (directory != null) {
            try (var files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(directory);
        }
    }

    @Test
    void bytesCrossTheTlsRelayBothWaysWithTheRightPin() throws Exception {
        try (ServerSocketChannel control = controlSocket()) {
            RemoteChannel channel = RemoteChannel.get(Map.of(), controlSocketPath());
            assertTrue(channel.advertisedAddress().startsWith("127.0.0.1:"), "loopback by default (SPEC C4)");
            ChildCredentials credentials = credentialsOf(channel);
            try (ParentConnector.Connection connection = ParentConnector.connect(channel.advertisedAddress(), credentials.pin())) {
                SocketChannel child = connection.channel();
                SocketChannel parent = control.accept();
                child.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                ByteBuffer in = ByteBuffer.allocate(3);
                while (in.hasRemaining()) {
                    parent.read(in);
                }
                assertArrayEquals(new byte[] {1, 2, 3}, in.array());
                parent.write(ByteBuffer.wrap(new byte[] {4}));
                ByteBuffer back = ByteBuffer.allocate(1);
                child.read(back);
                assertEquals(4, back.get(0));
                parentEnd(parent);
                assertEquals(-1, child.read(ByteBuffer.allocate(1)), "the parent's end reaches the child");
            }
        }
    }

    /**
     * A child's last bytes reach the parent although its JVM exits right after its end: the relay
     * that copies them to the network runs on daemon threads, which an exit does not wait for, so
     * the child's end waits for it. Here the parent reads nothing until the child has closed its
     * connection, so the relay still holds bytes then (in a pod under load, a child's last puts
     * on a queue, some hundred messages, were lost now and then, and its end report with them).
     */
    @Test
    void whatAChildWroteBeforeItsEndReachesTheParentThoughItsJvmExitsRightAfter() throws Exception {
        try (ServerSocketChannel control = controlSocket()) {
            RemoteChannel channel = RemoteChannel.get(Map.of(), controlSocketPath());
            ChildCredentials credentials = credentialsOf(channel);
            String java = ProcessHandle.current().info().command().orElseThrow();
            Process child = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                    RelayedWriterProcess.class.getName(), channel.advertisedAddress(),
                    HexFormat.of().formatHex(credentials.pin()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line = out.readLine();
                assertTrue(line != null && line.startsWith("wrote "), "the child's line: " + line);
                long written = Long.parseLong(line.substring("wrote ".length()));
                long read = 0;
                try (SocketChannel parent = control.accept()) {
                    ByteBuffer in = ByteBuffer.allocate(64 * 1024);
                    int n;
                    while ((n = parent.read(in)) >= 0) {
                        for (int i = 0; i < n; i++) {
                            if (in.get(i) != (byte) ((read + i) % 251)) {
                                assertEquals((byte) ((read + i) % 251), in.get(i), "byte " + (read + i));
                            }
                        }
                        read += n;
                        in.clear();
                    }
                }
                assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child ended");
                assertEquals(0, child.exitValue(), "the child's exit: 0 once its relay had sent everything");
                assertEquals(written, read, "the bytes that reached the parent of the " + written + " the child wrote");
            } finally {
                child.destroyForcibly().waitFor();
            }
        }
    }

    /** The parent's control socket, bound in a new directory that {@link #stop} removes. */
    private ServerSocketChannel controlSocket() throws IOException {
        directory = Files.createTempDirectory("remote-test");
        ServerSocketChannel control = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        control.bind(UnixDomainSocketAddress.of(controlSocketPath()));
        return control;
    }

    private Path controlSocketPath() {
        return directory.resolve("control.sock");
    }

    /** What a child gets on its standard input from the remote channel: here with a zero secret. */
    private static ChildCredentials credentialsOf(RemoteChannel channel) throws IOException {
        return ChildCredentials.read(new ByteArrayInputStream(channel.credentials(new byte[32])));
    }

    /** Closes the parent's end: what the child must see as the channel's end. */
    private static void parentEnd(SocketChannel parent) throws IOException {
        parent.close();
    }

    @Test
    @SuppressWarnings("try") // the control socket is only bound, for the remote channel to relay to
    void aParentWithAnotherCertificateIsRefused() throws Exception {
        try (ServerSocketChannel control = controlSocket()) {
            RemoteChannel channel = RemoteChannel.get(Map.of(), controlSocketPath());
            byte[] wrongPin = new byte[32];
            Arrays.fill(wrongPin, (byte) 7);
            assertThrows(IOException.class, () -> ParentConnector.connect(channel.advertisedAddress(), wrongPin));
        }
    }

    @Test
    void anUnreachableAddressSaysWhatToSet() throws Exception {
        int closedPort;
        try (var probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        IOException e = assertThrows(IOException.class,
                () -> ParentConnector.connect("127.0.0.1:" + closedPort, new byte[32]));
        assertTrue(e.getMessage().contains(RemoteChannel.ADDRESS_PROPERTY), e.getMessage());
    }

    @Test
    void credentialsRoundTripAndRejectStrayInput() throws Exception {
        byte[] secret = new byte[32];
        byte[] pin = new byte[32];
        Arrays.fill(secret, (byte) 1);
        Arrays.fill(pin, (byte) 2);
        byte[] encoded = new ChildCredentials(secret, pin).encode();
        assertEquals(new ChildCredentials(secret, pin), ChildCredentials.read(new ByteArrayInputStream(encoded)));
        assertThrows(IOException.class, () -> ChildCredentials.read(new ByteArrayInputStream(new byte[10])));
        assertThrows(IOException.class, () -> ChildCredentials.read(new ByteArrayInputStream(new byte[ChildCredentials.SIZE])));
    }

    /**
     * A pod's JVM reads its credentials from a pipe through an unbuffered FileInputStream, on
     * which JDK 17's readNBytes(int) fails ("Illegal seek"); what follows them stays unread.
     */
    @Test
    void credentialsAreReadFromAPipeAndNoByteMore(@org.junit.jupiter.api.io.TempDir Path directory) throws Exception {
        Path fifo = directory.resolve("stdin");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) 3);
        byte[] encoded = new ChildCredentials(secret, new byte[32]).encode();
        Thread writer = new Thread(() -> {
            try (java.io.OutputStream out = Files.newOutputStream(fifo)) {
                out.write(encoded, 0, 20);
                out.flush();
                out.write(encoded, 20, encoded.length - 20);
                out.write('K');
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        try (java.io.FileInputStream in = new java.io.FileInputStream(fifo.toFile())) {
            assertEquals(new ChildCredentials(secret, new byte[32]), ChildCredentials.read(in));
            assertEquals('K', in.read(), "the byte after the credentials is left for the signal requests");
        }
        writer.join();
    }
}
