package io.github.multiprocessing4j.spi;

import java.nio.file.Path;
import java.util.Arrays;
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
 * @param readOnlyPaths host paths (directories or files) the child must be able to read at the
 *     same absolute path, such as its start cache; empty unless the launcher answered
 *     {@link Launcher#childJavaIdentity}: a launcher whose children share this host's file system
 *     has nothing to do for them
 * @param options launcher-specific settings given by the user, keyed by the launcher's own
 *     names (for example {@code docker.image}); a launcher ignores keys that are not its own
 * @param standardInput the bytes the child must find on its standard input, then end of stream:
 *     empty unless the launcher's children reach their parent over the network
 *     ({@link Launcher#childrenReachParentOverNetwork()}); secret: never shown by
 *     {@link #toString()}, and a launcher must not put them in a spec, an environment, an
 *     argument, an event or a log
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
        List<Path> readOnlyPaths,
        Map<String, String> options,
        byte[] standardInput) {

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
     * @param readOnlyPaths host paths the child must be able to read at the same path
     * @param options launcher-specific settings, keyed by the launcher's own names
     * @param standardInput the bytes for the child's standard input; copied
     * @throws NullPointerException if {@code processName}, {@code mainClass}, a collection or
     *     {@code standardInput} is null
     */
    public LaunchRequest {
        Objects.requireNonNull(processName, "processName");
        Objects.requireNonNull(mainClass, "mainClass");
        arguments = List.copyOf(arguments);
        classPath = List.copyOf(classPath);
        jvmOptions = List.copyOf(jvmOptions);
        environment = Map.copyOf(environment);
        sharedPaths = List.copyOf(sharedPaths);
        readOnlyPaths = List.copyOf(readOnlyPaths);
        options = Map.copyOf(options);
        standardInput = standardInput.clone();
    }

    /**
     * A request with no read-only paths.
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
     * @param standardInput the bytes for the child's standard input; copied
     * @throws NullPointerException if {@code processName}, {@code mainClass}, a collection or
     *     {@code standardInput} is null
     */
    public LaunchRequest(String processName, boolean daemon, String mainClass, List<String> arguments,
                         List<Path> classPath, List<String> jvmOptions, Map<String, String> environment,
                         List<Path> sharedPaths, Map<String, String> options, byte[] standardInput) {
        this(processName, daemon, mainClass, arguments, classPath, jvmOptions, environment, sharedPaths, List.of(),
                options, standardInput);
    }

    /**
     * A request whose child gets an empty standard input: for launchers whose children share
     * the parent's file system.
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
    public LaunchRequest(String processName, boolean daemon, String mainClass, List<String> arguments,
                         List<Path> classPath, List<String> jvmOptions, Map<String, String> environment,
                         List<Path> sharedPaths, Map<String, String> options) {
        this(processName, daemon, mainClass, arguments, classPath, jvmOptions, environment, sharedPaths, List.of(),
                options, new byte[0]);
    }

    /**
     * The bytes for the child's standard input.
     *
     * @return a copy of them, never null
     */
    @Override
    public byte[] standardInput() {
        return standardInput.clone();
    }

    /**
     * Compares all components, the standard input by content.
     *
     * @param other the object to compare with
     * @return whether it is an equal request
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof LaunchRequest that
                && daemon == that.daemon
                && processName.equals(that.processName)
                && mainClass.equals(that.mainClass)
                && arguments.equals(that.arguments)
                && classPath.equals(that.classPath)
                && jvmOptions.equals(that.jvmOptions)
                && environment.equals(that.environment)
                && sharedPaths.equals(that.sharedPaths)
                && readOnlyPaths.equals(that.readOnlyPaths)
                && options.equals(that.options)
                && Arrays.equals(standardInput, that.standardInput);
    }

    /**
     * A hash of all components, the standard input by content.
     *
     * @return the hash
     */
    @Override
    public int hashCode() {
        return Objects.hash(processName, daemon, mainClass, arguments, classPath, jvmOptions, environment,
                sharedPaths, readOnlyPaths, options, Arrays.hashCode(standardInput));
    }

    /**
     * The request for logs: every component but the standard input, of which only the length is
     * shown (it holds the child's secret).
     *
     * @return the description, never null
     */
    @Override
    public String toString() {
        return "LaunchRequest[processName=" + processName + ", daemon=" + daemon + ", mainClass=" + mainClass
                + ", arguments=" + arguments + ", classPath=" + classPath + ", jvmOptions=" + jvmOptions
                + ", environment=" + environment + ", sharedPaths=" + sharedPaths + ", readOnlyPaths=" + readOnlyPaths
                + ", options=" + options
                + ", standardInput=<" + standardInput.length + " bytes>]";
    }
}
