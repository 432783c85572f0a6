package io.github.multiprocessing4j.launcher.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.github.multiprocessing4j.spi.LaunchException;
import io.github.multiprocessing4j.spi.LaunchRequest;
import io.github.multiprocessing4j.spi.LaunchedProcess;
import io.github.multiprocessing4j.spi.Launcher;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts each child as a pod (SPEC R1-R4): creates it, waits for its container to run (failing
 * fast on an image that cannot be pulled, and after the start timeout on a pod that stays
 * Pending), attaches to its standard streams, hands it its bootstrap jars and credentials on
 * standard input, and reads its pid from the start script. One watch per namespace on the pods
 * of this launcher's session reports how each container ended.
 */
final class KubernetesLauncher implements Launcher {

    private static final Logger LOGGER = LoggerFactory.getLogger(KubernetesLauncher.class);
    /** How long {@link #close()} lets requests in flight finish. */
    private static final long CLOSE_WAIT_SECONDS = 5;
    /** How long the first list of a namespace's pods may take. */
    private static final long WATCH_START_SECONDS = 30;
    /** How long the start script may take to report its pid once attached. */
    private static final long PID_SECONDS = 30;

    private final KubernetesClient client;
    private final String session;
    private final Map<String, String> parent;
    private final Map<String, SharedIndexInformer<Pod>> informers = new ConcurrentHashMap<>();
    private final Map<String, PodProcess> processes = new ConcurrentHashMap<>();
    private final ExecutorService background;
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger leftoversSwept = new AtomicInteger();
    /** How many pods this launcher has started: each pod's number makes its pid unique. */
    private final java.util.concurrent.atomic.AtomicLong started = new java.util.concurrent.atomic.AtomicLong();

    private KubernetesLauncher(KubernetesClient client) {
        this.client = client;
        byte[] id = new byte[6];
        random.nextBytes(id);
        this.session = HexFormat.of().formatHex(id);
        this.parent = parentAnnotations();
        AtomicInteger threads = new AtomicInteger();
        this.background = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "multiprocessing4j-kubernetes-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Connects with the usual fabric8 configuration (KUBECONFIG, ~/.kube/config, the in-cluster
     * service account) and checks that the API server answers within 10 s.
     */
    static KubernetesLauncher connect() throws LaunchException {
        Config config;
        try {
            config = Config.autoConfigure(null);
        } catch (RuntimeException e) {
            throw new LaunchException("the Kubernetes configuration cannot be read (" + e.getMessage()
                    + "): check KUBECONFIG or ~/.kube/config", e);
        }
        config.setConnectionTimeout(10_000);
        config.setRequestTimeout(10_000);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        try {
            client.getKubernetesVersion();
        } catch (RuntimeException e) {
            client.close();
            throw new LaunchException("no Kubernetes API server answers at " + config.getMasterUrl() + " ("
                    + rootMessage(e) + "): check that the cluster runs and that KUBECONFIG"
                    + (System.getenv("KUBECONFIG") == null ? " (unset)" : "=" + System.getenv("KUBECONFIG"))
                    + " names it", e);
        }
        return new KubernetesLauncher(client);
    }

    @Override
    public boolean childrenReachParentOverNetwork() {
        return true;
    }

