/**
 * The launcher plugin contract of multiprocessing4j.
 *
 * <p>A launcher module {@code provides io.github.multiprocessing4j.spi.LauncherProvider with ...}
 * and exports nothing else.
 */
module io.github.multiprocessing4j.spi {
    exports io.github.multiprocessing4j.spi;
}
