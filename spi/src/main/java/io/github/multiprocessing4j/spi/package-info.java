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
 */
package io.github.multiprocessing4j.spi;
