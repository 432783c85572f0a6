package io.github.multiprocessing4j.tck.scenarios;

import io.github.multiprocessing4j.spi.Availability;
import io.github.multiprocessing4j.spi.LaunchException;
import io.github.multiprocessing4j.spi.Launcher;
import io.github.multiprocessing4j.spi.LauncherProvider;

/**
 * Test double for SPEC S2: a launcher that says it is available but cannot be created.
 */
public final class BrokenLauncherProvider implements LauncherProvider {

    /** Its name. */
    public static final String NAME = "tck-broken";
    /** What its failure asks the user to do. */
    public static final String REMEDY = "repair the tck's imaginary configuration";

    /** Called by {@link java.util.ServiceLoader}. */
    public BrokenLauncherProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return Integer.MIN_VALUE + 1;
    }

    @Override
    public Availability availability() {
        return Availability.available();
    }

    @Override
    public Launcher create() throws LaunchException {
        throw new LaunchException("the tck's broken launcher cannot be created: " + REMEDY);
    }
}
