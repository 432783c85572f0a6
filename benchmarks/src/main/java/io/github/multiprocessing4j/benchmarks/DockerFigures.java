package io.github.multiprocessing4j.benchmarks;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.ProcessContext;
import io.github.multiprocessing4j.ProcessStartException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code docker} launcher's start()+join() of an empty target vs the same image run through
 * the engine API directly: create ({@code java -cp <jar> Hello}, the jar bind-mounted read-only,
 * no network), start, wait, remove. Both talk to the engine that the usual Docker client
 * configuration names ({@code DOCKER_HOST}, ...).
 */
final class DockerFigures {

    static final String IMAGE_PROPERTY = "multiprocessing4j.docker.image";
    static final String DEFAULT_IMAGE = "multiprocessing4j/jre:17";
    static final String[] KEYS = {"docker_start_join", "docker_start_join_no_cache", "raw_container"};
    private static final String JAR_IN_CONTAINER = "/multiprocessing4j-benchmarks/benchmarks.jar";
    private static final String LABEL = "io.github.multiprocessing4j.benchmarks";
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final Settings settings;
    private final Results results;
    private final LiveProcesses live;
    private final Path jar;

    /** {@code jar}: the benchmarks jar, mounted into the raw containers; null when this run does not come from a jar. */
    DockerFigures(Settings settings, Results results, LiveProcesses live, Path jar) {
        this.settings = settings;
        this.results = results;
        this.live = live;
        this.jar = jar;
    }

    void run() throws Exception {
        if (!Multiprocessing.getAllStartMethods().contains("docker")) {
            results.skip("launcher-docker not on the class path", KEYS);
            return;
        }
        if (jar == null) {
            results.skip("not run from the benchmarks jar: the raw container has no jar to mount", KEYS);
            return;
        }
        String image = System.getProperty(IMAGE_PROPERTY);
        if (image == null || image.isBlank()) {
            image = DEFAULT_IMAGE;
            System.setProperty(IMAGE_PROPERTY, image);
        }
        results.machine().put("docker_image", image);
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        try (DockerClient client = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(PING_TIMEOUT)
                .responseTimeout(TIMEOUT)
                .build())) {
            String problem = engineProblem(client, config, image);
            if (problem != null) {
                results.skip(problem, KEYS);
                return;
            }
            removeLeftovers(client);
            ProcessContext docker = Multiprocessing.context("docker");
            try {
                for (int i = 0; i < settings.dockerWarmup(); i++) {
                    launcherStartJoin(docker, image);
                    rawContainer(client, image);
                }
            } catch (ProcessStartException e) {
                results.skip("the docker launcher cannot start a child here: " + e.getMessage(), KEYS);
                return;
            }
            String chosen = image;
            StartCacheWait.await(results, live, "docker_", reports -> docker.builder(
                    () -> reports.put(Hello.arguments())).launcherOption("docker.image", chosen).build());
            double[] launched = new double[settings.dockerRepetitions()];
            double[] withoutCache = new double[settings.dockerRepetitions()];
            double[] raw = new double[settings.dockerRepetitions()];
            for (int i = 0; i < settings.dockerRepetitions(); i++) {
                launched[i] = launcherStartJoin(docker, image);
                // -Xshare:auto names class-data sharing, which keeps the library's cache off
                withoutCache[i] = live.startJoinMillis(docker.builder(Hello::empty).jvmOptions("-Xshare:auto")
                        .launcherOption("docker.image", image).build());
                raw[i] = rawContainer(client, image);
            }
            results.record("docker_start_join", "docker: start()+join(), empty target (start cache: "
                    + results.repetitions().get("docker_start_cache") + ")", Results.Unit.MS, Samples.of(launched));
            results.record("docker_start_join_no_cache", "docker: start()+join(), empty target, no start cache",
                    Results.Unit.MS, Samples.of(withoutCache));
            results.record("raw_container", "raw container: create+start+wait+remove, Hello", Results.Unit.MS,
                    Samples.of(raw));
        }
    }

    /** Why the engine cannot be used, or null when it answers and has the image. */
    private static String engineProblem(DockerClient client, DockerClientConfig config, String image)
            throws InterruptedException {
        CompletableFuture<Void> ping = CompletableFuture.runAsync(() -> client.pingCmd().exec());
        try {
            ping.get(PING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            ping.cancel(true);
            return "no Docker engine answers at " + config.getDockerHost() + " within " + PING_TIMEOUT.toSeconds() + " s";
        } catch (ExecutionException e) {
            return "no Docker engine answers at " + config.getDockerHost() + ": " + e.getCause().getMessage();
        }
        try {
            client.inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            return "the image " + image + " is not on the engine: build it with .ci/build-jre-image.sh or name another"
                    + " with -D" + IMAGE_PROPERTY + "=<image>";
        }
        return null;
    }

    private double launcherStartJoin(ProcessContext docker, String image) throws InterruptedException {
        return live.startJoinMillis(docker.builder(Hello::empty).launcherOption("docker.image", image).build());
    }

    private double rawContainer(DockerClient client, String image) {
        String name = "mp4j-bench-raw-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        String id = null;
        boolean removed = false;
        try {
            long start = System.nanoTime();
            id = client.createContainerCmd(image)
                    .withName(name)
                    .withLabels(Map.of(LABEL, "raw"))
                    .withCmd("java", "-cp", JAR_IN_CONTAINER, Hello.class.getName())
                    .withHostConfig(HostConfig.newHostConfig()
                            .withNetworkMode("none")
                            .withMounts(List.of(new Mount().withType(MountType.BIND).withSource(jar.toString())
                                    .withTarget(JAR_IN_CONTAINER).withReadOnly(true))))
                    .exec().getId();
            client.startContainerCmd(id).exec();
            int status = client.waitContainerCmd(id).start().awaitStatusCode(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            client.removeContainerCmd(id).exec();
            removed = true;
            double millis = LocalFigures.millisSince(start);
            if (status != 0) {
                throw new IllegalStateException("raw container " + name + " exited with " + status + ", expected 0");
            }
            return millis;
        } finally {
            if (id != null && !removed) {
                try {
                    client.removeContainerCmd(id).withForce(true).exec();
                } catch (RuntimeException e) {
                    System.err.println("benchmarks: could not remove container " + name + ": " + e.getMessage());
                }
            }
        }
    }

    /** Removes raw containers that an earlier run, killed before its {@code finally}, left stopped. */
    private static void removeLeftovers(DockerClient client) {
        client.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(LABEL, "raw"))
                .withStatusFilter(List.of("created", "exited", "dead")).exec()
                .forEach(container -> client.removeContainerCmd(container.getId()).withForce(true).exec());
    }
}
