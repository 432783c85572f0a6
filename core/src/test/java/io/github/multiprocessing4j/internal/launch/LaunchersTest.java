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

    /** A provider that claims the jars whose names start with its name. */
    private static LauncherProvider owning(String name) {
        LauncherProvider plain = provider(name, -1, Availability::available);
        return new LauncherProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Availability availability() {
                return plain.availability();
            }

            @Override
            public Launcher create() {
                return new NamedLauncher(name);
            }

            @Override
            public boolean ownsClassPathEntry(java.nio.file.Path entry) {
                if (entry.toString().contains("throws")) {
                    throw new IllegalStateException("a provider's own bug");
                }
                return entry.getFileName().toString().startsWith(name + "-");
            }
        };
    }

    @Test
    void childrenLeaveOffTheEntriesOfLaunchersTheyDoNotUseUnlessThePropertyKeepsThem() {
        Launchers launchers = new Launchers(List.of(provider("local", 0, Availability::available), owning("ship")));
        List<java.nio.file.Path> parent = List.of(java.nio.file.Path.of("/app/classes"),
                java.nio.file.Path.of("/m2/ship-core-1.0.jar"), java.nio.file.Path.of("/m2/guava-33.jar"),
                java.nio.file.Path.of("/m2/ship-tls-2.0.jar"), java.nio.file.Path.of("/m2/throws-1.jar"));

        Launchers.ChildClassPath trimmed = launchers.childClassPath(parent, "");
        assertEquals(List.of(parent.get(0), parent.get(2), parent.get(4)), trimmed.entries(),
                "the launcher's own jars are left off, in order; a provider that throws keeps the entry");
        assertEquals(List.of(parent.get(1), parent.get(3)), trimmed.leftOff());

        assertEquals(parent, launchers.childClassPath(parent, "ship").entries(), "named: its jars stay");
        assertEquals(parent, launchers.childClassPath(parent, " local , ship ").entries());
        assertEquals(parent, launchers.childClassPath(parent, "all").entries(), "all: every jar stays");
        assertEquals(List.of(), launchers.childClassPath(parent, "all").leftOff());

        // a shaded jar holds core, the application and the launcher alike: it is never left off
        Launchers.ChildClassPath fat = launchers.childClassPath(parent, "", parent.get(1));
        assertEquals(List.of(parent.get(0), parent.get(1), parent.get(2), parent.get(4)), fat.entries(),
                "the entry that holds core stays, even when a launcher claims it as its own");
        assertEquals(List.of(parent.get(3)), fat.leftOff());
    }
}
