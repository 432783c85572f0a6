package io.github.multiprocessing4j.reliability;

import io.github.multiprocessing4j.tck.Poll;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The local {@code dockerd}, for the engine faults: stopped with SIGTERM as a service manager
 * stops it, and started again the way {@code .ci/docker-up.sh} starts it (that script, which is
 * idempotent). Only usable where the engine runs on this host and this user may signal it (CI
 * runs as root).
 *
 * <p>Whether the faults run: {@code -Dreliability.engine.faults=true} or {@code false}; by default
 * ({@code auto}) only with {@code CI=true}, because stopping the engine breaks whatever else uses
 * it on this host.
 */
final class DockerDaemon {

    /** Where dockerd writes its pid. */
    static final Path PID_FILE = Path.of(System.getProperty("reliability.dockerd.pid", "/var/run/docker.pid"));
    /** The script that starts dockerd (the repository's {@code .ci/docker-up.sh}). */
    static final Path UP_SCRIPT = Path.of(System.getProperty("reliability.docker.up", "../.ci/docker-up.sh"));
    /** How long dockerd may take to stop (it stops its containers first, 10 s each at most). */
    static final Duration STOP_DEADLINE = Duration.ofSeconds(60);
    /** How long the script may take to bring the engine back. */
    static final Duration START_DEADLINE = Duration.ofSeconds(120);

    private DockerDaemon() {
    }

    /** Whether this run is to stop and restart the engine. */
    static boolean faultsWanted() {
        String setting = System.getProperty("reliability.engine.faults", "auto");
        if (setting.equals("auto") || setting.isBlank()) {
            return "true".equalsIgnoreCase(System.getenv("CI"));
        }
        return Boolean.parseBoolean(setting);
    }

    /**
     * Why the engine cannot be stopped and restarted from here, if it cannot.
     *
     * @return the reason, or empty
     */
    static Optional<String> problem() {
        if (!Files.isRegularFile(UP_SCRIPT)) {
            return Optional.of("no " + UP_SCRIPT.toAbsolutePath() + " to start dockerd again (-Dreliability.docker.up)");
        }
        Optional<ProcessHandle> daemon = find();
        if (daemon.isEmpty()) {
            return Optional.of("no dockerd runs on this host with its pid in " + PID_FILE);
        }
        String me = System.getProperty("user.name");
        if (!"root".equals(me) && !daemon.get().info().user().map(me::equals).orElse(false)) {
            return Optional.of("dockerd (pid " + daemon.get().pid() + ") is not ours to signal: run as root");
        }
        return Optional.empty();
    }

    /** The running dockerd, from its pid file. */
    static Optional<ProcessHandle> find() {
        try {
            long pid = Long.parseLong(Files.readString(PID_FILE, StandardCharsets.US_ASCII).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(handle -> handle.info().command().map(command -> command.endsWith("dockerd")).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Stops dockerd (SIGTERM) and waits until it is gone.
     *
     * @return how long it took, ms
     * @throws InterruptedException if interrupted
     */
    static long stop() throws InterruptedException {
        ProcessHandle daemon = find().orElseThrow(() -> new IllegalStateException("no dockerd to stop"));
        long start = System.nanoTime();
        daemon.destroy();
        if (Poll.until(() -> !daemon.isAlive(), STOP_DEADLINE)) {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
        daemon.destroyForcibly();
        Poll.until(() -> !daemon.isAlive(), Duration.ofSeconds(10));
        throw new AssertionError("dockerd (pid " + daemon.pid() + ") did not stop within " + STOP_DEADLINE
                + " of SIGTERM (killed)");
    }

    /**
     * Starts dockerd if the engine does not answer, as CI does ({@code .ci/docker-up.sh}); does
     * nothing if it answers.
     *
     * @return how long it took, ms
     * @throws IOException if the script cannot run
     * @throws InterruptedException if interrupted
     */
    static long ensureUp() throws IOException, InterruptedException {
        return UpScript.run(UP_SCRIPT, START_DEADLINE, "dockerd", ProcessBuilder.Redirect.INHERIT);
    }
}
