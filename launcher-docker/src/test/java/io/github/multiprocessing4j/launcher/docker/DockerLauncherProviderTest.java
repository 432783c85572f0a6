package io.github.multiprocessing4j.launcher.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.spi.Availability;
import io.github.multiprocessing4j.spi.LaunchException;
import io.github.multiprocessing4j.spi.LauncherProvider;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerLauncherProviderTest {

    @TempDir
    Path tmp;

    @Test
    void isFoundByServiceLoaderAsDockerBelowLocal() {
        LauncherProvider provider = ServiceLoader.load(LauncherProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(found -> found.name().equals("docker"))
                .findFirst().orElseThrow();
        assertEquals(-10, provider.priority());
    }

    @Test
    void aMissingUnixSocketIsUnavailableWithWhatToDo() {
        Availability fromEnvironment = DockerLauncherProvider.availability(key -> null,
                Map.of("DOCKER_HOST", "unix://" + tmp.resolve("docker.sock"))::get, tmp);
        assertFalse(fromEnvironment.isAvailable());
        assertEquals("no Docker engine socket at " + tmp.resolve("docker.sock") + " (DOCKER_HOST=unix://"
                + tmp.resolve("docker.sock") + "): start dockerd or fix DOCKER_HOST", fromEnvironment.reason());
    }

    @Test
    void anExistingSocketOrAnotherSchemeIsAvailable() throws IOException {
        Path socket = Files.createFile(tmp.resolve("docker.sock"));
        assertTrue(DockerLauncherProvider.availability(Map.of("DOCKER_HOST", "unix://" + socket)::get, key -> null, tmp)
                .isAvailable());
        assertTrue(DockerLauncherProvider.availability(key -> null, Map.of("DOCKER_HOST", "tcp://10.0.0.1:2375")::get, tmp)
                .isAvailable());
    }

    @Test
    void theEngineMustAnswerWithinFiveSeconds() {
        assertEquals(Duration.ofSeconds(5), DockerLauncher.PING_TIMEOUT);
    }

    @Test
    void connectFailsWithinThePingTimeoutNamingTheHostWhenNothingAnswers() throws Exception {
        Path socket = tmp.resolve("silent.sock");
        // a socket that accepts connections (into its backlog) but never answers
        try (ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            silent.bind(UnixDomainSocketAddress.of(socket));
            String previous = System.getProperty("DOCKER_HOST");
            System.setProperty("DOCKER_HOST", "unix://" + socket);
            try {
                long start = System.nanoTime();
                LaunchException failure = assertTimeoutPreemptively(Duration.ofSeconds(10),
                        () -> assertThrows(LaunchException.class, () -> DockerLauncher.connect(Duration.ofMillis(500))));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
                assertTrue(failure.getMessage().contains("did not answer within 0.5 s"), failure.getMessage());
                assertTrue(failure.getMessage().contains("unix://" + socket), failure.getMessage());
                assertTrue(failure.getMessage().contains("DOCKER_HOST"), failure.getMessage());
            } finally {
                if (previous == null) {
                    System.clearProperty("DOCKER_HOST");
                } else {
                    System.setProperty("DOCKER_HOST", previous);
                }
            }
        }
    }

    @Test
    void createFailsAtOnceWhenTheSocketRefuses() {
        Path socket = tmp.resolve("none.sock");
        String previous = System.getProperty("DOCKER_HOST");
        System.setProperty("DOCKER_HOST", "unix://" + socket);
        try {
            LaunchException failure = assertTimeoutPreemptively(Duration.ofSeconds(6),
                    () -> assertThrows(LaunchException.class, () -> new DockerLauncherProvider().create()));
            assertTrue(failure.getMessage().startsWith("no Docker engine answers at unix://" + socket), failure.getMessage());
            assertTrue(failure.getMessage().endsWith("start dockerd or set DOCKER_HOST"), failure.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty("DOCKER_HOST");
            } else {
                System.setProperty("DOCKER_HOST", previous);
            }
        }
    }

    @Test
    void itClaimsItsOwnCodeTheEngineClientAndBouncyCastleButNoGeneralLibrary() throws Exception {
        DockerLauncherProvider provider = new DockerLauncherProvider();
        Path own = Path.of(DockerLauncherProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(provider.ownsClassPathEntry(own.toAbsolutePath().normalize()), "its own jar or classes: " + own);
        for (String file : List.of("docker-java-core-3.7.1.jar", "docker-java-transport-httpclient5-3.7.1.jar",
                "bcprov-jdk18on-1.82.jar", "bcpkix-jdk18on-1.82.jar", "bcutil-jdk18on-1.82.jar")) {
            assertTrue(provider.ownsClassPathEntry(Path.of("/m2", file)), file);
        }
        for (String file : List.of("guava-33.4.8-jre.jar", "jackson-databind-2.20.1.jar", "commons-io-2.21.0.jar",
                "httpclient5-5.5.1.jar", "jna-5.18.1.jar", "slf4j-api-2.0.16.jar", "multiprocessing4j-core-0.1.0.jar")) {
            assertFalse(provider.ownsClassPathEntry(Path.of("/m2", file)), file);
        }
        // what it claims is on its own class path, so the list follows its dependencies
        List<String> onClassPath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(entry -> Path.of(entry).getFileName().toString()).toList();
        for (String prefix : List.of("docker-java-core-", "bcprov-", "bcpkix-", "bcutil-")) {
            assertTrue(onClassPath.stream().anyMatch(file -> file.startsWith(prefix)), prefix + " is a dependency");
        }
    }
}
