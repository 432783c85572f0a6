package io.github.multiprocessing4j.launcher.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.github.multiprocessing4j.spi.Availability;
import io.github.multiprocessing4j.spi.LaunchException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Docker engine the tests run against, seen from the test JVM with docker-java directly:
 * whether it answers and has the test image, and what containers it holds.
 */
public final class TestEngine {

    /** The image the tests run children in (surefire sets the property). */
    public static final String IMAGE = System.getProperty(ContainerSpec.IMAGE_PROPERTY, "multiprocessing4j/jre:17");

    private static DockerClient client;
    private static Optional<String> problem;

    private TestEngine() {
    }

    /**
     * Why the Docker tests cannot run here, or empty if they can: the engine answers within 5 s
     * and has {@link #IMAGE}. Checked once per JVM.
     *
     * @return the reason, one sentence with what to do
     */
    static synchronized Optional<String> problem() {
        if (problem == null) {
            problem = findProblem();
        }
        return problem;
    }

    private static Optional<String> findProblem() {
        Availability availability = new DockerLauncherProvider().availability();
        if (!availability.isAvailable()) {
            return Optional.of(availability.reason());
        }
        try (DockerLauncher launcher = DockerLauncher.connect()) {
            launcher.toString();
        } catch (LaunchException e) {
            return Optional.of(e.getMessage());
        }
        try {
            client().inspectImageCmd(IMAGE).exec();
        } catch (NotFoundException e) {
            return Optional.of("the test image " + IMAGE + " is missing: build it with .ci/build-jre-image.sh");
        }
        return Optional.empty();
    }

    /**
     * A client of the engine, for the tests' own checks.
     *
     * @return the client
     */
    public static synchronized DockerClient client() {
        if (client == null) {
            DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
            client = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                    .dockerHost(config.getDockerHost()).sslConfig(config.getSSLConfig())
                    .connectionTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofSeconds(30)).build());
        }
        return client;
    }

    /**
     * The containers of this launcher (running or not) that this test run started: they mount
     * this module's test classes, which no other build's containers do.
     *
     * @return the containers
     */
    public static List<Container> containersOfThisRun() {
        String testClasses = testClasses().toString();
        return client().listContainersCmd().withShowAll(true).withLabelFilter(Map.of(ContainerSpec.LABEL, "true")).exec()
                .stream()
                .filter(container -> container.getMounts() != null && container.getMounts().stream()
                        .anyMatch(mount -> testClasses.equals(mount.getSource())))
                .toList();
    }

    /**
     * This module's test classes directory, which every container of this test run mounts.
     *
     * @return the directory
     */
    public static Path testClasses() {
        try {
            return Path.of(TestEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath().normalize();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
