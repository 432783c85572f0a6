package io.github.multiprocessing4j.launcher.docker;

import io.github.multiprocessing4j.spi.Availability;
import io.github.multiprocessing4j.spi.LaunchException;
import io.github.multiprocessing4j.spi.Launcher;
import io.github.multiprocessing4j.spi.LauncherProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Provides the {@code docker} launcher: children as containers, started through the Docker
 * Engine API of the engine that {@code DOCKER_HOST} (or the usual Docker client configuration)
 * names, with the image that the launcher option {@code docker.image}, the system property
 * {@code multiprocessing4j.docker.image} or the environment variable
 * {@code MULTIPROCESSING4J_DOCKER_IMAGE} names (default {@code eclipse-temurin:<java>-jre}, else
 * {@code multiprocessing4j/jre:<java>}, which this project's {@code .ci/build-jre-image.sh} builds).
 *
 * <p>Priority -10: the local launcher stays the default unless {@code docker} is named.
 */
public final class DockerLauncherProvider implements LauncherProvider {

    /** The name users select this launcher by. */
    public static final String NAME = "docker";

    private static final String DEFAULT_SOCKET = "/var/run/docker.sock";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public DockerLauncherProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -10;
    }

    /**
     * Available unless the engine's Unix socket is certainly missing. Reads no more than an
     * environment variable and the file system; whether the engine answers is checked by
     * {@link #create()}.
     */
    @Override
    public Availability availability() {
        return availability(System::getProperty, System::getenv, Path.of(System.getProperty("user.home", "/")));
    }

    static Availability availability(UnaryOperator<String> properties, UnaryOperator<String> environment, Path home) {
        String host = properties.apply("DOCKER_HOST");
        if (host == null || host.isBlank()) {
            host = environment.apply("DOCKER_HOST");
        }
        if (host == null || host.isBlank()) {
            if (Files.exists(Path.of(DEFAULT_SOCKET))) {
                return Availability.available();
            }
            // a Docker context or docker-java's own properties may name another engine: let create() try it
            String context = environment.apply("DOCKER_CONTEXT");
            if ((context != null && !context.isBlank()) || Files.exists(home.resolve(".docker-java.properties"))
                    || Files.isDirectory(home.resolve(".docker").resolve("contexts"))) {
                return Availability.available();
            }
            return Availability.unavailable("no Docker engine socket at " + DEFAULT_SOCKET
                    + ": start dockerd or set DOCKER_HOST");
        }
        if (host.startsWith("unix://")) {
            String socket = host.substring("unix://".length());
            if (!Files.exists(Path.of(socket))) {
                return Availability.unavailable("no Docker engine socket at " + socket + " (DOCKER_HOST=" + host
                        + "): start dockerd or fix DOCKER_HOST");
            }
        }
        return Availability.available();
    }

    /**
     * Connects to the engine and checks within 5 s that it answers.
     *
     * @return the launcher, never null
     * @throws LaunchException if the engine does not answer, naming it and what to do
     */
    @Override
    public Launcher create() throws LaunchException {
        return DockerLauncher.connect();
    }

    /**
     * This launcher's own jar (or classes directory), the Docker Engine API client
     * ({@code docker-java-*}) and BouncyCastle ({@code bcprov}, {@code bcpkix}, {@code bcutil}: the
     * client's TLS, large signed jars whose manifests alone cost a child JVM 100 to 250 ms to
     * read). A child in a container cannot start containers, and a local child rarely does: it
     * keeps them only when {@code multiprocessing4j.child.launchers} names {@code docker}. The
     * client's general-purpose libraries (Jackson, Guava, Apache Commons, HttpClient, JNA) stay,
     * since the user's own code may use them.
     */
    @Override
    public boolean ownsClassPathEntry(Path entry) {
        String file = entry.getFileName() == null ? "" : entry.getFileName().toString();
        return entry.equals(OwnCode.LOCATION) || file.startsWith("docker-java-") || file.startsWith("bcprov-")
                || file.startsWith("bcpkix-") || file.startsWith("bcutil-");
    }

    /** Where this class was loaded from, or null if that cannot be told. */
    private static final class OwnCode {
        static final Path LOCATION = locate();

        private static Path locate() {
            try {
                java.security.CodeSource source = DockerLauncherProvider.class.getProtectionDomain().getCodeSource();
                return source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
            } catch (java.net.URISyntaxException | RuntimeException e) {
                return null;
            }
        }
    }
}
