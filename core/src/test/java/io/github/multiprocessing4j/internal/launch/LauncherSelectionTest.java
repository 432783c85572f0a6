package io.github.multiprocessing4j.internal.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.LauncherNotFoundException;
import io.github.multiprocessing4j.internal.launch.LauncherSelection;
import io.github.multiprocessing4j.spi.Availability;
import io.github.multiprocessing4j.spi.Launcher;
import io.github.multiprocessing4j.spi.LauncherProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SPEC S1 as a pure function of (API name, property, environment, providers). */
class LauncherSelectionTest {

    private static LauncherProvider provider(String name, int priority, Availability availability) {
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
                return availability;
            }

            @Override
            public Launcher create() {
                throw new UnsupportedOperationException();
            }
        };
    }

    private final LauncherProvider local = provider("local", 0, Availability.available());
    private final LauncherProvider docker = provider("docker", 10, Availability.available());
    private final LauncherProvider brokenDocker = provider("docker", 10,
            Availability.unavailable("no Docker engine answers: start dockerd"));
    private final LauncherProvider remote = provider("remote", -5, Availability.available());

    @Test
    void theApiNameWinsOverPropertyAndEnvironment() {
        assertEquals("remote", LauncherSelection.select("remote", "docker", "local", List.of(local, docker, remote)).name());
        assertEquals("docker", LauncherSelection.select(null, "docker", "local", List.of(local, docker, remote)).name());
        assertEquals("local", LauncherSelection.select(" ", "", "local", List.of(local, docker, remote)).name());
    }

    @Test
    void withoutANameTheAvailableLauncherOfHighestPriorityWins() {
        assertEquals("docker", LauncherSelection.select(null, null, null, List.of(local, docker)).name());
        assertEquals("local", LauncherSelection.select(null, null, null, List.of(brokenDocker, local)).name());
        assertEquals("docker", LauncherSelection.select(null, null, null, List.of(docker, local)).name(),
                "class path order does not decide");
    }

    @Test
    void anExplicitNameIsReturnedEvenWhenUnavailableSoStartCanSayWhy() {
        assertEquals(brokenDocker, LauncherSelection.select("docker", null, null, List.of(local, brokenDocker)));
    }

    @Test
    void anUnknownNameListsWhatWasFoundAndTheArtifactToAdd() {
        LauncherNotFoundException e = assertThrows(LauncherNotFoundException.class,
                () -> LauncherSelection.select(null, "dokcer", null, List.of(local, docker)));
        String message = e.getMessage();
        assertTrue(message.contains("'dokcer'"), message);
        assertTrue(message.contains("system property multiprocessing4j.launcher"), message);
        assertTrue(message.contains("docker (") && message.contains("local ("), message);
        assertTrue(message.contains("multiprocessing4j-launcher-dokcer"), message);
    }

    @Test
    void noLauncherAtAllNamesTheLocalArtifact() {
        LauncherNotFoundException e = assertThrows(LauncherNotFoundException.class,
                () -> LauncherSelection.select(null, null, null, List.of()));
        assertTrue(e.getMessage().contains("io.github.multiprocessing4j:multiprocessing4j-launcher-local"), e.getMessage());
    }

    @Test
    void noAvailableLauncherSaysWhyForEach() {
        LauncherNotFoundException e = assertThrows(LauncherNotFoundException.class,
                () -> LauncherSelection.select(null, null, null, List.of(brokenDocker)));
        assertTrue(e.getMessage().contains("docker: no Docker engine answers: start dockerd"), e.getMessage());
    }
}
