package io.github.multiprocessing4j.launcher.local;

import io.github.multiprocessing4j.spi.Availability;
import io.github.multiprocessing4j.spi.Launcher;
import io.github.multiprocessing4j.spi.LauncherProvider;

/**
 * Provides the {@code local} launcher: children as JVMs on this host, started with the parent's
 * own {@code java} executable. Always available; priority 0.
 */
public final class LocalLauncherProvider implements LauncherProvider {

    /** The name users select this launcher by. */
    public static final String NAME = "local";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public LocalLauncherProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability availability() {
        return Availability.available();
    }

    @Override
    public Launcher create() {
        return new LocalLauncher(LocalLauncher.defaultJavaExecutable());
    }
}
