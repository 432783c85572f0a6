package io.github.multiprocessing4j.launcher.docker;

import io.github.multiprocessing4j.spi.LaunchedProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child JVM running as a container. Its exit is the engine's raw status code (143 after
 * SIGTERM, 137 after SIGKILL, n after {@code exit(n)}), reported once the output of the container
 * has reached the parent too. Signals go through the engine, asynchronously and in the order
 * they were asked for.
 */
final class ContainerProcess implements LaunchedProcess {

    /** How long after the exit the attached output may take to arrive before it is dropped. */
    static final Duration OUTPUT_DRAIN = Duration.ofSeconds(5);

    private static final Logger LOGGER = LoggerFactory.getLogger(ContainerProcess.class);

    /** Delivers a signal to a container; must not throw. */
    @FunctionalInterface
    interface Signaller {
        void send(String containerId, String signal);
    }

    private final String containerId;
    private final String containerName;
    private final long pid;
    private final Signaller signaller;
    private final Executor executor;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private CompletableFuture<Void> signals = CompletableFuture.completedFuture(null);

    ContainerProcess(String containerId, String containerName, long pid, EngineStream.ExitWait wait,
                     EngineStream.Output output, String engine, Signaller signaller, Executor executor) {
        this.containerId = containerId;
        this.containerName = containerName;
        this.pid = pid;
        this.signaller = signaller;
        this.executor = executor;
        wait.status().whenComplete((status, failure) -> {
            if (failure != null) {
                output.close();
                exit.completeExceptionally(new IOException("lost the Docker engine at " + engine + " while container "
                        + containerName + " ran, so its exit status is unknown: " + DockerLauncher.describe(failure),
                        failure));
                return;
            }
            // SPEC L13: nothing lost at exit; the attach stream ends just after the wait, or soon
            output.ended().copy()
                    .completeOnTimeout(null, OUTPUT_DRAIN.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((ignored, outputFailure) -> {
                        if (!output.ended().isDone()) {
                            LOGGER.warn("the output of container {} did not end within {} s of its exit; the rest is dropped",
                                    containerName, OUTPUT_DRAIN.toSeconds());
                        } else if (outputFailure != null) {
                            LOGGER.warn("the output of container {} broke off: {}", containerName,
                                    DockerLauncher.describe(outputFailure));
                        }
                        output.close();
                        LOGGER.debug("container {} exited with status {}", containerName, status);
                        exit.complete(status);
                    });
        });
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public CompletableFuture<Integer> onExit() {
        return exit;
    }

    @Override
    public void terminate() {
        signal("SIGTERM");
    }

    @Override
    public void kill() {
        signal("SIGKILL");
    }

    @Override
    public void interrupt() {
        signal("SIGINT");
    }

    private synchronized void signal(String signal) {
        if (exit.isDone()) {
            return;
        }
        try {
            signals = signals.thenRunAsync(() -> signaller.send(containerId, signal), executor);
        } catch (RejectedExecutionException e) {
            LOGGER.debug("not sending {} to container {}: the launcher is closed", signal, containerName);
        }
    }

    @Override
    public String toString() {
        return "container " + containerName + " (pid " + pid + ")";
    }
}
