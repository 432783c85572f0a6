package io.github.multiprocessing4j.reliability;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.multiprocessing4j.tck.Poll;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The test cluster of {@code .ci/k8s-up.sh}, for the engine faults and the parent deaths: the
 * pods and Jobs a parent left, and, for the faults, one of its parts (the API
 * server or the kubelet) stopped with SIGTERM as a service manager stops it (SIGKILL if it still
 * runs {@link #STOP_DEADLINE} later, as {@code .ci/k8s-restart.sh} does: the API server's graceful
 * shutdown can wait on streams its clients hold open), and started again by that idempotent
 * script, which returns once the API answers and the node is Ready. Its processes' pids are in
 * the script's state directory ({@code MP4J_K8S_STATE}, by default
 * {@code /var/lib/multiprocessing4j/k8s}).
 */
final class KubernetesCluster {

    /** The script that brings the cluster up (the repository's {@code .ci/k8s-up.sh}). */
    static final Path UP_SCRIPT = Path.of(System.getProperty("reliability.k8s.up", "../.ci/k8s-up.sh"));
    /** Where that script keeps the pid files of the cluster's processes. */
    static final Path RUN = Path.of(Optional.ofNullable(System.getenv("MP4J_K8S_STATE"))
            .orElse("/var/lib/multiprocessing4j/k8s"), "run");
    /**
     * How long a part may take to stop after SIGTERM before it gets SIGKILL. The API server closes
     * its port at once, then waits for the streams its clients hold open (watches, attach
     * sessions) and was seen still running 80 s later: what its clients see is the same.
     */
    static final Duration STOP_DEADLINE = Duration.ofSeconds(5);
    /** How long the script may take to bring the cluster back. */
    static final Duration START_DEADLINE = Duration.ofSeconds(180);
    /** The annotation with which the kubernetes launcher names its parent's pid on a pod. */
    static final String PARENT_PID_ANNOTATION = "io.github.multiprocessing4j/parent-pid";
    /** The label with which the kubernetes launcher marks its pods and Jobs. */
    static final String MANAGED_LABEL = "app.kubernetes.io/managed-by";
    /** The label with which the kubernetes launcher names a pod's process. */
    static final String PROCESS_NAME_LABEL = "io.github.multiprocessing4j/process-name";

    /** A part of the cluster that a fault stops, by the name of its process. */
    enum Part {
        API_SERVER("kube-apiserver"),
        KUBELET("kubelet");

        final String process;

        Part(String process) {
            this.process = process;
        }
    }

    private KubernetesCluster() {
    }

    /**
     * Why the cluster's parts cannot be stopped and restarted from here, if they cannot.
     *
     * @return the reason, or empty
     */
    static Optional<String> problem() {
        Optional<String> api = apiProblem();
        if (api.isPresent()) {
            return api;
        }
        if (!Files.isRegularFile(UP_SCRIPT)) {
            return Optional.of("no " + UP_SCRIPT.toAbsolutePath() + " to start the cluster again (-Dreliability.k8s.up)");
        }
        for (Part part : Part.values()) {
            if (find(part).isEmpty()) {
                return Optional.of("no " + part.process + " runs with its pid in " + RUN.resolve(part.process + ".pid"));
            }
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("the cluster's processes are root's: run as root");
        }
        return Optional.empty();
    }