    @Override
    public LaunchedProcess launch(LaunchRequest request) throws LaunchException {
        KubernetesSettings settings;
        List<Long> sizes;
        try {
            settings = KubernetesSettings.of(request.options(), System::getProperty, System::getenv,
                    client.getConfiguration().getNamespace());
            sizes = PodTemplate.bootstrapSizes(request);
        } catch (IllegalArgumentException | IOException e) {
            throw new LaunchException(e.getMessage(), e);
        }
        String namespace = settings.namespace();
        watch(namespace);
        sweepLeftovers(namespace);
        byte[] suffix = new byte[4];
        random.nextBytes(suffix);
        String name = PodTemplate.podName(request.processName(), HexFormat.of().formatHex(suffix));
        boolean job = settings.workload().equals("job");
        PodProcess process = new PodProcess(client, namespace, job ? null : name, job ? name : null, background);
        processes.put(name, process);
        long t0 = System.nanoTime();
        try {
            if (job) {
                // SPEC R3: Kubernetes removes a finished Job and its pod by itself, even when the
                // parent was killed; backoffLimit 0: a failed child is never restarted
                Job object = new JobBuilder()
                        .withMetadata(PodTemplate.metadata(name, request, session, parent))
                        .withNewSpec()
                            .withBackoffLimit(0)
                            .withTtlSecondsAfterFinished(settings.ttlAfterFinished())
                            .withNewTemplate()
                                .withMetadata(PodTemplate.metadata(null, request, session, parent))
                                .withSpec(PodTemplate.spec(request, settings, sizes))
                            .endTemplate()
                        .endSpec()
                        .build();
                client.batch().v1().jobs().inNamespace(namespace).resource(object).create();
            } else {
                Pod pod = new PodBuilder()
                        .withMetadata(PodTemplate.metadata(name, request, session, parent))
                        .withSpec(PodTemplate.spec(request, settings, sizes))
                        .build();
                client.pods().inNamespace(namespace).resource(pod).create();
            }
        } catch (KubernetesClientException e) {
            processes.remove(name);
            throw new LaunchException(apiError(e, "create", job ? "jobs" : "pods", namespace), e);
        }
        long created = System.nanoTime();
        try {
            awaitRunning(process, settings);
            long running = System.nanoTime();
            attach(process, request, namespace);
            if (LOGGER.isDebugEnabled()) {
                LOGGER.debug("started process '{}' as pod {} in {} ms: create {}, until running {}, attach until its pid {}",
                        request.processName(), process.objectName(), millis(t0, System.nanoTime()), millis(t0, created),
                        millis(created, running), millis(running, System.nanoTime()));
            }
            return process;
        } catch (LaunchException e) {
            process.deletePod(0L);
            throw e;
        }
    }

    private static long millis(long from, long to) {
        return TimeUnit.NANOSECONDS.toMillis(to - from);
    }

