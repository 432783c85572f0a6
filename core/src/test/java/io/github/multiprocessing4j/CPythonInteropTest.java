package io.github.multiprocessing4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Listener} and {@link Client} against CPython's {@code multiprocessing.connection} (SPEC
 * M8): a Java client and a CPython listener, a CPython client and a Java listener, bytes both ways
 * (of sizes around CPython's 16 KiB write boundary), a wrong key refused on both sides; over TCP
 * and Unix-domain sockets. {@code python3} is the machine's CPython (3.11 here: the legacy HMAC-MD5
 * dialect); a CPython 3.12 or newer found on the PATH ({@code python3.12}, {@code python3.13}, ...)
 * or under pyenv speaks the {@code {sha256}} dialect. Without {@code python3} the test is skipped
 * with one line, but fails when the environment variable {@code CI} is {@code true}; without a
 * 3.12+ its cases are skipped (CI does not require one).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CPythonInteropTest {

    private static final byte[] KEY = "interop key".getBytes(StandardCharsets.US_ASCII);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killPythons() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The interpreters to test with: {@code python3}, and any 3.12+ found. */
    static Stream<Arguments> pythons() {
        List<Arguments> cases = new ArrayList<>();
        for (String family : List.of("inet", "unix")) {
            cases.add(Arguments.of(Interpreters.PYTHON3 == null ? "" : Interpreters.PYTHON3, family));
            cases.add(Arguments.of(Interpreters.MODERN == null ? "3.12+" : Interpreters.MODERN, family));
        }
        return cases.stream();
    }

    /** Found once per run: starting an interpreter through pyenv's shims takes a second on a busy machine. */
    private static final class Interpreters {
        static final String PYTHON3;
        static final String MODERN;

        static {
            int[] version = version("python3");
            PYTHON3 = version == null ? null : "python3";
            MODERN = version != null && isModern(version) ? "python3" : modernElsewhere();
        }

        private static boolean isModern(int[] version) {
            return version[0] > 3 || version[0] == 3 && version[1] >= 12;
        }

        /** A CPython 3.12 or newer under pyenv, or python3.1x on the PATH. */
        private static String modernElsewhere() {
            List<String> candidates = new ArrayList<>();
            String pyenv = System.getenv().getOrDefault("PYENV_ROOT", System.getProperty("user.home") + "/.pyenv");
            try (Stream<Path> versions = Files.list(Path.of(pyenv, "versions"))) {
                versions.filter(dir -> dir.getFileName().toString().matches("3\\.(1[2-9]|[2-9]\\d)\\.\\d+"))
                        .sorted().map(dir -> dir.resolve("bin/python3").toString()).forEach(candidates::add);
            } catch (IOException e) {
                // no pyenv: only the PATH counts
            }
            candidates.addAll(List.of("python3.14", "python3.13", "python3.12"));
            for (String candidate : candidates) {
                int[] version = version(candidate);
                if (version != null && isModern(version)) {
                    return candidate;
                }
            }
            return null;
        }

        /** The major and minor version of an interpreter that has multiprocessing.connection, or null. */
        private static int[] version(String python) {
            try {
                Process process = new ProcessBuilder(python, "-c", "import sys, multiprocessing.connection;"
                        + " print('%d %d' % sys.version_info[:2])").redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
                if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    return null;
                }
                String[] parts = out.split(" ");
                return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
            } catch (IOException | RuntimeException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    private static String require(String python) {
        if (python.isEmpty()) {
            String line = "python3 is not on the PATH: the CPython interop test is skipped";
            if ("true".equals(System.getenv("CI"))) {
                fail(line + ", which CI does not allow (CI=true)");
            }
            assumeTrue(false, line);
        }
        assumeTrue(!python.equals("3.12+"), "no CPython 3.12 or newer on the PATH or under pyenv: the {sha256}"
                + " dialect against real CPython is skipped (ChallengeTest covers it Java against Java)");
        return python;
    }

    private Process python(String python, String script, String... args) throws Exception {
        Path source = Path.of(CPythonInteropTest.class.getResource("cpython/" + script).toURI());
        List<String> command = new ArrayList<>(List.of(python, source.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(tmp.resolve(script + ".err").toFile()).start();
        started.add(process);
        return process;
    }

    private static String line(Process process, BufferedReader out) throws Exception {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            return line.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            if (!line.isDone()) {
                process.destroyForcibly();
            }
        }
    }

    private String stderr(String script) throws IOException {
        return Files.readString(tmp.resolve(script + ".err"));
    }

    private static BufferedReader stdout(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    private static byte[] reversed(byte[] bytes) {
        byte[] reversed = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            reversed[i] = bytes[bytes.length - 1 - i];
        }
        return reversed;
    }

    /** The Java half of the scripts' dialogue: greeting, echoes of several sizes, bye, end of stream. */
    private static int talk(Connection conn) throws Exception {
        String greeting = new String(conn.recvBytes(), StandardCharsets.US_ASCII);
        assertTrue(greeting.startsWith("hello from CPython 3."), greeting);
        Random random = new Random(12);
        int[] sizes = {0, 1, 255, 16384, 16385, 70_000, 1 << 20};
        for (int size : sizes) {
            byte[] message = new byte[size];
            random.nextBytes(message);
            conn.sendBytes(message);
            assertTrue(conn.poll(WAIT), "the echo of " + size + " bytes arrives");
            assertArrayEquals(reversed(message), conn.recvBytes(), "the echo of " + size + " bytes");
        }
        conn.sendBytes(new byte[] {9, 'o', 'l', 'l', 'e', 'h', 9}, 1, 5);
        byte[] buffer = new byte[8];
        assertEquals(5, conn.recvBytesInto(buffer, 2));
        assertArrayEquals(new byte[] {0, 0, 'h', 'e', 'l', 'l', 'o', 0}, buffer);
        conn.sendBytes("bye".getBytes(StandardCharsets.US_ASCII));
        assertThrows(EOFException.class, conn::recvBytes, "the script closes its end after bye");
        return sizes.length + 1;
    }

    private SocketAddress unixAddress() {
        return UnixDomainSocketAddress.of(tmp.resolve("sock"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("pythons")
    void javaClientTalksToACPythonListener(String python, String family) throws Exception {
        require(python);
        String where = family.equals("inet") ? "0" : tmp.resolve("sock").toString();
        Process listener = python(python, "listener.py", family, where, HexFormat.of().formatHex(KEY));
        BufferedReader out = stdout(listener);
        String[] address = line(listener, out).split(" ");
        assertEquals("ADDRESS", address[0], () -> "the script's first line; its stderr: " + stderrOrEmpty("listener.py"));
        SocketAddress target = family.equals("inet")
                ? new InetSocketAddress(address[1], Integer.parseInt(address[2])) : UnixDomainSocketAddress.of(address[1]);
        int count;
        try (Connection conn = Client.connect(target, KEY)) {
            count = talk(conn);
        }
        assertEquals("DONE " + count, line(listener, out));
        assertTrue(listener.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, listener.exitValue(), stderr("listener.py"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("pythons")
    void aCPythonClientTalksToAJavaListener(String python, String family) throws Exception {
        require(python);
        try (Listener listener = new Listener(family.equals("inet") ? new InetSocketAddress("127.0.0.1", 0)
                : unixAddress(), KEY)) {
            Process client = python(python, "client.py", family, address(listener), HexFormat.of().formatHex(KEY));
            int count;
            try (Connection conn = listener.accept(WAIT)) {
                count = talk(conn);
            }
            BufferedReader out = stdout(client);
            assertEquals("DONE " + count, line(client, out), () -> stderrOrEmpty("client.py"));
            assertTrue(client.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(0, client.exitValue(), stderr("client.py"));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("pythons")
    void aWrongKeyIsRefusedOnBothSidesWhenJavaConnects(String python, String family) throws Exception {
        require(python);
        String where = family.equals("inet") ? "0" : tmp.resolve("sock").toString();
        Process listener = python(python, "listener.py", family, where, HexFormat.of().formatHex(KEY));
        BufferedReader out = stdout(listener);
        String[] address = line(listener, out).split(" ");
        SocketAddress target = family.equals("inet")
                ? new InetSocketAddress(address[1], Integer.parseInt(address[2])) : UnixDomainSocketAddress.of(address[1]);
        AuthenticationException refused = assertThrows(AuthenticationException.class,
                () -> Client.connect(target, "another key".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(refused.getMessage().endsWith("refused our answer to its challenge (#FAILURE#): the authkeys differ"),
                refused.getMessage());
        assertEquals("AUTHENTICATION_ERROR digest received was wrong", line(listener, out));
        assertTrue(listener.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(3, listener.exitValue());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("pythons")
    void aWrongKeyIsRefusedOnBothSidesWhenCPythonConnects(String python, String family) throws Exception {
        require(python);
        try (Listener listener = new Listener(family.equals("inet") ? new InetSocketAddress("127.0.0.1", 0)
                : unixAddress(), KEY)) {
            Process client = python(python, "client.py", family, address(listener),
                    HexFormat.of().formatHex("another key".getBytes(StandardCharsets.US_ASCII)));
            AuthenticationException refused = assertThrows(AuthenticationException.class, () -> listener.accept(WAIT));
            assertTrue(refused.getMessage().startsWith("wrong authkey: the answer of the client"), refused.getMessage());
            assertEquals("AUTHENTICATION_ERROR digest sent was rejected", line(client, stdout(client)));
            assertTrue(client.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(3, client.exitValue());
        }
    }

    private static String address(Listener listener) {
        SocketAddress address = listener.address();
        if (address instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) address;
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return ((UnixDomainSocketAddress) address).getPath().toString();
    }

    private String stderrOrEmpty(String script) {
        try {
            return stderr(script);
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }

}
