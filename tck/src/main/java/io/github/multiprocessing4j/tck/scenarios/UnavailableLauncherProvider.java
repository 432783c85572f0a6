package io.github.multiprocessing4j.tck.scenarios;

import io.github.multiprocessing4j.spi.Availability;
import io.github.multiprocessing4j.spi.Launcher;
import io.github.multiprocessing4j.spi.LauncherProvider;

/**
 * Test double for SPEC S1 and S2: a launcher of the highest priority that is present but
 * unavailable, so it must never be the default and must say why when named.
 */
public final class UnavailableLauncherProvider implements LauncherProvider {

    /** Its name. */
    public static final String NAME = "tck-unavailable";
    /** What its reason asks the user to do. */
    public static final String REMEDY = "start the tck's imaginary engine";

    /** Called by {@link java.util.ServiceLoader}. */
    public UnavailableLauncherProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Availability availability() {
        return Availability.unavailable("no tck engine answers: " + REMEDY);
    }

    @Override
    public Launcher create() {
        throw new IllegalStateException(NAME + ".create() must not be called while it is unavailable");
    }
}
