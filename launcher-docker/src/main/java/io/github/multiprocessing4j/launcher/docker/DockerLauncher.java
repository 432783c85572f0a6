package io.github.multiprocessing4j.launcher.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.WaitContainerCondition;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.github.multiprocessing4j.spi.LaunchException;
import io.github.multiprocessing4j.spi.LaunchRequest;
import io.github.multiprocessing4j.spi.LaunchedProcess;
import io.github.multiprocessing4j.spi.Launcher;
import io.github.multiprocessing4j.spi.LineForwarder;
import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts each child as a container through the Docker Engine API, the way {@code docker run
 * --rm} does: create (auto-removed once it exits), wait for its next exit, attach its output,
 * start, and read its host pid. See {@code README.md} of this module for the container's
 * security settings.
 *
 * <p>Two HTTP clients talk to the engine: one for short requests, each bounded by
 * {@link #REQUEST_TIMEOUT}, and one without a read timeout for the responses that last as long
 * as a container (its exit and its output).
 */
final class DockerLauncher implements Launcher {

    /** How long the engine may take to answer the ping of {@link #connect()}. */
    static final Duration PING_TIMEOUT = Duration.ofSeconds(5);
    /** How long connecting to the engine may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long any short request (create, start, inspect, kill, remove) may take. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOGGER = LoggerFactory.getLogger(DockerLauncher.class);
    private static final String TMPFS_OPTIONS = "rw,exec,nosuid,nodev,mode=1777";
    private static final Pattern ENGINE_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String engine;
    private final DockerClient requests;
    private final DockerClient streams;
    private final String session = UUID.randomUUID().toString();
    private final ParentProcess parent = ParentProcess.current();
    private final Map<String, ImageFacts> images = new ConcurrentHashMap<>();
    private final ExecutorService background = Executors.newCachedThreadPool(daemonThreads());

    private DockerLauncher(String engine, DockerClient requests, DockerClient streams) {
        this.engine = engine;
        this.requests = requests;
        this.streams = streams;
    }

    /**
     * Connects to the engine the usual Docker client configuration names ({@code DOCKER_HOST},
     * {@code DOCKER_TLS_VERIFY}, {@code DOCKER_CERT_PATH}, {@code ~/.docker-java.properties}),
     * checks within {@link #PING_TIMEOUT} that it answers, and starts removing leftovers of dead
     * parents in the background.
     *
     * @return the launcher
     * @throws LaunchException if the configuration is invalid or the engine does not answer
     */
    static DockerLauncher connect() throws LaunchException {
        return connect(PING_TIMEOUT);
    }

    /**
     * {@link #connect()} with another bound on the ping.
     *
     * @param pingTimeout how long the engine may take to answer
     * @return the launcher
     * @throws LaunchException if the configuration is invalid or the engine does not answer
     */
    static DockerLauncher connect(Duration pingTimeout) throws LaunchException {
        DockerClientConfig config;
        try {
            config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        } catch (RuntimeException e) {
            throw new LaunchException("the Docker client configuration is invalid (" + describe(e)
                    + "): fix DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH or ~/.docker-java.properties", e);
        }
        URI host = config.getDockerHost();
        DockerClient requests;
        DockerClient streams;
        try {
            requests = client(config, REQUEST_TIMEOUT, 64);
            streams = client(config, null, 4096);
        } catch (RuntimeException e) {
            throw new LaunchException("cannot use the Docker engine address " + host + " (" + describe(e)
                    + "): set DOCKER_HOST to unix:///path/to/docker.sock or tcp://host:port", e);
        }
        DockerLauncher launcher = new DockerLauncher(host.toString(), requests, streams);
        try {
            launcher.ping(pingTimeout);
        } catch (LaunchException e) {
            launcher.close();
            throw e;
        }
        launcher.background.execute(launcher::removeLeftovers);
        LOGGER.debug("connected to the Docker engine at {} (session {})", host, launcher.session);
        return launcher;
    }

    private static DockerClient client(DockerClientConfig config, Duration responseTimeout, int maxConnections) {
        ApacheDockerHttpClient.Builder http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(CONNECT_TIMEOUT)
                .maxConnections(maxConnections);
        if (responseTimeout != null) {
            http.responseTimeout(responseTimeout);
        }
        return DockerClientImpl.getInstance(config, new EngineConnections(http::build));
    }

    private void ping(Duration timeout) throws LaunchException {
        CompletableFuture<Void> ping = CompletableFuture.runAsync(() -> requests.pingCmd().exec(), background);
        try {
            ping.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            ping.cancel(true);
            throw new LaunchException("the Docker engine at " + engine + " did not answer within "
                    + timeout.toMillis() / 1000.0 + " s: check that dockerd runs and is not overloaded, or set DOCKER_HOST", e);
        } catch (ExecutionException e) {
            throw new LaunchException("no Docker engine answers at " + engine + " (" + describe(e.getCause())
                    + "): start dockerd or set DOCKER_HOST", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted while connecting to the Docker engine at " + engine, e);
        }
    }

    /**
     * The image's id and the {@code PATH} that finds {@code java} in it: a start cache made in
     * the image serves children of the same image only, and one rebuilt under the same tag gets
     * caches of its own in the next parent. Asks the engine once per image and launcher: a tag
     * pointed at another image while this launcher lives keeps the first id, and a JVM of the new
     * image refuses a cache made for another JDK build and starts without it (its messages about
     * that are off).
     */
    @Override
    public Optional<String> childJavaIdentity(LaunchRequest request) {
        try {
            String image = image(request);
            ImageFacts facts = imageFacts(image);
            String path = request.environment().get("PATH");
            return Optional.of("docker image " + facts.id() + " java" + (path != null ? " PATH=" + path : ""));
        } catch (LaunchException | RuntimeException e) {
            // the start says what is wrong
            return Optional.empty();
        }
    }

    @Override
    public LaunchedProcess launch(LaunchRequest request) throws LaunchException {
        List<ContainerSpec.HostMount> mounts = ContainerSpec.mounts(request.classPath(), request.readOnlyPaths(),
                request.sharedPaths(), ContainerSpec.extraMounts(request.options(), System::getProperty));
        String image = image(request);
        List<String> imageEnvironment = imageFacts(image).environment();
        String name = ContainerSpec.containerName(request.processName(), HexFormat.of().toHexDigits(RANDOM.nextInt()));
        long t0 = System.nanoTime();
        String id = create(request, image, imageEnvironment, mounts, name);
        long created = System.nanoTime();

        EngineStream.ExitWait wait = new EngineStream.ExitWait();
        EngineStream.Output output = new EngineStream.Output(
                new LineForwarder(() -> System.out), new LineForwarder(() -> System.err));
        String step = "wait for";
        try {
            // registered before the start, so that even an instant exit is seen (NEXT_EXIT)
            streams.waitContainerCmd(id).withCondition(WaitContainerCondition.NEXT_EXIT).exec(wait);
            wait.started().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            step = "attach to";
            // no stdin and no TTY: the child's standard input is empty (SPEC L13)
            streams.attachContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true).withLogs(true)
                    .exec(output);
            output.started().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long attached = System.nanoTime();
            step = "start";
            requests.startContainerCmd(id).exec();
            long startedAt = System.nanoTime();
            step = "inspect";
            long pid = hostPid(id, name);
            if (LOGGER.isDebugEnabled()) {
                LOGGER.debug("started process '{}' as container {} (image {}, pid {}) in {} ms: create {}, wait+attach {},"
                        + " start {}, inspect {}", request.processName(), name, image, pid, millis(t0, System.nanoTime()),
                        millis(t0, created), millis(created, attached), millis(attached, startedAt),
                        millis(startedAt, System.nanoTime()));
            }
            return new ContainerProcess(id, name, pid, wait, output, engine, this::signal, background);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon(id, name, wait, output);
            throw new LaunchException("interrupted while starting container " + name + " for process '"
                    + request.processName() + "'", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            abandon(id, name, wait, output);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new LaunchException("could not " + step + " container " + name + " for process '"
                    + request.processName() + "' on the Docker engine at " + engine + " (" + describe(cause) + ")",
                    cause);
        }
    }

    private String create(LaunchRequest request, String image, List<String> imageEnvironment,
                          List<ContainerSpec.HostMount> mounts, String name) throws LaunchException {
        HostConfig host = HostConfig.newHostConfig()
                .withAutoRemove(true)
                // the engine's tiny init is PID 1 and the JVM its child: as PID 1 the JVM would
                // ignore a SIGTERM that arrives before it has installed its handlers (L16)
                .withInit(true)
                .withNetworkMode("none")
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withPrivileged(false)
                .withReadonlyRootfs(true)
                .withMounts(mounts.stream().map(mount -> new Mount().withType(MountType.BIND)
                        .withSource(mount.path()).withTarget(mount.path()).withReadOnly(mount.readOnly())).toList());
        if (ContainerSpec.wantsTmpfs(mounts)) {
            host.withTmpFs(Map.of(ContainerSpec.TMP, TMPFS_OPTIONS));
        }
        CreateContainerCmd create = requests.createContainerCmd(image)
                .withName(name)
                .withCmd(ContainerSpec.command(request))
                .withEnv(ContainerSpec.environment(request.environment(), imageEnvironment))
                .withLabels(ContainerSpec.labels(request, session, parent))
                .withAttachStdin(false).withStdinOpen(false).withTty(false)
                .withAttachStdout(true).withAttachStderr(true)
                .withHostConfig(host);
        Optional<String> user = parent.user().or(
                () -> request.sharedPaths().stream().findFirst().flatMap(ParentProcess::userOf));
        user.ifPresent(create::withUser);
        try {
            return create.exec().getId();
        } catch (NotFoundException e) {
            images.remove(image);
            throw missingImage(image, e);
        } catch (RuntimeException e) {
            throw new LaunchException("could not create a container for process '" + request.processName()
                    + "' on the Docker engine at " + engine + " (" + describe(e) + ")", e);
        }
    }

    /** The image a request runs: the one named, or the first default image on the engine. */
    private String image(LaunchRequest request) throws LaunchException {
        List<String> candidates = ContainerSpec.images(request.options(), System::getProperty, System::getenv,
                Runtime.version().feature());
        LaunchException missing = null;
        for (String candidate : candidates) {
            try {
                imageFacts(candidate);
                return candidate;
            } catch (LaunchException e) {
                if (missing == null) {
                    missing = e;
                }
            }
        }
        throw candidates.size() == 1 ? missing : new LaunchException("none of the default images "
                + candidates + " is on the Docker engine at " + engine + " and multiprocessing4j never pulls: run"
                + " 'docker pull " + candidates.get(0) + "' where a registry is reachable, or build "
                + candidates.get(1) + " with this project's .ci/build-jre-image.sh, or name an image with the"
                + " launcher option " + ContainerSpec.IMAGE_OPTION + ", the system property "
                + ContainerSpec.IMAGE_PROPERTY + " or the environment variable " + ContainerSpec.IMAGE_ENVIRONMENT,
                missing);
    }

    /**
     * What an image is: its id and environment.
     *
     * @param id the image's id (the digest of its configuration)
     * @param environment its {@code KEY=value} entries
     */
    private record ImageFacts(String id, List<String> environment) {
    }

    /** The image's id and environment, which also prove that the image is there; cached per image. */
    private ImageFacts imageFacts(String image) throws LaunchException {
        ImageFacts known = images.get(image);
        if (known != null) {
            return known;
        }
        try {
            InspectImageResponse inspected = requests.inspectImageCmd(image).exec();
            String[] env = inspected.getConfig() == null ? null : inspected.getConfig().getEnv();
            ImageFacts facts = new ImageFacts(inspected.getId(), env == null ? List.of() : List.of(env));
            images.put(image, facts);
            return facts;
        } catch (NotFoundException e) {
            throw missingImage(image, e);
        } catch (RuntimeException e) {
            throw new LaunchException("could not inspect the image " + image + " on the Docker engine at " + engine
                    + " (" + describe(e) + "): check that dockerd runs", e);
        }
    }

    private LaunchException missingImage(String image, Throwable cause) {
        return new LaunchException("the Docker image " + image + " is not on the engine at " + engine
                + " and multiprocessing4j never pulls: run 'docker pull " + image + "' where a registry is reachable,"
                + " or build a JRE image (for example with this project's .ci/build-jre-image.sh) and name it with the"
                + " launcher option " + ContainerSpec.IMAGE_OPTION + ", the system property " + ContainerSpec.IMAGE_PROPERTY
                + " or the environment variable " + ContainerSpec.IMAGE_ENVIRONMENT, cause);
    }

    /**
     * The container's pid on the host (SPEC L12), or 0 if it has ended already: a JVM that fails
     * at once (a JVM option the image's {@code java} rejects) may be gone, even removed, before the
     * engine is asked, and a process that has ended has no pid left to read. Its exit status and
     * output still arrive through the wait and the attach registered before the start, as the
     * contract of {@link LaunchedProcess#pid()} says.
     */
    private long hostPid(String id, String name) {
        Long pid;
        try {
            InspectContainerResponse.ContainerState state = requests.inspectContainerCmd(id).exec().getState();
            pid = state == null ? null : state.getPidLong();
        } catch (NotFoundException e) {
            pid = null; // auto-removed: it has ended
        }
        long hostPid = hostPid(pid);
        if (hostPid == 0) {
            LOGGER.debug("container {} ended before its pid could be read", name);
        }
        return hostPid;
    }

    /**
     * The pid to report for a container that was just started, from the engine's
     * {@code State.Pid}: the engine reports 0 (or no state at all) for a container that has ended.
     *
     * @param enginePid the engine's {@code State.Pid}, possibly null
     * @return the pid if positive, else 0
     */
    static long hostPid(Long enginePid) {
        return enginePid == null || enginePid <= 0 ? 0 : enginePid;
    }

    private static long millis(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }

    /** Undoes a launch that failed after the container was created: nothing may be left. */
    private void abandon(String id, String name, EngineStream<?> wait, EngineStream<?> output) {
        wait.close();
        output.close();
        try {
            requests.removeContainerCmd(id).withForce(true).exec();
        } catch (NotFoundException e) {
            // already removed by the engine (auto-remove)
        } catch (RuntimeException e) {
            LOGGER.warn("could not remove container {} after its launch failed: {}", name, describe(e));
        }
    }

    private void signal(String id, String signal) {
        try {
            requests.killContainerCmd(id).withSignal(signal).exec();
        } catch (NotFoundException | ConflictException e) {
            // it has ended (and is removed, or being removed): nothing left to signal
            LOGGER.debug("{} not delivered to container {}: {}", signal, id, describe(e));
        } catch (RuntimeException e) {
            LOGGER.warn("could not send {} to container {}: {}", signal, id, describe(e));
        }
    }

    /**
     * Removes what dead parents left behind on this engine: containers of this launcher that do
     * not run and whose parent (pid and start time, from the labels) is gone. Running containers
     * are left alone: a non-daemon child outlives its parent, as in Python, and is removed by
     * the engine when it exits.
     */
    private void removeLeftovers() {
        List<Container> containers;
        try {
            containers = requests.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(ContainerSpec.LABEL, "true")).exec();
        } catch (RuntimeException e) {
            LOGGER.debug("could not look for leftover containers: {}", describe(e));
            return;
        }
        for (Container container : containers) {
            Map<String, String> labels = container.getLabels() == null ? Map.of() : container.getLabels();
            String state = String.valueOf(container.getState());
            if (state.equals("running") || state.equals("paused") || state.equals("restarting") || state.equals("removing")
                    || ParentProcess.isAlive(labels.get(ContainerSpec.LABEL_PARENT_PID),
                    labels.get(ContainerSpec.LABEL_PARENT_START))) {
                continue;
            }
            String name = container.getNames() == null || container.getNames().length == 0
                    ? container.getId() : container.getNames()[0].replaceFirst("^/", "");
            try {
                requests.removeContainerCmd(container.getId()).withForce(true).exec();
                LOGGER.info("removed container {} ({}), left behind by parent pid {} which is gone", name, state,
                        labels.get(ContainerSpec.LABEL_PARENT_PID));
            } catch (NotFoundException e) {
                // removed meanwhile
            } catch (RuntimeException e) {
                LOGGER.debug("could not remove leftover container {}: {}", name, describe(e));
            }
        }
    }

    /** The session id in this launcher's containers' labels. */
    String session() {
        return session;
    }

    @Override
    public void close() {
        background.shutdownNow();
        for (DockerClient client : new DockerClient[] {requests, streams}) {
            try {
                client.close();
            } catch (IOException | RuntimeException e) {
                LOGGER.debug("closing the Docker client failed: {}", describe(e));
            }
        }
    }

    @Override
    public String toString() {
        return "docker launcher (engine " + engine + ")";
    }

    /** A failure in one line: the engine's own message where it sent one. */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while ((root instanceof ExecutionException || root instanceof CompletionException
                || root.getClass() == RuntimeException.class) && root.getCause() != null) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage().strip();
        if (root instanceof DockerException) {
            Matcher matcher = ENGINE_MESSAGE.matcher(message);
            if (matcher.find()) {
                return matcher.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
            return message;
        }
        return message.isEmpty() ? root.getClass().getSimpleName() : root.getClass().getSimpleName() + ": " + message;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "multiprocessing4j-docker-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
