package io.github.multiprocessing4j.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A prepared JVM command: what a launcher must start. The launcher chooses the {@code java}
 * executable (the parent's own for local processes, the image's for containers).
 *
 * @param processName the user-visible name of the process, for logs, container names and
 *     labels; never null
 * @param daemon whether the process is a daemon (informational: core enforces the semantics)
 * @param mainClass the class whose {@code main} to run
 * @param arguments the arguments of {@code main}
 * @param classPath the class path entries, as paths on the parent's host
 * @param jvmOptions options placed before the main class ({@code -Xmx64m}, {@code -Dk=v}, ...)
 * @param environment environment variables added to the launcher's default environment
 * @param sharedPaths host paths (directories) the child must be able to read and write at the
 *     same absolute path; core's control channel lives in the first; a second, when present, is
 *     the session's shared memory under {@code /dev/shm} (a launcher whose children run on
 *     another host may leave that one out: shared memory then says it needs the same host, and
 *     {@code Value} and {@code Array} work through calls)
 * @param options launcher-specific settings given by the user, keyed by the launcher's own
 *     names (for example {@code docker.image}); a launcher ignores keys that are not its own
 */
public record LaunchRequest(
        String processName,
        boolean daemon,
        String mainClass,
        List<String> arguments,
        List<Path> classPath,
        List<String> jvmOptions,
        Map<String, String> environment,
        List<Path> sharedPaths,
        Map<String, String> options) {

    /**
     * Validates and copies the components; every collection is immutable afterwards.
     *
     * @param processName the user-visible name of the process
     * @param daemon whether the process is a daemon
     * @param mainClass the class whose {@code main} to run
     * @param arguments the arguments of {@code main}
     * @param classPath the class path entries, as paths on the parent's host
     * @param jvmOptions options placed before the main class
     * @param environment environment variables added to the launcher's default environment
     * @param sharedPaths host paths the child must be able to read and write at the same path
     * @param options launcher-specific settings, keyed by the launcher's own names
     * @throws NullPointerException if {@code processName}, {@code mainClass} or a collection is null
     */
    public LaunchRequest {
        Objects.requireNonNull(processName, "processName");
        Objects.requireNonNull(mainClass, "mainClass");
        arguments = List.copyOf(arguments);
        classPath = List.copyOf(classPath);
        jvmOptions = List.copyOf(jvmOptions);
        environment = Map.copyOf(environment);
        sharedPaths = List.copyOf(sharedPaths);
        options = Map.copyOf(options);
    }
}
