package io.github.multiprocessing4j.launcher.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecListener;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.github.multiprocessing4j.spi.LaunchedProcess;
import io.github.multiprocessing4j.spi.LineForwarder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child as a pod. The end is the JVM's exit status as the start script prints it the moment
 * the JVM ends ({@link PodTemplate#EXIT_MARKER}), or else the container's terminated state, as
 * the pod's status reports it through the launcher's watch up to a second later; never the pod
 * object's disappearance, which comes seconds later.
 * Signals: {@link #terminate()} writes {@code T} (below), else deletes the pod gracefully, so the kubelet sends SIGTERM and
 * waits the grace period; {@link #kill()} and {@link #interrupt()} write {@code K} or {@code I}
 * on the child's standard input, which the child runtime turns into SIGKILL or SIGINT on itself
 * at once (a deletion cannot: the kubelet's stop always starts with SIGTERM, even with grace
 * period 0). If that stream is gone, they run {@code kill} with the child's pid in its container
 * (the pod shares one process namespace, so the JVM is an ordinary process there), and a kill
 * that cannot be delivered either way deletes the pod with grace period 0.
 *
 * <p>The attach session runs through the API server and the kubelet, so it breaks when either
 * restarts while the container runs on. Then the launcher attaches again, to the output only
 * (the container's standard input was closed with the first session), retrying while the API
 * server is away, until the container ends: later output reaches the parent again, and what the
 * child printed in between is lost (logged). Signals then go through {@code exec}.
 */
final class PodProcess implements LaunchedProcess {

    private static final Logger LOGGER = LoggerFactory.getLogger(PodProcess.class);
    /** How long, after the container ended, its attached output may take to arrive. */
    private static final long OUTPUT_GRACE_SECONDS = 5;
    /**
     * How long after a session ended the launcher attaches again, and between tries: long enough
     * that a container that simply ended has said so through the watch first.
     */
    private static final long REATTACH_PAUSE_MILLIS = 500;
    /** The WebSocket close code of a stream that ended normally. */
    private static final int NORMAL_CLOSURE = 1000;
    /** Larger than any Linux pid (pid_max is at most 2^22): {@code pid() % PID_STRIDE} is the pod's own pid. */
    static final long PID_STRIDE = 10_000_000L;
    /** Waiting reasons that never resolve by themselves: the start fails at once (SPEC R4). */
    static final Set<String> FATAL_WAITING = Set.of("ErrImageNeverPull", "ImagePullBackOff", "ErrImagePull",
            "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

    private final KubernetesClient client;
    private final String namespace;
    /** The Job that owns the pod, or null for a bare pod. */
    private final String jobName;
    private volatile String podName;
    private final ExecutorService background;
    /** Completes when the container runs (or ended already), fails on a start that cannot succeed. */
    final CompletableFuture<Pod> started = new CompletableFuture<>();
    /** The container's exit code, from its terminated state. */
    private final CompletableFuture<Integer> terminated = new CompletableFuture<>();
    private final CompletableFuture<Integer> exit;
    final CompletableFuture<Long> pidFromScript = new CompletableFuture<>();
    /** The JVM's exit status as the start script printed it, the moment the JVM ended. */
    private final CompletableFuture<Integer> exitFromScript = new CompletableFuture<>();
    final OutputSink out = new OutputSink(new LineForwarder(() -> System.out), null, null);
    final OutputSink err = new OutputSink(new LineForwarder(() -> System.err), pidFromScript, exitFromScript);
    private final AtomicBoolean deleting = new AtomicBoolean();
    /** Set when kill() had to fall back on a deletion with grace period 0: the pod may vanish unreported. */
    private volatile boolean forceDeleted;
    /** The JVM's pid in its pod, which signals go to; 0 until the start script said it. */
    private volatile long podPid;
    /** What {@link #pid()} reports: unique among this launcher's children. */
    private volatile long pid;
    private volatile ExecWatch attached;
    /** The listener of the session that delivers the output now; null while there is none. */
    private volatile ExecListener liveSession;
    /** The latest session attached again after a break, or null. */
    private volatile ExecWatch reattached;
    /** Set while a loop attaches again. */
    private final AtomicBoolean reattaching = new AtomicBoolean();
    /** Set once the pod is being removed: its output is no longer wanted. */
    private volatile boolean abandoned;
    private volatile Pod last;

    /**
     * @param podName the pod's name, or null while the Job's controller has not made it
     * @param jobName the Job's name, or null for a bare pod
     */
    PodProcess(KubernetesClient client, String namespace, String podName, String jobName, ExecutorService background) {
        this.client = client;
        this.namespace = namespace;
        this.podName = podName;
        this.jobName = jobName;
        this.background = background;
        // the script's word comes up to a second before the pod's status says the same
        exitFromScript.thenAccept(code -> {
            if (terminated.complete(code)) {
                LOGGER.debug("pod {}: the JVM ended with status {}, as its start script says", podName, code);
            }
        });
        // a container that ended while no session delivered its output has nothing more to say
        terminated.whenComplete((code, failure) -> {
            if (liveSession == null) {
                closeOutput();
            }
        });
        this.exit = terminated.thenCompose(code -> out.closed().thenCombine(err.closed(), (a, b) -> code)
                        .completeOnTimeout(code, OUTPUT_GRACE_SECONDS, TimeUnit.SECONDS))
                .whenComplete((code, failure) -> {
                    for (ExecWatch watch : new ExecWatch[] {attached, reattached}) {
                        if (watch != null) {
                            watch.close();
                        }
                    }
                    closeOutput();
                    deletePod(0L);
                });
    }

    /**
     * A listener for a new attach session, which from now on delivers the output.
     *
     * @return it, to be given to the attach
     */
    ExecListener sessionListener() {
        AtomicBoolean ended = new AtomicBoolean();
        ExecListener listener = new ExecListener() {
            @Override
            public void onClose(int code, String reason) {
                if (ended.compareAndSet(false, true)) {
                    // 1000: the stream ended because the container did; a break (the API server or
                    // the kubelet went away) closes it abnormally (1006) or fails it
                    sessionEnded(this, code == NORMAL_CLOSURE ? null : code + " " + reason);
                }
            }

            @Override
            public void onFailure(Throwable failure, Response response) {
                if (ended.compareAndSet(false, true)) {
                    sessionEnded(this, failure.toString());
                }
            }
        };
        liveSession = listener;
        return listener;
    }

    /**
     * An attach session ended.
     *
     * @param session its listener
     * @param broken how the way to the container broke, or null if the container ended
     */
    private void sessionEnded(ExecListener session, String broken) {
        if (liveSession != session) {
            return;
        }
        liveSession = null;
        // its standard input went with it: signals go through exec from now on
        attached = null;
        if (broken == null || outputDone()) {
            closeOutput();
            return;
        }
        LOGGER.debug("the attach session of pod {} broke ({}) while its container runs", podName, broken);
        // a line cut by the break is not joined with what comes after it
        out.flushLine();
        err.flushLine();
        reattachSoon();
    }

    private void reattachSoon() {
        if (!reattaching.compareAndSet(false, true)) {
            return;
        }
        try {
            background.execute(this::reattach);
        } catch (RejectedExecutionException e) {
            reattaching.set(false);
            closeOutput();
        }
    }

    /** Attaches to the output again until a session runs or the container ended. */
    private void reattach() {
        long lost = System.nanoTime();
        int tries = 0;
        try {
            while (liveSession == null && !outputDone()) {
                Thread.sleep(REATTACH_PAUSE_MILLIS);
                if (outputDone()) {
                    break;
                }
                tries++;
                // asked first, as it fails quietly and at once while the API server is away, and
                // says whether the container still runs: an attach would wait for it
                if (!stillRuns()) {
                    continue;
                }
                ExecListener listener = sessionListener();
                try {
                    reattached = client.pods().inNamespace(namespace).withName(podName).inContainer(PodTemplate.CONTAINER)
                            .writingOutput(out).writingError(err).usingListener(listener).attach();
                    LOGGER.warn("attached again to pod {}'s output {} ms after its session broke (try {}): what it printed"
                            + " in between is lost", podName, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lost), tries);
                } catch (KubernetesClientException | IllegalStateException e) {
                    if (liveSession == listener) {
                        liveSession = null;
                    }
                    LOGGER.debug("attaching again to pod {} failed: {}", podName, e.getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            reattaching.set(false);
        }
        if (liveSession == null) {
            if (outputDone()) {
                closeOutput();
            } else {
                // a session that ended while this loop was leaving
                reattachSoon();
            }
        }
    }

    /** Whether no more output is to come or wanted: the container ended, the pod goes, or the launcher closed. */
    private boolean outputDone() {
        return terminated.isDone() || abandoned || background.isShutdown();
    }

    /** Whether the container runs, from the pod's status; false if that cannot be asked now. */
    private boolean stillRuns() {
        Pod pod;
        try {
            pod = client.pods().inNamespace(namespace).withName(podName).get();
        } catch (KubernetesClientException | IllegalStateException e) {
            LOGGER.debug("could not read pod {} to attach to it again: {}", podName, e.getMessage());
            return false;
        }
        if (pod == null) {
            // deleted meanwhile: the watch says how it ended
            abandoned = true;
            return false;
        }
        update(pod);
        ContainerStatus status = mainStatus(pod);
        return !terminated.isDone() && status != null && status.getState() != null
                && status.getState().getRunning() != null;
    }

    private void closeOutput() {
        out.close();
        err.close();
    }

    String podName() {
        return podName;
    }

    /** The name of what was created: the Job, or the pod. */
    String objectName() {
        return jobName != null ? jobName : podName;
    }

    /**
     * @param podPid the JVM's pid in its pod
     * @param sequence this pod's number among the launcher's pods, from 1
     */
    void attached(ExecWatch watch, long podPid, long sequence) {
        this.attached = watch;
        this.podPid = podPid;
        // every pod's JVM has about the same small pid in its own namespace: the parent's pid of
        // it must still tell its children apart (a pool counts its workers by pid)
        this.pid = sequence * PID_STRIDE + podPid;
    }

    /** The pod's latest state, from the watch. */
    void update(Pod pod) {
        last = pod;
        if (podName == null) {
            podName = pod.getMetadata().getName();
        }
        ContainerStatus status = mainStatus(pod);
        if (status != null && status.getState() != null) {
            ContainerStateTerminated ended = status.getState().getTerminated();
            if (ended != null) {
                started.complete(pod);
                if (terminated.complete(ended.getExitCode() == null ? 255 : ended.getExitCode())) {
                    LOGGER.debug("pod {}: the container ended with status {}, as the pod's status says", podName,
                            ended.getExitCode());
                }
                return;
            }
            if (status.getState().getRunning() != null) {
                started.complete(pod);
                return;
            }
            ContainerStateWaiting waiting = status.getState().getWaiting();
            if (waiting != null && FATAL_WAITING.contains(waiting.getReason())) {
                started.completeExceptionally(new IllegalStateException(describeWaiting(pod, waiting)));
            }
        }
        if (pod.getStatus() != null && "Failed".equals(pod.getStatus().getPhase()) && status == null) {
            // evicted or rejected by the kubelet before the container existed
            String reason = pod.getStatus().getReason() + ": " + pod.getStatus().getMessage();
            started.completeExceptionally(new IllegalStateException("the pod failed before it ran: " + reason));
            terminated.completeExceptionally(new IllegalStateException("pod " + podName + " failed: " + reason));
        }
    }

    /** The pod object is gone; its last status says how the container ended, if it had. */
    void deleted(Pod pod) {
        update(pod);
        if (forceDeleted) {
            // the kubelet killed the container, but the object went before it said so
            terminated.complete(128 + 9);
        } else if (deleting.get()) {
            // a graceful deletion: the kubelet sent SIGTERM, and on this cluster reports the end
            // only by removing the object; the child's own end report, if it sent one, says more
            terminated.complete(128 + 15);
        }
        if (!terminated.isDone()) {
            started.completeExceptionally(new IllegalStateException("pod " + podName + " was deleted before it ran"));
            terminated.completeExceptionally(new IllegalStateException("pod " + podName
                    + " was deleted without reporting how its container ended"));
        }
    }

    /** Why the pod is still waiting, for a start that times out. */
    String pendingReason() {
        Pod pod = last;
        if (pod == null || pod.getStatus() == null) {
            return "no status yet";
        }
        ContainerStatus status = mainStatus(pod);
        if (status != null && status.getState() != null && status.getState().getWaiting() != null) {
            return describeWaiting(pod, status.getState().getWaiting());
        }
        for (PodCondition condition : pod.getStatus().getConditions()) {
            if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus())) {
                return "not scheduled (" + condition.getReason() + ": " + condition.getMessage() + ")";
            }
        }
        return "phase " + pod.getStatus().getPhase();
    }

    private String describeWaiting(Pod pod, ContainerStateWaiting waiting) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        return "container waiting: " + waiting.getReason() + (waiting.getMessage() == null ? "" : " (" + waiting.getMessage() + ")")
                + (node == null ? "" : " on node " + node);
    }

    private static ContainerStatus mainStatus(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return null;
        }
        return pod.getStatus().getContainerStatuses().stream()
                .filter(s -> PodTemplate.CONTAINER.equals(s.getName())).findFirst().orElse(null);
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public CompletableFuture<Integer> onExit() {
        return exit;
    }

    @Override
    public void terminate() {
        if (terminated.isDone()) {
            return;
        }
        // SIGTERM through the child's stdin: the container then ends as after any signal and its
        // status says so; a graceful deletion (the fallback) is slower, since the kubelet of this
        // test cluster reports the end of a deleted pod's container only as the object's removal
        if (requestSignal('T')) {
            return;
        }
        if (!terminated.isDone()) {
            background.execute(() -> {
                if (!deleting.get()) {
                    deleteGracefully();
                }
            });
        }
    }

    @Override
    public void kill() {
        signal("KILL");
    }

    @Override
    public void interrupt() {
        signal("INT");
    }

    private void signal(String name) {
        long target = podPid;
        if (terminated.isDone()) {
            return;
        }
        // the child delivers the signal to itself as soon as it reads this byte (core's signal
        // requests): no exec round trip, and a deletion could only start with SIGTERM
        if (requestSignal("KILL".equals(name) ? 'K' : 'I')) {
            return;
        }
        background.execute(() -> {
            if (terminated.isDone()) {
                return;
            }
            if (target <= 0) {
                if ("KILL".equals(name)) {
                    forceDeleted = true;
                    deletePod(0L);
                }
                return;
            }
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            try (ExecWatch watch = client.pods().inNamespace(namespace).withName(podName).inContainer(PodTemplate.CONTAINER)
                    .writingError(errors).exec("sh", "-c", "kill -" + name + " " + target)) {
                Integer code = watch.exitCode().get(10, TimeUnit.SECONDS);
                if (code != null && code != 0 && !terminated.isDone()) {
                    LOGGER.debug("kill -{} {} in pod {} exited {}: {}", name, target, podName, code, errors);
                }
            } catch (Exception e) {
                if (terminated.isDone()) {
                    return;
                }
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOGGER.warn("could not send SIG{} to pod {} through exec ({}){}", name, podName, e.toString(),
                        "KILL".equals(name) ? "; deleting it with grace period 0" : "");
                if ("KILL".equals(name)) {
                    forceDeleted = true;
                    deletePod(0L);
                }
            }
        });
    }

    /** Writes a signal request on the child's stdin; false if there is no such stream (any more). */
    private boolean requestSignal(char request) {
        ExecWatch session = attached;
        if (session == null) {
            return false;
        }
        try {
            synchronized (session) {
                session.getInput().write(request);
                session.getInput().flush();
            }
            return true;
        } catch (IOException | RuntimeException e) {
            LOGGER.debug("could not write a signal request to pod {}: {}", podName, e.toString());
            return false;
        }
    }

    private void deleteGracefully() {
        if (deleting.compareAndSet(false, true)) {
            try {
                if (jobName != null) {
                    // the pod goes with its Job, gracefully; deleting the pod alone would let the
                    // Job's controller start another
                    client.batch().v1().jobs().inNamespace(namespace).withName(jobName)
                            .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
                } else {
                    client.pods().inNamespace(namespace).withName(podName).delete();
                }
            } catch (KubernetesClientException e) {
                LOGGER.warn("could not delete {} to terminate it: {}", objectName(), e.getMessage());
                deleting.set(false);
            }
        }
    }

    /**
     * Removes the pod (and its Job) once of no more use; an ended container needs no grace. What
     * cannot be removed (the launcher closed, the API server gone) is left to the next session's
     * clean-up and to the Job's time to live, with a debug line.
     */
    void deletePod(Long gracePeriod) {
        abandoned = true;
        try {
            background.execute(() -> {
                try {
                    if (jobName != null) {
                        client.batch().v1().jobs().inNamespace(namespace).withName(jobName)
                                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
                    }
                    String pod = podName;
                    if (pod != null) {
                        client.pods().inNamespace(namespace).withName(pod).withGracePeriod(gracePeriod).delete();
                    }
                } catch (KubernetesClientException | IllegalStateException e) {
                    // IllegalStateException: the client was closed meanwhile
                    LOGGER.debug("could not delete {}: {}", objectName(), e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            LOGGER.debug("not deleting {}: its launcher is closed", objectName());
        }
    }
}
