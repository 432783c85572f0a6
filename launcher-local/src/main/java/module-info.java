/**
 * The local launcher: children as JVMs on this host.
 */
module io.github.multiprocessing4j.launcher.local {
    requires io.github.multiprocessing4j.spi;
    requires org.slf4j;

    provides io.github.multiprocessing4j.spi.LauncherProvider
            with io.github.multiprocessing4j.launcher.local.LocalLauncherProvider;
}