    private void awaitRunning(PodProcess process, KubernetesSettings settings) throws LaunchException {
        try {
            process.started.get(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new LaunchException("pod " + process.objectName() + " did not start within " + settings.startTimeout().toSeconds()
                    + " s (" + process.pendingReason() + "): check the cluster's capacity, the node selector and"
                    + " tolerations, or raise kubernetes.startTimeout", e);
        } catch (ExecutionException e) {
            throw new LaunchException("pod " + process.objectName() + " cannot start: " + e.getCause().getMessage()
                    + (e.getCause().getMessage().contains("Pull") ? "; make image " + settings.image()
                    + " available on the nodes, or set kubernetes.image" : ""), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted while pod " + process.objectName() + " started", e);
        }
    }

    private void attach(PodProcess process, LaunchRequest request, String namespace) throws LaunchException {
        ExecWatch watch;
        try {
            watch = client.pods().inNamespace(namespace).withName(process.podName()).inContainer(PodTemplate.CONTAINER)
                    .redirectingInput()
                    .writingOutput(process.out)
                    .writingError(process.err)
                    .usingListener(process.sessionListener())
                    .attach();
        } catch (KubernetesClientException e) {
            throw new LaunchException(apiError(e, "create", "pods/attach", namespace), e);
        }
        try {
            OutputStream in = watch.getInput();
            // one byte releases the start script (nothing it prints before this launcher listens
            // is lost), which copies the jars, then prints the JVM's pid as the JVM starts
            in.write(0);
            if (!"image".equals(request.options().get("code"))) {
                for (Path jar : request.classPath()) {
                    in.write(Files.readAllBytes(jar));
                }
            }
            in.write(request.standardInput());
            in.flush();
            long pid = process.pidFromScript.get(PID_SECONDS, TimeUnit.SECONDS);
            process.attached(watch, pid, started.incrementAndGet());
            return;
        } catch (ExecutionException e) {
            watch.close();
            throw new LaunchException("pod " + process.podName() + " did not start its JVM: " + e.getCause().getMessage()
                    + ": the image needs sh, head and java on its PATH", e.getCause());
        } catch (TimeoutException e) {
            watch.close();
            throw new LaunchException("pod " + process.podName() + " did not report its pid within " + PID_SECONDS
                    + " s of the attach: check that the cluster allows attaching (pods/attach)", e);
        } catch (IOException e) {
            watch.close();
            throw new LaunchException("could not write to pod " + process.podName() + "'s standard input: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            watch.close();
            throw new LaunchException("interrupted while pod " + process.podName() + " started", e);
        }
    }

    /** Starts the watch on this session's pods in a namespace, once. */
    private void watch(String namespace) throws LaunchException {
        if (informers.containsKey(namespace)) {
            return;
        }
        synchronized (informers) {
            if (informers.containsKey(namespace)) {
                return;
            }
            Object found;
            try {
                found = client.namespaces().withName(namespace).get();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 403) {
                    throw new LaunchException(apiError(e, "get", "namespaces", namespace), e);
                }
                // a user who may not read namespaces learns of a missing one from the pod's create
                found = namespace;
            }
            if (found == null) {
                throw new LaunchException("namespace '" + namespace + "' does not exist: create it or set"
                        + " kubernetes.namespace");
            }
            SharedIndexInformer<Pod> informer = client.pods().inNamespace(namespace)
                    .withLabel(PodTemplate.SESSION_LABEL, session).runnableInformer(0);
            try {
                informer.addEventHandler(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                        dispatch(pod, false);
                    }

                    @Override
                    public void onUpdate(Pod before, Pod pod) {
                        dispatch(pod, false);
                    }

                    @Override
                    public void onDelete(Pod pod, boolean finalStateUnknown) {
                        dispatch(pod, true);
                    }
                });
                // once it has started, it lists and watches again for as long as the API server is
                // away (restarted, or the network cut): by default it would stop for good, and no
                // child's end would be seen any more
                informer.exceptionHandler((started, failure) -> {
                    if (started) {
                        LOGGER.debug("the watch of this session's pods in namespace '{}' failed ({}): trying again",
                                namespace, failure.toString());
                    }
                    return started;
                });
                informer.start().toCompletableFuture().get(WATCH_START_SECONDS, TimeUnit.SECONDS);
                informers.put(namespace, informer);
            } catch (ExecutionException e) {
                informer.close();
                Throwable cause = e.getCause();
                if (cause instanceof KubernetesClientException failure) {
                    throw new LaunchException(apiError(failure, "list and watch", "pods", namespace), failure);
                }
                throw new LaunchException("could not list and watch pods in namespace '" + namespace + "': " + cause, cause);
            } catch (TimeoutException e) {
                informer.close();
                throw new LaunchException("the Kubernetes API server did not list this session's pods in namespace '"
                        + namespace + "' within " + WATCH_START_SECONDS + " s", e);
            } catch (InterruptedException e) {
                informer.close();
                Thread.currentThread().interrupt();
                throw new LaunchException("interrupted while starting the watch of pods in namespace '" + namespace + "'", e);
            }
        }
    }

