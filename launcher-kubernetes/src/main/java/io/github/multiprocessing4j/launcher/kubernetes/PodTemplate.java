package io.github.multiprocessing4j.launcher.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.github.multiprocessing4j.spi.LaunchRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * What a child's pod is made of, as a pure function of the request and the settings: its
 * metadata, its spec, and the bytes its standard input gets (SPEC R1, R2).
 *
 * <p>The container runs {@code sh -c <script> mp4j <java arguments...>}. The script waits for one
 * byte on standard input (so that nothing it prints is lost before the launcher has attached),
 * copies each bootstrap jar from standard input into {@code /tmp/mp4j-boot} with {@code head -c
 * <size>}, which reads no more than it is told, then runs {@code java} (see {@link #RUN_JAVA}),
 * which prints its pid on stderr as {@value #PID_MARKER}{@code <pid>} first (the launcher
 * consumes that line) and reads its secret and certificate pin from what is left. None of those
 * bytes is in the spec.
 */
final class PodTemplate {

    /** The line the script prints on stderr before anything else: the child's pid follows. */
    static final String PID_MARKER = "multiprocessing4j-pid ";
    static final String CONTAINER = "main";
    static final String LABEL_PREFIX = "io.github.multiprocessing4j/";
    static final String MANAGED_LABEL = "app.kubernetes.io/managed-by";
    static final String MANAGED_VALUE = "multiprocessing4j";
    static final String SESSION_LABEL = LABEL_PREFIX + "session";
    static final String PROCESS_LABEL = LABEL_PREFIX + "process-name";
    static final String DAEMON_LABEL = LABEL_PREFIX + "daemon";
    static final String PARENT_HOST_ANNOTATION = LABEL_PREFIX + "parent-host";
    static final String PARENT_PID_ANNOTATION = LABEL_PREFIX + "parent-pid";
    static final String PARENT_START_ANNOTATION = LABEL_PREFIX + "parent-start";
    private static final String BOOT_DIRECTORY = "/tmp/mp4j-boot";
    /**
     * Where an image may hold a CDS archive of the JDK classes that a child loads before its task
     * (TLS, HMAC, object streams, a class loader over a jar): the script gives it to the JVM when
     * the file is there and the request chose no archive of its own. This project's image has one
     * ({@code .ci/build-jre-image.sh}); it saves a pod's JVM loading about a thousand classes one
     * by one. The archive must come from the image's own JVM, which checks that and, if it does
     * not match, runs without it.
     */
    static final String IMAGE_CDS_ARCHIVE = "/usr/lib/multiprocessing4j/jdk-classes.jsa";
    /** The default of {@code kubernetes.attachWindow}: how long a running pod waits for its parent to attach. */
    static final Duration ATTACH_WINDOW = Duration.ofSeconds(20);

    /**
     * What the script prints on stderr after the JVM has ended, as its last bytes: its exit status
     * follows, then a newline. It starts with a control character that no line of text has, and
     * may follow an unfinished line of the JVM's.
     */
    static final String EXIT_MARKER = "\u0001multiprocessing4j-exit ";

    /**
     * How the script runs {@code java}. Where the image's {@code env} can reset signal
     * dispositions (GNU coreutils 8.31 and later), the shell starts the JVM in the background
     * and waits for it, so that it can print the JVM's exit status ({@link #EXIT_MARKER}) the
     * moment it ends: the pod's status says so up to a second later. It passes SIGTERM, SIGINT
     * and SIGHUP on to the JVM (a deletion signals the shell, the container's first process),
     * and {@code env} undoes the SIGINT and SIGQUIT that a shell ignores in a background job
     * (the JVM could not handle SIGINT otherwise), and hands the JVM its own standard input, which a
 * background job would not get. Elsewhere the shell becomes the JVM ({@code
     * exec}), and the pod's status gives the end. Either way a second shell prints the JVM's pid
     * ({@link #PID_MARKER}), then becomes the JVM.
     */
    private static final String RUN_JAVA = "if env --default-signal=INT,QUIT true 2>/dev/null; then"
            + " trap 'kill -TERM $p 2>/dev/null' TERM; trap 'kill -INT $p 2>/dev/null' INT;"
            + " trap 'kill -HUP $p 2>/dev/null' HUP;"
            + " exec 3<&0; env --default-signal=INT,QUIT sh -c 'echo \"" + PID_MARKER + "$$\" >&2; exec java \"$@\"'"
            + " mp4j \"$@\" <&3 3<&- & p=$!; exec 3<&-; wait $p; s=$?; while kill -0 $p 2>/dev/null; do wait $p; s=$?; done;"
            + " printf '\\001" + EXIT_MARKER.substring(1) + "%s\\n' $s >&2; exit $s;"
            + " else echo \"" + PID_MARKER + "$$\" >&2; exec java \"$@\"; fi";

    private PodTemplate() {
    }

    /** A pod's metadata: a DNS-1123 name from the process name, labels, and the parent's identity. */
    static ObjectMeta metadata(String podName, LaunchRequest request, String session, Map<String, String> parent) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_LABEL, MANAGED_VALUE);
        labels.put(SESSION_LABEL, session);
        labels.put(PROCESS_LABEL, labelValue(request.processName()));
        labels.put(DAEMON_LABEL, Boolean.toString(request.daemon()));
        return new ObjectMetaBuilder().withName(podName).withLabels(labels).withAnnotations(parent).build();
    }

    /**
     * A pod name: {@code mp4j-<process name reduced to [a-z0-9-]>-<suffix>}, at most 63 characters.
     *
     * @param processName the process name
     * @param suffix a unique suffix (lower-case hex)
     */
    static String podName(String processName, String suffix) {
        String reduced = processName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        int room = 63 - "mp4j--".length() - suffix.length();
        if (reduced.length() > room) {
            reduced = reduced.substring(0, room).replaceAll("-+$", "");
        }
        return reduced.isEmpty() ? "mp4j-" + suffix : "mp4j-" + reduced + "-" + suffix;
    }

    /** A label value: at most 63 characters of [A-Za-z0-9_.-], starting and ending alphanumeric. */
    static String labelValue(String text) {
        String reduced = text.replaceAll("[^A-Za-z0-9_.-]+", "_");
        if (reduced.length() > 63) {
            reduced = reduced.substring(0, 63);
        }
        return reduced.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
    }

    /** The pod's spec (SPEC R1: hardened, nothing secret in it). */
    static PodSpec spec(LaunchRequest request, KubernetesSettings settings, List<Long> bootstrapSizes) {
        Map<String, Quantity> limits = new LinkedHashMap<>();
        if (!settings.cpu().isEmpty()) {
            limits.put("cpu", new Quantity(settings.cpu()));
        }
        if (!settings.memory().isEmpty()) {
            limits.put("memory", new Quantity(settings.memory()));
        }
        List<EnvVar> env = new ArrayList<>();
        request.environment().forEach((k, v) -> env.add(new EnvVar(k, v, null)));
        if (!request.environment().containsKey("LANG") && !request.environment().containsKey("LC_ALL")) {
            // a child writes non-ASCII output as UTF-8 whatever the image's locale
            env.add(new EnvVar("LANG", "C.UTF-8", null));
        }
        List<VolumeMount> mounts = new ArrayList<>(List.of(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build()));
        List<Volume> volumes = new ArrayList<>(List.of(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build()));
        for (int i = 0; i < settings.mounts().size(); i++) {
            String path = settings.mounts().get(i);
            mounts.add(new VolumeMountBuilder().withName("mount-" + i).withMountPath(path).build());
            volumes.add(new VolumeBuilder().withName("mount-" + i).withNewHostPath().withPath(path).withType("Directory")
                    .endHostPath().build());
        }
        if (!settings.codeCache().isEmpty()) {
            mounts.add(new VolumeMountBuilder().withName("code-cache").withMountPath(settings.codeCache()).build());
            volumes.add(new VolumeBuilder().withName("code-cache").withNewHostPath().withPath(settings.codeCache())
                    .withType("Directory").endHostPath().build());
        }
        Container container = new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(settings.image())
                .withImagePullPolicy(settings.imagePullPolicy())
                .withCommand(escapeExpansion(command(request, bootstrapSizes, settings.codeCache(),
                        settings.attachWindow())))
                .withEnv(env)
                .withStdin(true)
                .withStdinOnce(true)
                .withTty(false)
                .withNewSecurityContext()
                    .withRunAsNonRoot(true)
                    .withRunAsUser(settings.runAsUser())
                    .withRunAsGroup(settings.runAsUser())
                    .withAllowPrivilegeEscalation(false)
                    .withPrivileged(false)
                    .withReadOnlyRootFilesystem(true)
                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext()
                .withResources(new ResourceRequirementsBuilder().withLimits(limits).withRequests(limits).build())
                .withVolumeMounts(mounts)
                .build();
        List<Toleration> tolerations = new ArrayList<>();
        for (String text : settings.tolerations()) {
            int colon = text.lastIndexOf(':');
            String keyValue = text.substring(0, colon).trim();
            String effect = text.substring(colon + 1).trim();
            int eq = keyValue.indexOf('=');
            TolerationBuilder toleration = new TolerationBuilder().withEffect(effect.isEmpty() ? null : effect);
            if (eq < 0) {
                toleration.withKey(keyValue).withOperator("Exists");
            } else {
                toleration.withKey(keyValue.substring(0, eq)).withOperator("Equal").withValue(keyValue.substring(eq + 1));
            }
            tolerations.add(toleration.build());
        }
        return new PodSpecBuilder()
                .withRestartPolicy("Never")
                .withHostNetwork(settings.hostNetwork())
                // signals reach the JVM as an ordinary process, not as its namespace's init, which
                // would ignore a SIGTERM that lands before the JVM's handler, and a SIGKILL sent
                // from inside (kill() execs 'kill -KILL <pid>' in the container)
                .withShareProcessNamespace(true)
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withTerminationGracePeriodSeconds(settings.gracePeriod())
                .withNodeSelector(settings.nodeSelector().isEmpty() ? null : settings.nodeSelector())
                .withTolerations(tolerations)
                .withNewSecurityContext().withRunAsNonRoot(true).endSecurityContext()
                .withVolumes(volumes)
                .withContainers(container)
                .build();
    }

    /**
     * The command as Kubernetes must be given it: it expands {@code $(NAME)} in a container's
     * command from the environment, and turns {@code $$} into {@code $}; every {@code $} is doubled
     * so that the script's {@code $$} and a user's argument reach the container unchanged.
     */
    static List<String> escapeExpansion(List<String> command) {
        return command.stream().map(word -> word.replace("$", "$$")).toList();
    }

    /** {@code sh -c <script> mp4j <java> <options> -cp <class path> <main> <arguments>}. */
    static List<String> command(LaunchRequest request, List<Long> bootstrapSizes) {
        return command(request, bootstrapSizes, "", ATTACH_WINDOW);
    }

    /**
     * The container's command. Its script waits for the parent's release byte on stdin for at
     * most {@code releaseWithin} from the container's start (where the image has {@code timeout}):
     * a pod whose parent never attached (it was killed, or the API server went away, while the pod
     * started) ends by itself with 125 instead of waiting for ever, and Kubernetes (a Job's TTL) or
     * the next session's clean-up removes it. The parent attaches within about a second of the
     * container's start (the kubelet's next look, then one round trip).
     */
    static List<String> command(LaunchRequest request, List<Long> bootstrapSizes, String codeCache, Duration releaseWithin) {
        return command(request, bootstrapSizes, codeCache, releaseWithin, IMAGE_CDS_ARCHIVE);
    }

    /** The same, with the image's CDS archive looked for at {@code cdsArchive}. */
    static List<String> command(LaunchRequest request, List<Long> bootstrapSizes, String codeCache, Duration releaseWithin,
            String cdsArchive) {
        long seconds = Math.max(1, releaseWithin.toSeconds());
        StringBuilder script = new StringBuilder("if command -v timeout >/dev/null 2>&1; then timeout " + seconds
                + " head -c 1 >/dev/null || { echo \"multiprocessing4j: no parent attached within " + seconds
                + " s\" >&2; exit 125; }; else head -c 1 >/dev/null; fi");
        StringJoiner classPath = new StringJoiner(":");
        if (bootstrapSizes.isEmpty()) {
            request.classPath().forEach(entry -> classPath.add(entry.toString()));
        } else {
            script.append(" && mkdir -p ").append(BOOT_DIRECTORY);
            for (int i = 0; i < bootstrapSizes.size(); i++) {
                String file = BOOT_DIRECTORY + "/" + i + ".jar";
                script.append(" && head -c ").append(bootstrapSizes.get(i)).append(" > ").append(file);
                classPath.add(file);
            }
        }
        if (request.jvmOptions().stream().noneMatch(PodTemplate::choosesClassDataSharing)) {
            script.append(" && if [ -r ").append(cdsArchive).append(" ]; then set -- -XX:SharedArchiveFile=")
                    .append(cdsArchive).append(" \"$@\"; fi");
        }
        script.append(" && ").append(RUN_JAVA);
        List<String> command = new ArrayList<>(List.of("sh", "-c", script.toString(), "mp4j"));
        command.add("-Djava.io.tmpdir=/tmp");
        if (!codeCache.isEmpty()) {
            command.add("-Dmultiprocessing4j.code.cache=" + codeCache);
        }
        command.addAll(request.jvmOptions());
        if (classPath.length() > 0) {
            command.add("-cp");
            command.add(classPath.toString());
        }
        command.add(request.mainClass());
        command.addAll(request.arguments());
        return command;
    }

    /** Whether a JVM option of the request decides class data sharing itself. */
    static boolean choosesClassDataSharing(String option) {
        return option.startsWith("-Xshare") || option.startsWith("-XX:SharedArchiveFile")
                || option.startsWith("-XX:AOTCache") || option.startsWith("-XX:AOTMode")
                || option.contains("UseSharedSpaces") || option.startsWith("-XX:ArchiveClassesAtExit");
    }

    /**
     * The sizes of the bootstrap jars to copy, or an empty list when the image holds the class
     * path ({@code code=image}).
     */
    static List<Long> bootstrapSizes(LaunchRequest request) throws IOException {
        if ("image".equals(request.options().get("code"))) {
            return List.of();
        }
        List<Long> sizes = new ArrayList<>();
        for (Path entry : request.classPath()) {
            sizes.add(Files.size(entry));
        }
        return sizes;
    }
}
