/**
 * multiprocessing4j: Python's {@code multiprocessing} for the JVM.
 *
 * <p>Users import {@code io.github.multiprocessing4j}; launchers are found with
 * {@link java.util.ServiceLoader} through {@link io.github.multiprocessing4j.spi.LauncherProvider}.
 */
module io.github.multiprocessing4j {
    requires transitive io.github.multiprocessing4j.spi;
    requires org.slf4j;
    // sun.misc.Signal, reached reflectively: a child must tell "SIGTERM" from "exit(143)" (SPEC L16)
    requires static jdk.unsupported;

    exports io.github.multiprocessing4j;

    uses io.github.multiprocessing4j.spi.LauncherProvider;
}
