package io.github.multiprocessing4j.benchmarks;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Watches the warm standby JVMs of this JVM from the outside. Core tells how many standbys it
 * keeps ({@code Multiprocessing.getWarmStart()}) but not whether one is ready, so a standby is
 * found by its command line (the child runtime's main class with the last argument
 * {@code standby}, as the {@code local} launcher starts it) and is taken as ready when it has
 * consumed its key file (it does that after its preloading, just before it connects and
 * authenticates) and then used no CPU time for {@link #IDLE}: it is waiting for its task.
 * Where this JVM cannot read command lines, a fixed {@link #FIXED_PAUSE} stands in.
 */
final class WarmStandbys {

    /** The child runtime's main class: internal to core, visible only on the command line. */
    private static final String CHILD_RUNTIME = "io.github.multiprocessing4j.internal.process.ChildRuntime";
    /** The last argument of a standby JVM's command line. */
    private static final String STANDBY_ARGUMENT = "standby";
    /** How long a standby must use no CPU time to count as booted (CPU time has a 10 ms resolution). */
    static final Duration IDLE = Duration.ofMillis(150);
    /** The wait used when command lines cannot be read: longer than a standby's boot on an idle two-core machine. */
    static final Duration FIXED_PAUSE = Duration.ofMillis(1500);
    private static final long POLL_MILLIS = 10;

    private WarmStandbys() {
    }

    /**
     * Waits until a standby JVM of this JVM is booted and idle.
     *
     * @param timeout how long to wait at most
     * @return its pid, or -1 when standbys cannot be seen here (after {@link #FIXED_PAUSE})
     * @throws IllegalStateException if none is ready in time
     */
    static long awaitReady(Duration timeout) throws InterruptedException {
        if (ProcessHandle.current().info().arguments().isEmpty()) {
            Thread.sleep(FIXED_PAUSE.toMillis());
            return -1;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long candidate = -1;
        Duration lastCpu = null;
        long quietSince = 0;
        while (true) {
            Optional<ProcessHandle> standby = standbys().stream().findFirst();
            long now = System.nanoTime();
            if (standby.isPresent()) {
                ProcessHandle.Info info = standby.get().info();
                boolean keyConsumed = keyFile(info).map(Files::notExists).orElse(true);
                Duration cpu = info.totalCpuDuration().orElse(null);
                if (standby.get().pid() != candidate || !keyConsumed || !Objects.equals(cpu, lastCpu)) {
                    candidate = standby.get().pid();
                    lastCpu = cpu;
                    quietSince = now;
                } else if (keyConsumed && now - quietSince >= IDLE.toNanos()) {
                    return candidate;
                }
            } else {
                candidate = -1;
            }
            if (now > deadline) {
                throw new IllegalStateException("no warm standby JVM was ready within " + timeout.toSeconds() + " s"
                        + (candidate > 0 ? " (pid " + candidate + " is still busy)" : " (none is running)"));
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /**
     * After warm start was turned off: waits until no standby JVM is left, and kills one that
     * still runs after {@code timeout} (a replacement that was booting while warm start was
     * turned off).
     *
     * @return how many had to be killed
     */
    static int awaitNone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!standbys().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(POLL_MILLIS);
        }
        List<ProcessHandle> left = standbys();
        for (ProcessHandle standby : left) {
            standby.destroyForcibly();
        }
        for (ProcessHandle standby : left) {
            try {
                standby.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // reported by the caller's count; nothing more to do here
            }
        }
        return left.size();
    }

    /** The live standby JVMs among this JVM's children. */
    static List<ProcessHandle> standbys() {
        return ProcessHandle.current().children()
                .filter(ProcessHandle::isAlive)
                .filter(child -> child.info().arguments().map(WarmStandbys::isStandby).orElse(false))
                .toList();
    }

    private static boolean isStandby(String[] arguments) {
        return arguments.length >= 4 && STANDBY_ARGUMENT.equals(arguments[arguments.length - 1])
                && CHILD_RUNTIME.equals(arguments[arguments.length - 4]);
    }

    /** The key file a standby reads and deletes before it connects: {@code <socket's directory>/<id>.key}. */
    private static Optional<Path> keyFile(ProcessHandle.Info info) {
        return info.arguments().filter(WarmStandbys::isStandby).flatMap(arguments -> {
            try {
                Path socket = Path.of(arguments[arguments.length - 3]);
                return Optional.of(socket.resolveSibling(arguments[arguments.length - 2] + ".key"));
            } catch (InvalidPathException e) {
                return Optional.empty();
            }
        });
    }
}
