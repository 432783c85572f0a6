package io.github.multiprocessing4j.examples;

import io.github.multiprocessing4j.Client;
import io.github.multiprocessing4j.Connection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * {@code interop}: a Java {@link Client} talks to a CPython {@code multiprocessing.connection.Listener}
 * that the example starts with {@code python3}, after the mutual HMAC challenge (CPython 3.12+
 * answers with HMAC-SHA256, 3.11 and older with HMAC-MD5: both work). The listener sends the
 * bytes of {@code array('i', [42, 1729])}, as Python's documentation does, and answers each
 * message in capitals. Messages of bytes interoperate; objects do not ({@code send} is a pickle
 * on one side and this library's encoding on the other). Without {@code python3} on the PATH the
 * example says so and exits with 0.
 */
public final class InteropExample {

    /** The listener, as a Python user would write it; the key comes on stdin, never on a command line. */
    private static final String LISTENER = String.join("\n",
            "import sys",
            "from array import array",
            "from multiprocessing.connection import Listener",
            "authkey = bytes.fromhex(sys.stdin.readline().strip())",
            "with Listener(('127.0.0.1', 0), authkey=authkey) as listener:",
            "    print(listener.address[1], flush=True)",
            "    with listener.accept() as conn:",
            "        conn.send_bytes(array('i', [42, 1729]))",
            "        while (message := conn.recv_bytes()) != b'bye':",
            "            conn.send_bytes(message.upper())");

    private InteropExample() {
    }

    /**
     * Runs the program.
     *
     * @param args ignored
     * @throws Exception if CPython's listener fails, or the conversation does
     */
    public static void main(String... args) throws Exception {
        Process python;
        try {
            python = new ProcessBuilder("python3", "-c", LISTENER).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            System.out.println("python3 is not on the PATH: the interop example needs CPython 3.8 or newer");
            return;
        }
        try {
            byte[] authkey = new byte[32];
            new SecureRandom().nextBytes(authkey);
            try (OutputStream stdin = python.getOutputStream()) {
                stdin.write((HexFormat.of().formatHex(authkey) + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            BufferedReader stdout = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
            String port = stdout.readLine();
            if (port == null) {
                throw new IllegalStateException("python3 ended before it listened: exit code " + python.waitFor());
            }
            try (Connection conn = Client.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(port)), authkey)) {
                ByteBuffer ints = ByteBuffer.wrap(conn.recvBytes()).order(ByteOrder.nativeOrder());
                int[] array = new int[ints.remaining() / Integer.BYTES];
                ints.asIntBuffer().get(array);
                System.out.println("CPython sent array('i', ...): " + Arrays.toString(array)); // [42, 1729]
                conn.sendBytes("hello from Java".getBytes(StandardCharsets.UTF_8));
                System.out.println("CPython answered: " + new String(conn.recvBytes(), StandardCharsets.UTF_8));
                conn.sendBytes("bye".getBytes(StandardCharsets.UTF_8));
            }
            if (!python.waitFor(30, TimeUnit.SECONDS) || python.exitValue() != 0) {
                throw new IllegalStateException("CPython's listener did not end well");
            }
        } finally {
            python.destroyForcibly();
        }
    }
}
