package io.github.multiprocessing4j;

import static org.mockito.Mockito.mock;

import io.github.multiprocessing4j.internal.launch.Launchers;
import io.github.multiprocessing4j.spi.Availability;
import io.github.multiprocessing4j.spi.Launcher;
import io.github.multiprocessing4j.spi.LauncherProvider;
import java.util.List;

/**
 * A launcher named {@code mock} whose launcher is a fresh Mockito mock, handed to the API as a
 * set of launchers of its own: each test makes one, nothing is discovered or shared.
 */
final class MockLaunchers {

    /** The mock the test stubs and verifies. */
    final Launcher launcher = mock(Launcher.class);
    /** The set of launchers that holds only the mock. */
    final Launchers launchers = new Launchers(List.of(new Provider(launcher)));

    /** A context whose processes use the mock. */
    ProcessContext context() {
        return new ProcessContext("mock", launchers);
    }

    /** A pool builder whose workers use the mock. */
    Pool.Builder pool() {
        return Pool.builder().launcher("mock").launchers(launchers);
    }

    private record Provider(Launcher launcher) implements LauncherProvider {

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
            return launcher;
        }
    }
}
