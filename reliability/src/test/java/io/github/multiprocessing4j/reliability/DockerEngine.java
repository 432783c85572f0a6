package io.github.multiprocessing4j.reliability;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.github.multiprocessing4j.launcher.docker.DockerLauncherProvider;
import io.github.multiprocessing4j.spi.Availability;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * The Docker engine, as the docker parts of the suite see it: whether it answers and has the
 * image, and which containers this JVM started (the launcher labels every container with
 * {@code io.github.multiprocessing4j=true} and its parent's pid). Same rule as launcher-docker's
 * tests: without an engine the docker parts are skipped with one line, and fail when
 * {@code CI=true}.
 */
final class DockerEngine {

    static final String IMAGE = System.getProperty("multiprocessing4j.docker.image", "multiprocessing4j/jre:17");
    private static final String LABEL = "io.github.multiprocessing4j";
    private static final String LABEL_PARENT_PID = LABEL + ".parent-pid";
    private static final String LABEL_PROCESS_NAME = LABEL + ".process-name";

    private static Optional<String> problem;
    private static DockerClient client;
    private static boolean reported;

    private DockerEngine() {
    }

    /** Skips the calling test without an engine (one line on stderr), fails it with {@code CI=true}. */
    static synchronized void assumeAvailable() {
        Optional<String> why = problem();
        if (why.isEmpty()) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true, so the docker parts of the reliability suite must run, but " + why.get()
                    + " (.ci/run starts the engine and builds the image)");
        }
        if (!reported) {
            reported = true;
            System.err.println("[reliability] skipping the docker parts: " + why.get());
        }
        Assumptions.abort(why.get());
    }

    static synchronized boolean available() {
        return problem().isEmpty();
    }

    private static Optional<String> problem() {
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
        try {
            client().pingCmd().exec();
            client().inspectImageCmd(IMAGE).exec();
        } catch (NotFoundException e) {
            return Optional.of("the image " + IMAGE + " is missing: build it with .ci/build-jre-image.sh");
        } catch (RuntimeException e) {
            return Optional.of("the Docker engine does not answer: " + e.getMessage());
        }
        return Optional.empty();
    }

    private static synchronized DockerClient client() {
        if (client == null) {
            DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
            client = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                    .dockerHost(config.getDockerHost()).sslConfig(config.getSSLConfig())
                    .connectionTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofSeconds(30)).build());
        }
        return client;
    }

    /**
     * The containers, running or not, whose parent is this JVM; empty without an engine.
     *
     * @return their ids and names
     */
    static List<String> containersOfThisJvm() {
        return ofParent(ProcessHandle.current().pid()).stream().map(container -> container.getId().substring(0, 12)
                + " " + String.join(",", container.getNames())).collect(Collectors.toList());
    }

    /**
     * The running containers on the engine that are not this JVM's children: other users of the
     * engine, which stopping it would break.
     *
     * @return their ids and names
     */
    static List<String> runningContainersNotOfThisJvm() {
        String me = Long.toString(ProcessHandle.current().pid());
        return client().listContainersCmd().exec().stream()
                .filter(container -> container.getLabels() == null || !me.equals(container.getLabels().get(LABEL_PARENT_PID)))
                .map(container -> container.getId().substring(0, 12) + " " + String.join(",", container.getNames()))
                .collect(Collectors.toList());
    }

    /**
     * Containers labelled as multiprocessing4j's whose parent was the given pid.
     *
     * @param parentPid the parent's pid
     * @return their ids
     */
    static List<String> containersOfParent(long parentPid) {
        return ofParent(parentPid).stream().map(Container::getId).collect(Collectors.toList());
    }

    /**
     * The containers, in any state, labelled as multiprocessing4j's whose parent was the given
     * pid.
     *
     * @param parentPid the parent's pid
     * @return process name (label) and state, by container id
     */
    static Map<String, String> processesOfParent(long parentPid) {
        Map<String, String> found = new java.util.TreeMap<>();
        for (Container container : ofParent(parentPid)) {
            Map<String, String> labels = container.getLabels() == null ? Map.of() : container.getLabels();
            found.put(container.getId(), labels.get(LABEL_PROCESS_NAME) + " " + container.getState());
        }
        return found;
    }

    /** The containers, in any state, labelled as multiprocessing4j's with this parent; none without an engine. */
    private static List<Container> ofParent(long parentPid) {
        if (!available()) {
            return List.of();
        }
        return client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(LABEL, "true", LABEL_PARENT_PID, Long.toString(parentPid))).exec();
    }

    /**
     * How the containers of a parent ended, from the engine's {@code die} events: the exit code
     * of a container removed by the engine as soon as it ended cannot be read anywhere else.
     *
     * @param parentPid the parent's pid
     * @param since the earliest event
     * @return the exit codes by process name (label), in the order the containers died
     * @throws InterruptedException if interrupted while reading the events
     */
    static Map<String, String> exitCodesOfParent(long parentPid, java.time.Instant since) throws InterruptedException {
        Map<String, String> codes = new java.util.LinkedHashMap<>();
        forEachDie(since, Map.of(LABEL, "true", LABEL_PARENT_PID, Long.toString(parentPid)),
                (attributes, timeNano) -> codes.put(attributes.get(LABEL_PROCESS_NAME), attributes.get("exitCode")));
        return codes;
    }

    /** The label with which the kubelet's dockershim names the pod of a container. */
    private static final String POD_NAME_LABEL = "io.kubernetes.pod.name";
    /** The label with which the dockershim tells a pod's containers ({@code container}) from its sandbox. */
    private static final String POD_CONTAINER_TYPE = "io.kubernetes.docker.type";

    /**
     * The states of the containers (not the sandboxes) of pods that run on this engine, which is
     * the test cluster's node ({@code .ci/k8s-up.sh}).
     *
     * @param pods the pods' names
     * @return "pod state" of each container found
     */
    static List<String> podContainerStates(java.util.Collection<String> pods) {
        return client().listContainersCmd().withShowAll(true).withLabelFilter(Map.of(POD_CONTAINER_TYPE, "container"))
                .exec().stream()
                .filter(container -> container.getLabels() != null && pods.contains(container.getLabels().get(POD_NAME_LABEL)))
                .map(container -> container.getLabels().get(POD_NAME_LABEL) + " " + container.getState())
                .collect(Collectors.toList());
    }

    /**
     * When and how the containers of pods on this engine ended, from its {@code die} events:
     * the moment the container's process ended, to the nanosecond of the engine's clock, which
     * is this host's.
     *
     * @param pods the pods' names
     * @param since the earliest event
     * @return the exit code and the epoch nanosecond of the end, by pod name
     * @throws InterruptedException if interrupted while reading the events
     */
    static Map<String, long[]> podContainerEnds(java.util.Collection<String> pods, java.time.Instant since)
            throws InterruptedException {
        Map<String, long[]> ends = new java.util.TreeMap<>();
        forEachDie(since, Map.of(POD_CONTAINER_TYPE, "container"), (attributes, timeNano) -> {
            String pod = attributes.get(POD_NAME_LABEL);
            if (pods.contains(pod) && timeNano != null && attributes.get("exitCode") != null) {
                ends.put(pod, new long[] {Long.parseLong(attributes.get("exitCode")), timeNano});
            }
        });
        return ends;
    }

    /**
     * Reads the engine's {@code die} events of containers with the given labels, from
     * {@code since} until a second from now.
     *
     * @param since the earliest event
     * @param labels the labels the containers have
     * @param each told each event's attributes (the container's labels, {@code exitCode}) and time in epoch nanoseconds
     * @throws InterruptedException if interrupted while reading the events
     */
    private static void forEachDie(java.time.Instant since, Map<String, String> labels,
            java.util.function.BiConsumer<Map<String, String>, Long> each) throws InterruptedException {
        client().eventsCmd()
                .withSince(Long.toString(since.getEpochSecond()))
                .withUntil(Long.toString(java.time.Instant.now().getEpochSecond() + 1))
                .withEventFilter("die")
                .withLabelFilter(labels)
                .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Event>() {
                    @Override
                    public void onNext(com.github.dockerjava.api.model.Event event) {
                        each.accept(event.getActor() == null || event.getActor().getAttributes() == null
                                ? Map.of() : event.getActor().getAttributes(), event.getTimeNano());
                    }
                })
                .awaitCompletion(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    /**
     * Creates, and does not start, a container labelled as the launcher labels the child of
     * {@code parentPid}: what a parent killed between the engine's create and start leaves.
     *
     * @param parentPid the (dead) parent's pid
     * @param name the process name label
     * @return the container's id
     */
    static String createdNeverStarted(long parentPid, String name) {
        return client().createContainerCmd(IMAGE).withCmd("true")
                .withLabels(Map.of(LABEL, "true", LABEL_PARENT_PID, Long.toString(parentPid),
                        LABEL + ".parent-start", "1", LABEL + ".session", "reliability-planted",
                        LABEL_PROCESS_NAME, name, LABEL + ".daemon", "true"))
                .exec().getId();
    }

    /** Removes a container, for the clean-up after a failed check. */
    static void remove(String id) {
        try {
            client().removeContainerCmd(id).withForce(true).exec();
        } catch (NotFoundException e) {
            // gone meanwhile
        }
    }
}
