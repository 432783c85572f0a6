package io.github.multiprocessing4j.tck;

import io.github.multiprocessing4j.AuthenticationException;
import io.github.multiprocessing4j.Manager;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.Namespace;
import io.github.multiprocessing4j.Queue;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A main class for {@code ChildProcess.ofMain} that plays an unrelated JVM (SPEC M7): it knows
 * nothing of its parent's objects, only a manager server's address and the file that holds the
 * key. It squares the server's {@code jobs} into its {@code results}, logs, sets a namespace
 * attribute, tries the server with a wrong key, makes and closes a second connection, and puts
 * on the server's queue.
 */
public final class ManagerClientMain {

    private ManagerClientMain() {
    }

    /**
     * Runs the client.
     *
     * @param args the address ({@code unix:<path>} or {@code tcp:<host>:<port>}) and the key file
     * @throws Exception anything: the child then exits with 1
     */
    public static void main(String[] args) throws Exception {
        SocketAddress address = address(args[0]);
        byte[] key = Files.readAllBytes(Path.of(args[1]));
        try (Manager manager = Manager.connect(address, key)) {
            Map<String, Integer> jobs = manager.dict("jobs");
            Map<String, Object> results = manager.dict("results");
            for (Map.Entry<String, Integer> job : jobs.entrySet()) {
                results.put(job.getKey(), job.getValue() * job.getValue());
            }
            List<String> log = manager.list("log");
            log.add("client " + Multiprocessing.currentProcess().pid());
            Namespace status = manager.namespace("status");
            status.set("done", true);
            byte[] wrong = key.clone();
            wrong[0] ^= 1;
            try (Manager refused = Manager.connect(address, wrong)) {
                results.put("wrongKey", "connected: " + refused);
            } catch (AuthenticationException e) {
                results.put("wrongKey", "AuthenticationException: " + e.getMessage());
            }
            try (Manager second = Manager.connect(address, key)) {
                second.<String>list("log").add("second connection");
            }
            // the first connection goes on carrying the calls once the second has closed
            Queue<String> events = manager.queue("events");
            events.put("bye");
        }
    }

    /**
     * Parses an address of {@link #main}.
     *
     * @param spec {@code unix:<path>} or {@code tcp:<host>:<port>}
     * @return the address
     */
    static SocketAddress address(String spec) {
        if (spec.startsWith("unix:")) {
            return UnixDomainSocketAddress.of(spec.substring("unix:".length()));
        }
        String hostPort = spec.substring("tcp:".length());
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
