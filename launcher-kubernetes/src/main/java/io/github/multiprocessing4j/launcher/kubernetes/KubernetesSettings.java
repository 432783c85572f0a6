package io.github.multiprocessing4j.launcher.kubernetes;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The launcher's settings for one request: each from the launcher option
 * {@code kubernetes.<name>}, else the system property {@code multiprocessing4j.kubernetes.<name>},
 * else the environment variable {@code MULTIPROCESSING4J_KUBERNETES_<NAME>}, else the default.
 *
 * @param namespace where the pods go; default: the client configuration's namespace
 * @param image the image, which needs a JRE and {@code sh}, {@code head} and {@code kill}
 * @param imagePullPolicy {@code IfNotPresent}, {@code Always} or {@code Never}
 * @param hostNetwork whether pods share the node's network (then they reach a parent on the node's
 *     loopback address)
 * @param runAsUser the uid the child runs as: never root
 * @param cpu the CPU request and limit, empty for none ({@code 500m}, {@code 1})
 * @param memory the memory request and limit, empty for none ({@code 512Mi})
 * @param nodeSelector labels the node must have
 * @param tolerations taints tolerated, as {@code key[=value]:Effect}
 * @param startTimeout how long a pod may take to get its container running (scheduling and image
 *     included) before {@code start()} fails (SPEC R4)
 * @param attachWindow how long a pod's container, once it runs, waits for its parent to attach
 *     before it ends by itself with 125: a pod whose parent was killed (or lost the API server)
 *     while it started is then removed within SPEC R3's 30 s with {@code workload=job}
 * @param gracePeriod the termination grace period: how long {@code terminate()} waits for the
 *     child to end after SIGTERM before Kubernetes kills it
 * @param workload {@code job} (a Job with backoffLimit 0 and ttlSecondsAfterFinished, whose pod is
 *     removed by Kubernetes once finished, even when the parent was killed) or {@code pod}
 * @param ttlAfterFinished the Job's ttlSecondsAfterFinished
 * @param mounts node directories mounted read-write at the same path ({@code hostPath}): only for a
 *     parent on the pods' node (a single-node cluster, tests); never needed for code or the channel
 * @param codeCache a node directory (hostPath) where pods keep shipped class path files between
 *     pods, writable by {@code runAsUser}; empty: each pod's own {@code /tmp}
 */
record KubernetesSettings(
        String namespace,
        String image,
        String imagePullPolicy,
        boolean hostNetwork,
        long runAsUser,
        String cpu,
        String memory,
        Map<String, String> nodeSelector,
        List<String> tolerations,
        Duration startTimeout,
        Duration attachWindow,
        long gracePeriod,
        String workload,
        int ttlAfterFinished,
        List<String> mounts,
        String codeCache) {

    static final String PREFIX = "kubernetes.";

    static KubernetesSettings of(Map<String, String> options, UnaryOperator<String> properties,
                                 UnaryOperator<String> environment, String defaultNamespace) {
        UnaryOperator<String> get = name -> {
            String value = options.get(PREFIX + name);
            if (value == null || value.isBlank()) {
                value = properties.apply("multiprocessing4j." + PREFIX + name);
            }
            if (value == null || value.isBlank()) {
                value = environment.apply("MULTIPROCESSING4J_KUBERNETES_" + name.toUpperCase(java.util.Locale.ROOT));
            }
            return value == null || value.isBlank() ? null : value.trim();
        };
        String namespace = or(get.apply("namespace"), defaultNamespace == null ? "default" : defaultNamespace);
        String image = or(get.apply("image"), "multiprocessing4j/jre:" + Runtime.version().feature());
        String pull = or(get.apply("imagePullPolicy"), "IfNotPresent");
        if (!List.of("IfNotPresent", "Always", "Never").contains(pull)) {
            throw new IllegalArgumentException("kubernetes.imagePullPolicy is '" + pull
                    + "': use IfNotPresent, Always or Never");
        }
        boolean hostNetwork = Boolean.parseBoolean(or(get.apply("hostNetwork"), "false"));
        long user = parseLong("runAsUser", or(get.apply("runAsUser"), "65534"));
        if (user == 0) {
            throw new IllegalArgumentException("kubernetes.runAsUser is 0: a child never runs as root");
        }
        Map<String, String> selector = new LinkedHashMap<>();
        String selectorText = get.apply("nodeSelector");
        if (selectorText != null) {
            for (String pair : selectorText.split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("kubernetes.nodeSelector '" + selectorText
                            + "': use key=value,key=value");
                }
                selector.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        String tolerationText = get.apply("tolerations");
        List<String> tolerations = tolerationText == null ? List.of() : List.of(tolerationText.split(","));
        for (String toleration : tolerations) {
            if (!toleration.contains(":")) {
                throw new IllegalArgumentException("kubernetes.tolerations '" + tolerationText
                        + "': use key[=value]:Effect, separated by commas");
            }
        }
        Duration startTimeout = Duration.ofSeconds(parseLong("startTimeout", or(get.apply("startTimeout"), "60")));
        Duration attachWindow = Duration.ofSeconds(parseLong("attachWindow", or(get.apply("attachWindow"), Long.toString(PodTemplate.ATTACH_WINDOW.toSeconds()))));
        if (attachWindow.toSeconds() < 1) {
            throw new IllegalArgumentException("kubernetes.attachWindow is " + attachWindow.toSeconds()
                    + ": give at least 1 (seconds)");
        }
        long grace = parseLong("gracePeriod", or(get.apply("gracePeriod"), "30"));
        String workload = or(get.apply("workload"), "pod");
        if (!workload.equals("pod") && !workload.equals("job")) {
            throw new IllegalArgumentException("kubernetes.workload is '" + workload + "': use pod or job");
        }
        int ttl = (int) parseLong("ttlAfterFinished", or(get.apply("ttlAfterFinished"), "0"));
        String mountText = get.apply("mounts");
        List<String> mounts = mountText == null ? List.of() : List.of(mountText.split(":"));
        String cache = get.apply("codeCache");
        if (cache != null && (!cache.startsWith("/") || cache.equals("/"))) {
            throw new IllegalArgumentException("kubernetes.codeCache '" + cache + "': give an absolute directory other than /");
        }
        for (String mount : mounts) {
            if (!mount.startsWith("/") || mount.equals("/")) {
                throw new IllegalArgumentException("kubernetes.mounts '" + mountText
                        + "': give absolute directories other than /, separated by ':'");
            }
        }
        return new KubernetesSettings(namespace, image, pull, hostNetwork, user, or(get.apply("cpu"), ""),
                or(get.apply("memory"), ""), Map.copyOf(selector), tolerations, startTimeout, attachWindow, grace, workload, ttl, mounts,
                or(get.apply("codeCache"), ""));
    }

    private static String or(String value, String fallback) {
        return value == null ? fallback : value;
    }

    private static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("kubernetes." + name + " is '" + value + "': give a whole number");
        }
    }
}
