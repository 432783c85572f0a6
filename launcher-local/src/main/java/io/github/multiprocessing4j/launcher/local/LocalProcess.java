package io.github.multiprocessing4j.launcher.local;

import io.github.multiprocessing4j.spi.LaunchedProcess;
import java.io.File;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child JVM on this host. {@link Process#destroy()} sends SIGTERM and
 * {@link Process#destroyForcibly()} SIGKILL on Linux and macOS, to this process only. The JDK
 * cannot send SIGINT: {@link #interrupt()} has the shell's {@code kill} builtin send it.
 */
final class LocalProcess implements LaunchedProcess {

    private static final Logger LOGGER = LoggerFactory.getLogger(LocalProcess.class);
    /** How long {@code kill} may take to deliver SIGINT. */
    private static final long KILL_SECONDS = 10;

    private final Process process;
    private final CompletableFuture<Integer> exit;

    LocalProcess(Process process) {
        this.process = process;
        this.exit = process.onExit().thenApply(Process::exitValue);
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public CompletableFuture<Integer> onExit() {
        return exit;
    }

    @Override
    public void terminate() {
        process.destroy();
    }

    @Override
    public void kill() {
        process.destroyForcibly();
    }

    @Override
    public void interrupt() {
        if (!process.isAlive()) {
            return;
        }
        // /bin/sh, not /bin/kill: the builtin is there wherever a shell is (a minimal image
        // may lack procps); the pid is a number, so nothing is interpolated into the command
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", "kill -INT " + process.pid())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process kill = builder.start();
            if (!kill.waitFor(KILL_SECONDS, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new UnsupportedOperationException("could not send SIGINT to pid " + process.pid()
                        + ": /bin/sh -c 'kill -INT' did not return within " + KILL_SECONDS + " s");
            }
            if (kill.exitValue() != 0 && process.isAlive()) {
                LOGGER.warn("could not send SIGINT to pid {}: kill -INT exited with {}", process.pid(), kill.exitValue());
            }
        } catch (IOException e) {
            throw new UnsupportedOperationException("could not send SIGINT to pid " + process.pid()
                    + ": /bin/sh is needed to run kill -INT: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOGGER.warn("interrupted while sending SIGINT to pid {}; it may not have been sent", process.pid());
        }
    }
}