    private void dispatch(Pod pod, boolean deleted) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        String name = labels != null && labels.containsKey("job-name") ? labels.get("job-name") : pod.getMetadata().getName();
        PodProcess process = processes.get(name);
        if (process == null) {
            return;
        }
        if (deleted) {
            process.deleted(pod);
            processes.remove(name);
        } else {
            process.update(pod);
        }
    }

    /**
     * Removes, once per namespace and in the background, ended pods of this launcher whose parent
     * (host, pid and start time in their annotations) no longer runs on this host: what a killed
     * parent left. Running pods are left alone: a non-daemon child outlives its parent.
     */
    private void sweepLeftovers(String namespace) {
        if (leftoversSwept.getAndIncrement() > 0) {
            return;
        }
        String host = parent.get(PodTemplate.PARENT_HOST_ANNOTATION);
        background.execute(() -> {
            try {
                for (Pod pod : client.pods().inNamespace(namespace)
                        .withLabel(PodTemplate.MANAGED_LABEL, PodTemplate.MANAGED_VALUE).list().getItems()) {
                    Map<String, String> annotations = pod.getMetadata().getAnnotations();
                    String phase = pod.getStatus() == null ? "" : pod.getStatus().getPhase();
                    if (annotations == null || !host.equals(annotations.get(PodTemplate.PARENT_HOST_ANNOTATION))
                            || !("Succeeded".equals(phase) || "Failed".equals(phase))
                            || session.equals(pod.getMetadata().getLabels().get(PodTemplate.SESSION_LABEL))
                            || parentAlive(annotations)) {
                        continue;
                    }
                    LOGGER.info("removing pod {}, left by a parent that ended (pid {})", pod.getMetadata().getName(),
                            annotations.get(PodTemplate.PARENT_PID_ANNOTATION));
                    client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).withGracePeriod(0L).delete();
                }
            } catch (KubernetesClientException e) {
                LOGGER.debug("could not look for leftover pods in {}: {}", namespace, e.getMessage());
            }
        });
    }

    /**
     * How far apart two readings of one parent's start time may be: a JVM derives it from the
     * boot time in whole seconds, which moves when the wall clock is adjusted, so two JVMs may
     * disagree on a live parent's start. A pid reused within this time only keeps its pods until a
     * later session.
     */
    private static final long PARENT_START_TOLERANCE_MILLIS = 60_000;

    private static boolean parentAlive(Map<String, String> annotations) {
        try {
            long pid = Long.parseLong(annotations.get(PodTemplate.PARENT_PID_ANNOTATION));
            String recorded = annotations.get(PodTemplate.PARENT_START_ANNOTATION);
            if (recorded == null || recorded.isEmpty()) {
                return ProcessHandle.of(pid).isPresent();
            }
            long recordedStart = Long.parseLong(recorded);
            return ProcessHandle.of(pid).map(handle -> handle.info().startInstant()
                    .map(start -> Math.abs(start.toEpochMilli() - recordedStart) <= PARENT_START_TOLERANCE_MILLIS)
                    .orElse(true)).orElse(false);
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static Map<String, String> parentAnnotations() {
        Map<String, String> annotations = new LinkedHashMap<>();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        ProcessHandle self = ProcessHandle.current();
        annotations.put(PodTemplate.PARENT_HOST_ANNOTATION, host);
        annotations.put(PodTemplate.PARENT_PID_ANNOTATION, Long.toString(self.pid()));
        self.info().startInstant().ifPresent(start ->
                annotations.put(PodTemplate.PARENT_START_ANNOTATION, Long.toString(start.toEpochMilli())));
        return annotations;
    }

    /** One sentence for an API error: a missing namespace, a verb RBAC forbids, an unreachable server. */
    String apiError(KubernetesClientException e, String verb, String resource, String namespace) {
        int code = e.getCode();
        if (code <= 0 && hasCause(e, IOException.class)) {
            // no HTTP answer at all: the server is down, restarting or unreachable
            return "no Kubernetes API server answers at " + client.getConfiguration().getMasterUrl() + " to " + verb + " "
                    + resource + " in namespace '" + namespace + "' (" + rootMessage(e) + "): the cluster may be down or"
                    + " restarting; nothing was started";
        }
        if (code == 403) {
            return "Kubernetes forbids this user to " + verb + " " + resource + " in namespace '" + namespace
                    + "' (RBAC): grant it that verb on that resource (the launcher's README lists what it needs)";
        }
        if (code == 404 && resource.equals("pods")) {
            return "namespace '" + namespace + "' does not exist: create it or set kubernetes.namespace";
        }
        if (code == 401) {
            return "the Kubernetes API server does not accept this client's credentials: check KUBECONFIG";
        }
        if (code == 422 || code == 400) {
            return "Kubernetes rejected the pod: " + e.getStatus().getMessage();
        }
        return "the Kubernetes API failed to " + verb + " " + resource + " in namespace '" + namespace + "' ("
                + rootMessage(e) + ")";
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root;
    }

    /**
     * Stops watching, lets the deletions already asked for reach the API server (for at most
     * {@value #CLOSE_WAIT_SECONDS} s: at a parent's exit they are what removes its ended pods),
     * then closes the client.
     */
    @Override
    public void close() {
        informers.values().forEach(SharedIndexInformer::close);
        informers.clear();
        background.shutdown();
        try {
            if (!background.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOGGER.debug("requests to the API server still ran {} s after the launcher closed: abandoned",
                        CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
