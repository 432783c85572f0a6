package io.github.multiprocessing4j.spi;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Starts prepared JVM commands, each as one new OS process (or container, or remote process).
 *
 * <p>Implementations must be safe for concurrent use by several threads.
 */
public interface Launcher extends AutoCloseable {

    /**
     * Starts the JVM described by the request and returns once the process exists and its pid
     * is known (or once it has been started and has ended already: see
     * {@link LaunchedProcess#pid()}). The child's standard input must hold exactly
     * {@link LaunchRequest#standardInput()} (empty for launchers whose children share this host's
     * file system), then end of stream; those bytes are secret and must never appear in a spec,
     * the environment, the arguments, an event or a log. Its standard
     * output and error must reach the parent's {@code System.out} and {@code System.err} (or
     * the parent's file descriptors 1 and 2) line by line, with nothing lost at exit.
     *
     * @param request what to start; never null
     * @return a handle on the started process, never null
     * @throws LaunchException if the process could not be started; the message says in one
     *     sentence what happened and what to do. Nothing may be left running in that case.
     */
    LaunchedProcess launch(LaunchRequest request) throws LaunchException;

    /**
     * The {@code java} executable on this host that {@link #launch} would run for this request,
     * so that core can give the child a start cache (a class-data archive or an ahead-of-time
     * cache made for that executable) by adding JVM options and replacing the class path. A
     * launcher that answers must start the request exactly as given, with that executable, on
     * this host. Answer without side effects and without blocking.
     *
     * @param request what would be started; never null
     * @return the executable, or empty (the default) when the child's {@code java} is not this
     *     host's file: core then adds no start cache
     */
    default Optional<Path> localJavaExecutable(LaunchRequest request) {
        return Optional.empty();
    }

    /**
     * What names exactly the {@code java} that {@link #launch} would run for this request when it
     * is not this host's file but, say, a container image's: for example the image's id and the
     * command that runs {@code java} in it. Core then gives the child a start cache made for that
     * identity: it adds JVM options and replaces the class path, puts the cache's directory in
     * {@link LaunchRequest#readOnlyPaths()}, and makes the cache with a training request of its
     * own, whose {@link LaunchRequest#sharedPaths()} hold only that directory. A launcher that
     * answers must start such requests on that {@code java}, with the read-only paths at the
     * same absolute paths, and with its class path entries at the same paths as on this host.
     * The answer should change when that {@code java} does (an image rebuilt under the same
     * tag), at the latest for a new launcher: a JVM refuses a cache made for another build, so a
     * stale answer costs the cache, not the child. It may ask its engine once per image, and must
     * not otherwise block.
     *
     * @param request what would be started; never null
     * @return the identity, or empty (the default) to start children without a start cache
     */
    default Optional<String> childJavaIdentity(LaunchRequest request) {
        return Optional.empty();
    }

    /**
     * Whether this launcher's children reach their parent over the network rather than through
     * the parent's file system (SPEC R1). A launcher that answers true gets requests whose
     * {@link LaunchRequest#sharedPaths()} are empty and whose {@link LaunchRequest#standardInput()}
     * holds what the child needs to connect (its secret and the parent's certificate pin): the
     * launcher must deliver those bytes to the child's standard input, and nowhere else. The
     * address the child connects to is in the request's arguments. Such a request's
     * {@link LaunchRequest#classPath()} lists jar files on the parent's host that the launcher
     * copies into the child and puts on its class path in that order (a few small jars: core
     * ships the rest over its channel), unless {@link LaunchRequest#options()} maps
     * {@code code} to {@code image}: the entries are then paths inside the child's image, used
     * as they are. After those bytes, a launcher that cannot signal the child directly may keep
     * the child's standard input open and write one byte per signal: {@code T} for SIGTERM,
     * {@code I} for SIGINT, {@code K} for SIGKILL; the child delivers it to itself at once. The default, false, keeps the
     * Unix-domain channel in a directory the launcher shares with the child.
     *
     * @return true if children may run on another host or without the parent's file system
     */
    default boolean childrenReachParentOverNetwork() {
        return false;
    }

    /**
     * Releases the launcher's resources (connections, threads). Processes still running are
     * left to the caller, which ends them before closing. The default does nothing.
     */
    @Override
    default void close() {
    }
}
