package io.github.multiprocessing4j;

import static org.mockito.Mockito.mock;

import io.github.multiprocessing4j.spi.Availability;
import io.github.multiprocessing4j.spi.Launcher;
import io.github.multiprocessing4j.spi.LauncherProvider;

/** A provider whose launcher is a Mockito mock, shared with the tests through {@link #LAUNCHER}. */
public final class MockLauncherProvider implements LauncherProvider {

    /** The mock every test stubs; reset by each test. */
    static final Launcher LAUNCHER = mock(Launcher.class);

    @Override
    public String name() {
        return "mock";
    }

    @Override
    public int priority() {
        return -100;
    }

    @Override
    public Availability availability() {
        return Availability.available();
    }

    @Override
    public Launcher create() {
        return LAUNCHER;
    }
}
