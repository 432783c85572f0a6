package io.github.multiprocessing4j.internal.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.LauncherNotFoundException;
import io.github.multiprocessing4j.ProcessStartException;
import io.github.multiprocessing4j.spi.Availability;
import io.github.multiprocessing4j.spi.LaunchRequest;
import io.github.multiprocessing4j.spi.LaunchedProcess;
import io.github.multiprocessing4j.spi.Launcher;
import io.github.multiprocessing4j.spi.LauncherProvider;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Launchers built from the providers a test hands in: names validated, failures contained. */
class LaunchersTest {

    private static LauncherProvider provider(String name, int priority, Supplier<Availability> availability) {
        return new LauncherProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int priority() {
                return priority;
            }

            @Override
            public Availability availability() {
                return availability.get();
            }

            @Override
            public Launcher create() {
                return new NamedLauncher(name);
            }
        };
    }

    private record NamedLauncher(String name) implements Launcher {
        @Override
        public LaunchedProcess launch(LaunchRequest request) {
            throw new UnsupportedOperationException("not started in this test");
        }
    }

    @Test
    void providersAreTheOnesHandedIn() {
        Launchers launchers = new Launchers(List.of(provider("local", 0, Availability::available),
                provider("docker", 10, Availability::available)));
        assertEquals(List.of("docker", "local"), launchers.allNames());
        assertEquals("docker", launchers.defaultName());
        Launchers.Selected local = launchers.forStart("local");
        assertEquals("local", local.name());
        assertSame(local.launcher(), launchers.forStart("local").launcher(), "a launcher is created once");
        LauncherNotFoundException unknown = assertThrows(LauncherNotFoundException.class,
                () -> launchers.requireKnown("nope"));
        assertTrue(unknown.getMessage().contains("docker") && unknown.getMessage().contains("local"),
                unknown.getMessage());
    }

    @Test
    void namesMustBeLowerCaseLettersDigitsAndDashes() {
        for (String bad : new String[] {null, "", "Docker", "my launcher", "k8s_pods", "ä"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Launchers(List.of(provider(bad, 0, Availability::available))), String.valueOf(bad));
            assertTrue(e.getMessage().contains("[a-z0-9-]+"), e.getMessage());
        }
        assertEquals(List.of("k8s-pods"), new Launchers(List.of(provider("k8s-pods", 0, Availability::available)))
                .allNames());
    }

    @Test
    void twoProvidersOfOneNameAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Launchers(List.of(
                provider("local", 0, Availability::available), provider("local", 1, Availability::available))));
        assertTrue(e.getMessage().contains("Two launchers are named 'local'"), e.getMessage());
    }

    @Test
    void aProviderWhoseAvailabilityThrowsIsUnavailableAndSelectionGoesOn() {
        Launchers launchers = new Launchers(List.of(
                provider("broken", 10, () -> {
                    throw new IllegalStateException("cannot read its configuration");
                }),
                provider("local", 0, Availability::available)));
        assertEquals("local", launchers.defaultName());
        ProcessStartException e = assertThrows(ProcessStartException.class, () -> launchers.forStart("broken"));
        assertTrue(e.getMessage().contains("'broken' launcher is not available")
                && e.getMessage().contains("cannot read its configuration"), e.getMessage());
        Launchers onlyBroken = new Launchers(List.of(provider("broken", 10, () -> null)));
        LauncherNotFoundException none = assertThrows(LauncherNotFoundException.class, onlyBroken::defaultName);
        assertTrue(none.getMessage().contains("broken: its availability check returned null"), none.getMessage());
    }
}
