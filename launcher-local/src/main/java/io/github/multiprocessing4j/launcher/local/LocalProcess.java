package io.github.multiprocessing4j.launcher.local;

import io.github.multiprocessing4j.spi.LaunchedProcess;
import java.util.concurrent.CompletableFuture;

/**
 * A child JVM on this host. {@link Process#destroy()} sends SIGTERM and
 * {@link Process#destroyForcibly()} SIGKILL on Linux and macOS, to this process only.
 */
final class LocalProcess implements LaunchedProcess {

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
}
