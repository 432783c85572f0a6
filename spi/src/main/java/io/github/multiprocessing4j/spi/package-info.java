/**
 * The launcher plugin contract.
 *
 * <p>A launcher does mechanics only: it starts a prepared JVM command somewhere, reports its
 * pid, delivers SIGTERM and SIGKILL, and reports the raw exit status. Every rule about what
 * those mean for the user (names, daemon flags, exit codes, what happens when the parent ends)
 * lives in {@code multiprocessing4j-core}, once, for every launcher.
 *
 * <p>To add a launcher: implement {@link io.github.multiprocessing4j.spi.LauncherProvider},
 * register it in {@code META-INF/services/io.github.multiprocessing4j.spi.LauncherProvider}
 * (and {@code provides} in {@code module-info}), and prove it by running the
 * {@code multiprocessing4j-tck} suites against it.
 *
 * <p>A launcher whose engine hands a child's standard output and error over in frames rather
 * than as the child's own streams (a container's log stream, a pod's attach stream) forwards them
 * with a {@link io.github.multiprocessing4j.spi.LineForwarder}, which keeps the lines of
 * concurrent children from mixing (SPEC L13).
 */
package io.github.multiprocessing4j.spi;
