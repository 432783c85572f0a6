package io.github.multiprocessing4j.tck.scenarios;

import static io.github.multiprocessing4j.tck.scenarios.ScenarioSupport.print;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.tck.Targets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * SPEC C4: while a child is connected, the parent lists the TCP sockets it listens on and the
 * UDP sockets it has bound, by matching the socket inodes of {@code /proc/self/fd} against
 * {@code /proc/net/tcp}, {@code tcp6}, {@code udp} and {@code udp6}. Prints
 * {@code tcp.listen.count=}, {@code udp.bound.count=} and one {@code ...entry=} line for each.
 */
public final class ListenerScenario {

    private ListenerScenario() {
    }

    /**
     * Runs the scenario.
     *
     * @param args a directory for the files that synchronize with the child
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        String ready = Path.of(args[0], "listener.ready").toString();
        String go = Path.of(args[0], "listener.go").toString();
        ChildProcess child = ScenarioSupport.launcher().builder(() -> Targets.readyThenAwait(ready, go)).build();
        child.start();
        Targets.awaitFile(ready);
        Set<String> mine = socketInodes();
        print("tcp.listen.count", matching(mine, "tcp", true) + matching(mine, "tcp6", true));
        print("udp.bound.count", matching(mine, "udp", false) + matching(mine, "udp6", false));
        Targets.touch(go);
        child.join();
        print("exit", child.exitCode().orElse(Integer.MIN_VALUE));
    }

    private static Set<String> socketInodes() {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException e) {
                    // the descriptor was closed while we listed them
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return inodes;
    }

    /** Counts the entries of /proc/net/{table} that are ours (and in state LISTEN, for TCP). */
    private static int matching(Set<String> mine, String table, boolean listenOnly) {
        Path file = Path.of("/proc/net", table);
        if (!Files.exists(file)) {
            return 0;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int count = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.trim().split("\\s+");
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
            if (fields.length > 9 && mine.contains(fields[9]) && (!listenOnly || fields[3].equals("0A"))) {
                count++;
                print(table + ".entry", line.trim());
            }
        }
        return count;
    }
}
