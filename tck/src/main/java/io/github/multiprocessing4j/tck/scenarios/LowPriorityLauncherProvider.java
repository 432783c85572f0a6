package io.github.multiprocessing4j.tck.scenarios;

import io.github.multiprocessing4j.spi.Availability;
import io.github.multiprocessing4j.spi.LaunchException;
import io.github.multiprocessing4j.spi.LaunchRequest;
import io.github.multiprocessing4j.spi.LaunchedProcess;
import io.github.multiprocessing4j.spi.Launcher;
import io.github.multiprocessing4j.spi.LauncherProvider;

/**
 * Test double for SPEC S1: an available launcher of the lowest priority, which is only chosen by
 * name. It starts nothing. Registered only in scenario JVMs, through a generated
 * {@code META-INF/services} file; never on a user's class path.
 */
public final class LowPriorityLauncherProvider implements LauncherProvider {

    /** Its name. */
    public static final String NAME = "tck-low";

    /** Called by {@link java.util.ServiceLoader}. */
    public LowPriorityLauncherProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return Integer.MIN_VALUE;
    }

    @Override
    public Availability availability() {
        return Availability.available();
    }

    @Override
    public Launcher create() {
        return new Launcher() {
            @Override
            public LaunchedProcess launch(LaunchRequest request) throws LaunchException {
                throw new LaunchException(NAME + " is a test double of the tck and starts nothing");
            }
        };
    }
}