    /**
     * Why pods cannot be started on the cluster from here, if they cannot.
     *
     * @return the reason, or empty
     */
    static Optional<String> apiProblem() {
        if (System.getenv("KUBECONFIG") == null) {
            return Optional.of("KUBECONFIG is not set (.ci/run sets it to what .ci/k8s-up.sh prints)");
        }
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            client.getKubernetesVersion();
        } catch (KubernetesClientException e) {
            return Optional.of("the API server does not answer: " + e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * The pods and Jobs, in any state, whose parent had the given pid.
     *
     * @param client the client
     * @param parentPid the parent's pid
     * @return the process name label of each, by "pod/name" or "job/name"
     */
    static Map<String, String> objectsOfParent(KubernetesClient client, long parentPid) {
        Map<String, String> objects = new TreeMap<>();
        podsOfParent(client, parentPid).forEach(pod -> objects.put("pod/" + pod.getMetadata().getName(),
                pod.getMetadata().getLabels().get(PROCESS_NAME_LABEL)));
        client.batch().v1().jobs().withLabel(MANAGED_LABEL, "multiprocessing4j").list().getItems().stream()
                .filter(job -> ofParent(job, parentPid)).forEach(job -> objects.put("job/" + job.getMetadata().getName(),
                        job.getMetadata().getLabels().get(PROCESS_NAME_LABEL)));
        return objects;
    }

    /**
     * Deletes at once (grace period 0) the pods and Jobs whose parent had the given pid, for the
     * clean-up after a failed check.
     *
     * @param client the client
     * @param parentPid the parent's pid
     */
    static void deleteObjectsOfParent(KubernetesClient client, long parentPid) {
        for (String object : objectsOfParent(client, parentPid).keySet()) {
            String name = object.substring(object.indexOf('/') + 1);
            if (object.startsWith("job/")) {
                client.batch().v1().jobs().withName(name).withPropagationPolicy(
                        io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).withGracePeriod(0L).delete();
            } else {
                client.pods().withName(name).withGracePeriod(0L).delete();
            }
        }
    }

    /**
     * The pods, in any state, whose parent had the given pid.
     *
     * @param client the client
     * @param parentPid the parent's pid
     * @return the pods
     */
    static List<Pod> podsOfParent(KubernetesClient client, long parentPid) {
        return client.pods().withLabel(MANAGED_LABEL, "multiprocessing4j").list().getItems().stream()
                .filter(pod -> ofParent(pod, parentPid)).toList();
    }

    private static boolean ofParent(io.fabric8.kubernetes.api.model.HasMetadata object, long parentPid) {
        return object.getMetadata().getAnnotations() != null
                && Long.toString(parentPid).equals(object.getMetadata().getAnnotations().get(PARENT_PID_ANNOTATION));
    }

    /** The running process of a part, from its pid file. */
    static Optional<ProcessHandle> find(Part part) {
        try {
            long pid = Long.parseLong(Files.readString(RUN.resolve(part.process + ".pid"), StandardCharsets.US_ASCII).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(handle -> handle.info().commandLine().map(line -> line.contains(part.process)).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Stops a part (SIGTERM, then SIGKILL after {@link #STOP_DEADLINE}) and waits until it is gone.
     *
     * @param part which
     * @return how long it took, ms
     * @throws InterruptedException if interrupted
     */
    static long stop(Part part) throws InterruptedException {
        long start = System.nanoTime();
        return awaitGone(part, signal(part), start);
    }

    /**
     * Sends a part SIGTERM, as a service manager stops it; {@link #awaitGone} finishes the stop.
     *
     * @param part which
     * @return its process
     */
    static ProcessHandle signal(Part part) {
        ProcessHandle process = find(part).orElseThrow(() -> new IllegalStateException("no " + part.process + " to stop"));
        process.destroy();
        return process;
    }

    /**
     * Waits until a part sent SIGTERM by {@link #signal} is gone, sending it SIGKILL once
     * {@link #STOP_DEADLINE} has passed since then.
     *
     * @param part which
     * @param process its process
     * @param signalledAt {@link System#nanoTime()} just before the SIGTERM
     * @return how long it took from the SIGTERM, ms
     * @throws InterruptedException if interrupted
     */
    static long awaitGone(Part part, ProcessHandle process, long signalledAt) throws InterruptedException {
        Duration left = STOP_DEADLINE.minusNanos(System.nanoTime() - signalledAt);
        if (!Poll.until(() -> !process.isAlive(), left.isNegative() ? Duration.ZERO : left)) {
            process.destroyForcibly();
            if (!Poll.until(() -> !process.isAlive(), Duration.ofSeconds(10))) {
                throw new AssertionError(part.process + " (pid " + process.pid() + ") survived SIGKILL");
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalledAt);
    }

    /**
     * Whether the API server's port (from the kubeconfig) refuses connections: it closes it at
     * once on SIGTERM, while its process waits for the streams its clients hold open.
     *
     * @return whether a connection to it fails
     */
    static boolean apiServerRefuses() {
        URI server = URI.create(Config.autoConfigure(null).getMasterUrl());
        int port = server.getPort() >= 0 ? server.getPort() : "http".equals(server.getScheme()) ? 80 : 443;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(server.getHost(), port), 500);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Brings the cluster up if any part is down, as CI does ({@code .ci/k8s-up.sh}).
     *
     * @return how long it took, ms
     * @throws IOException if the script cannot run
     * @throws InterruptedException if interrupted
     */
    static long ensureUp() throws IOException, InterruptedException {
        // its standard output is the KUBECONFIG path, for scripts
        return UpScript.run(UP_SCRIPT, START_DEADLINE, "the cluster", ProcessBuilder.Redirect.DISCARD);
    }

    /**
     * The pods this JVM started that still exist once none is left or the deadline passed.
     *
     * @param deadline how long to wait for them to go
     * @return "name (phase)" of each left
     * @throws InterruptedException if interrupted
     */
    static List<String> podsOfThisJvmAfter(Duration deadline) throws InterruptedException {
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            Poll.until(() -> podsOfThisJvm(client).isEmpty(), deadline);
            return podsOfThisJvm(client);
        }
    }

    private static List<String> podsOfThisJvm(KubernetesClient client) {
        long pid = ProcessHandle.current().pid();
        return client.pods().inAnyNamespace().withLabel(MANAGED_LABEL, "multiprocessing4j").list()
                .getItems().stream()
                .filter(pod -> ofParent(pod, pid))
                .map(KubernetesCluster::describe)
                .toList();
    }

    private static String describe(Pod pod) {
        return pod.getMetadata().getName() + " (" + (pod.getStatus() == null ? "?" : pod.getStatus().getPhase()) + ")";
    }
}
