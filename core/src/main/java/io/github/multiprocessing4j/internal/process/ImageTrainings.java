package io.github.multiprocessing4j.internal.process;

import io.github.multiprocessing4j.spi.LaunchException;
import io.github.multiprocessing4j.spi.LaunchRequest;
import io.github.multiprocessing4j.spi.LaunchedProcess;
import io.github.multiprocessing4j.spi.Launcher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start cache trainings that run in a child's image, started through the child's launcher
 * (a container, say) rather than as a JVM of this host: they are this parent's, not the user's
 * children (no {@code active_children()}, no exit code), and the ones still running when the
 * parent exits are killed before its launchers close, so that no container outlives the parent
 * for a cache. A later parent trains again.
 */
final class ImageTrainings {

    /** The process name of a training, in the launcher's names and labels. */
    static final String NAME = "multiprocessing4j-start-cache-training";
    /** How long the parent's exit waits for the killed trainings to end. */
    private static final long END_MILLIS = 5_000;

    private static final Set<LaunchedProcess> RUNNING = ConcurrentHashMap.newKeySet();

    private ImageTrainings() {
    }

    /**
     * Starts a training through a child's launcher, with the child's launcher options and
     * environment, the cache directory as its only shared path.
     *
     * @param launcher the child's launcher
     * @param child the child's request, whose image the training runs in
     * @param mainClass the training's main class
     * @param arguments its arguments
     * @param classPath its class path
     * @param jvmOptions its options
     * @param directory the cache directory
     * @return what completes when the training has ended
     * @throws IOException if the launcher cannot start it
     */
    static CompletableFuture<?> start(Launcher launcher, LaunchRequest child, String mainClass, List<String> arguments,
                                      List<Path> classPath, List<String> jvmOptions, Path directory)
            throws IOException {
        LaunchRequest request = new LaunchRequest(NAME, true, mainClass, arguments, classPath, jvmOptions,
                child.environment(), List.of(directory), List.of(), child.options(), new byte[0]);
        LaunchedProcess training;
        try {
            training = launcher.launch(request);
        } catch (LaunchException e) {
            throw new IOException("the launcher could not start the training: " + e.getMessage(), e);
        }
        RUNNING.add(training);
        Log.LOGGER.debug("start cache training in the image of process '{}': pid {}", child.processName(),
                training.pid());
        return training.onExit().whenComplete((status, failure) -> {
            RUNNING.remove(training);
            Log.LOGGER.debug("start cache training (pid {}) ended: {}", training.pid(),
                    failure != null ? failure.toString() : "status " + status);
        });
    }

    /** Kills the trainings still running and waits a little for them to end; at this JVM's exit. */
    static void endAll() {
        List<LaunchedProcess> running = List.copyOf(RUNNING);
        for (LaunchedProcess training : running) {
            try {
                training.kill();
            } catch (RuntimeException e) {
                Log.LOGGER.debug("could not kill the start cache training (pid {}): {}", training.pid(), e.toString());
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(END_MILLIS);
        for (LaunchedProcess training : running) {
            try {
                training.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    return;
                }
                Log.LOGGER.debug("the start cache training (pid {}) did not end: {}", training.pid(), e.toString());
            }
        }
    }

    /** Loaded only when something is logged. */
    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(ImageTrainings.class);
    }
}
