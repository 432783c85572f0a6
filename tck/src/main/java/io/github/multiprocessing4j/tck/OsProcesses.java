package io.github.multiprocessing4j.tck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What this host's process table says about a pid: whether it runs, its command line, its
 * environment. Reads {@code /proc} where it exists, else falls back to {@link ProcessHandle}.
 */
public final class OsProcesses {

    private static final Path PROC = Path.of("/proc");

    private OsProcesses() {
    }

    /**
     * Whether a process with this pid runs. A zombie (ended, not yet reaped: common for orphans
     * when pid 1 does not reap) counts as ended, unlike in {@link ProcessHandle#isAlive()}.
     *
     * @param pid the pid
     * @return true if the process exists and is not a zombie
     */
    public static boolean isRunning(long pid) {
        Path stat = PROC.resolve(Long.toString(pid)).resolve("stat");
        if (Files.isDirectory(PROC.resolve("self"))) {
            try {
                String text = Files.readString(stat, StandardCharsets.ISO_8859_1);
                // "pid (comm) S ...": comm may contain spaces and parentheses, the state follows the last ')'
                int close = text.lastIndexOf(')');
                if (close < 0 || close + 2 >= text.length()) {
                    return true;
                }
                char state = text.charAt(close + 2);
                return state != 'Z' && state != 'X' && state != 'x';
            } catch (NoSuchFileException e) {
                return false;
            } catch (IOException e) {
                // the process ended while we read its stat file
                return Files.exists(stat);
            }
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Polls until no process with this pid runs.
     *
     * @param pid the pid
     * @param timeout how long to wait at most
     * @return true if it was gone in time
     * @throws InterruptedException if interrupted while waiting
     */
    public static boolean awaitGone(long pid, Duration timeout) throws InterruptedException {
        return Poll.until(() -> !isRunning(pid), timeout);
    }

    /**
     * The command line of a process: the executable followed by its arguments.
     *
     * @param pid the pid
     * @return the command line, or empty if the process does not exist or cannot be read
     */
    public static Optional<List<String>> commandLine(long pid) {
        Optional<List<String>> proc = readNulSeparated(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
        if (proc.isPresent() && !proc.get().isEmpty()) {
            return proc;
        }
        return ProcessHandle.of(pid).map(ProcessHandle::info).flatMap(info -> {
            List<String> line = new ArrayList<>();
            info.command().ifPresent(line::add);
            info.arguments().ifPresent(args -> line.addAll(Arrays.asList(args)));
            return line.isEmpty() ? Optional.empty() : Optional.of(line);
        });
    }

    /**
     * The environment of a process as {@code KEY=value} entries, from
     * {@code /proc/<pid>/environ}.
     *
     * @param pid the pid
     * @return the entries, or empty if they cannot be read
     */
    public static Optional<List<String>> environment(long pid) {
        return readNulSeparated(PROC.resolve(Long.toString(pid)).resolve("environ"));
    }

    /**
     * The pids of all processes in this host's process table.
     *
     * @return the pids
     */
    public static List<Long> allPids() {
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.map(ProcessHandle::pid).toList();
        }
    }

    /**
     * Sends SIGKILL to a process if it still runs; never throws.
     *
     * @param pid the pid
     */
    public static void killQuietly(long pid) {
        try {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        } catch (RuntimeException e) {
            // not ours to kill, or already gone: nothing left to clean up
        }
    }

    /**
     * Sends a process a signal the JDK cannot send (it sends only TERM and KILL), with the
     * shell's {@code kill}, whose errors go to this JVM's standard error.
     *
     * @param pid the pid
     * @param signal the signal's name without {@code SIG}: {@code INT}, {@code QUIT}
     * @param timeout how long {@code kill} may take
     * @return whether {@code kill} ended in time and succeeded
     * @throws IOException if the shell cannot be started
     * @throws InterruptedException if interrupted while waiting for it
     */
    public static boolean signal(long pid, String signal, Duration timeout) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("sh", "-c", "kill -" + signal + " " + pid).inheritIO().start();
        if (!kill.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill.destroyForcibly();
            return false;
        }
        return kill.exitValue() == 0;
    }

    private static Optional<List<String>> readNulSeparated(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            List<String> parts = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == 0) {
                    parts.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            if (start < bytes.length) {
                parts.add(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8));
            }
            return Optional.of(parts);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }
}
