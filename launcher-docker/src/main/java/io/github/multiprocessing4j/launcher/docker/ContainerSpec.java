package io.github.multiprocessing4j.launcher.docker;

import io.github.multiprocessing4j.spi.LaunchException;
import io.github.multiprocessing4j.spi.LaunchRequest;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * What a container for a {@link LaunchRequest} looks like, as pure functions of the request and
 * the settings: the image, the name, the bind mounts, the command, the environment and the
 * labels. Nothing here talks to the engine.
 */
final class ContainerSpec {

    /** The launcher option that names the image. */
    static final String IMAGE_OPTION = "docker.image";
    /** The system property that names the image. */
    static final String IMAGE_PROPERTY = "multiprocessing4j.docker.image";
    /** The environment variable that names the image. */
    static final String IMAGE_ENVIRONMENT = "MULTIPROCESSING4J_DOCKER_IMAGE";
    /** The launcher option that lists extra host directories to mount read-write. */
    static final String MOUNTS_OPTION = "docker.mounts";
    /** The system property that lists extra host directories to mount read-write. */
    static final String MOUNTS_PROPERTY = "multiprocessing4j.docker.mounts";

    /** The label every container of this launcher carries, with the value {@code true}. */
    static final String LABEL = "io.github.multiprocessing4j";
    static final String LABEL_SESSION = LABEL + ".session";
    static final String LABEL_PROCESS_NAME = LABEL + ".process-name";
    static final String LABEL_PARENT_PID = LABEL + ".parent-pid";
    static final String LABEL_PARENT_START = LABEL + ".parent-start";
    static final String LABEL_DAEMON = LABEL + ".daemon";

    /** Where the container gets a fresh tmpfs, so that its root file system can stay read-only. */
    static final String TMP = "/tmp";

    private static final String NAME_PREFIX = "mp4j-";
    private static final int MAX_NAME_PART = 64;
    /** Directories the container runtime owns: a bind below them cannot work. */
    private static final List<String> RUNTIME_DIRECTORIES = List.of("/proc", "/sys", "/dev");
    /** Where the session's shared-memory directory lives, which a container may mount below. */
    private static final String SHARED_MEMORY = "/dev/shm";
    /** Locale variables: if the image or the request sets none, the child gets {@code LANG=C.UTF-8}. */
    private static final List<String> LOCALE_VARIABLES = List.of("LANG", "LC_ALL", "LC_CTYPE");

    private ContainerSpec() {
    }

    /**
     * A host path mounted into the container at the same absolute path.
     *
     * @param path the absolute path, on the host and in the container
     * @param readOnly whether the container may only read it
     */
    record HostMount(String path, boolean readOnly) {
    }

    /**
     * The image to run: the launcher option, else the system property, else the environment
     * variable, else {@code eclipse-temurin:<feature>-jre}.
     *
     * @param options the request's launcher options
     * @param properties system properties by name (null when unset)
     * @param environment environment variables by name (null when unset)
     * @param javaFeature the parent's Java feature version, for the default image
     * @return the image reference, never blank
     */
    static String image(Map<String, String> options, UnaryOperator<String> properties,
                        UnaryOperator<String> environment, int javaFeature) {
        return images(options, properties, environment, javaFeature).get(0);
    }

    /**
     * The images to try, in order: the one named (option, property, environment), alone; or, when
     * none is named, the official {@code eclipse-temurin:<feature>-jre}, then
     * {@code multiprocessing4j/jre:<feature>}, the image this project's
     * {@code .ci/build-jre-image.sh} builds where no registry can be reached.
     *
     * @param options the request's launcher options
     * @param properties system properties by name (null when unset)
     * @param environment environment variables by name (null when unset)
     * @param javaFeature the parent's Java feature version, for the default images
     * @return the candidates, never empty
     */
    static List<String> images(Map<String, String> options, UnaryOperator<String> properties,
                               UnaryOperator<String> environment, int javaFeature) {
        for (String candidate : new String[] {options.get(IMAGE_OPTION), properties.apply(IMAGE_PROPERTY),
                environment.apply(IMAGE_ENVIRONMENT)}) {
            if (candidate != null && !candidate.isBlank()) {
                return List.of(candidate.trim());
            }
        }
        return List.of("eclipse-temurin:" + javaFeature + "-jre", "multiprocessing4j/jre:" + javaFeature);
    }

    /**
     * A container name: {@code mp4j-<process name>-<suffix>}, the process name reduced to the
     * characters Docker allows ({@code [a-zA-Z0-9_.-]}, others become {@code _}) and shortened.
     *
     * @param processName the process's name
     * @param suffix a random suffix that makes the name unique (8 hex characters)
     * @return the name
     */
    static String containerName(String processName, String suffix) {
        StringBuilder part = new StringBuilder();
        processName.codePoints().limit(MAX_NAME_PART).forEach(c -> part.append(
                (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'
                        ? (char) c : '_'));
        return NAME_PREFIX + part + "-" + suffix;
    }

    /**
     * The bind mounts: every read-only path, and every class path entry that exists and is not
     * inside one, read-only; every shared path and extra mount, read-write; each at its own
     * absolute path. A path mounted twice is mounted once, read-write if any use needs it.
     *
     * @param classPath the class path entries (missing ones are skipped)
     * @param readOnlyPaths further paths the child must read (its start cache)
     * @param sharedPaths the paths the child must read and write
     * @param extraMounts further paths the user asked to share read-write
     * @return the mounts, in the order first seen
     * @throws LaunchException if a path cannot be a bind mount at the same path (relative on a
     *     non-Unix host, the root, or below {@code /proc}, {@code /sys} or {@code /dev}, except a
     *     directory inside {@code /dev/shm}: the session's shared memory), or a
     *     shared or extra path does not exist
     */
    static List<HostMount> mounts(List<Path> classPath, List<Path> readOnlyPaths, List<Path> sharedPaths,
                                  List<Path> extraMounts) throws LaunchException {
        Map<String, HostMount> byPath = new LinkedHashMap<>();
        List<Path> readOnly = new ArrayList<>();
        for (Path entry : readOnlyPaths) {
            Path absolute = entry.toAbsolutePath().normalize();
            if (!Files.exists(absolute)) {
                throw new LaunchException("the path " + absolute + " that the child must read does not exist on this"
                        + " host");
            }
            String path = bindable(absolute, "read-only path");
            byPath.putIfAbsent(path, new HostMount(path, true));
            readOnly.add(absolute);
        }
        for (Path entry : classPath) {
            Path absolute = entry.toAbsolutePath().normalize();
            if (Files.exists(absolute) && readOnly.stream().noneMatch(absolute::startsWith)) {
                String path = bindable(absolute, "class path entry");
                byPath.putIfAbsent(path, new HostMount(path, true));
            }
        }
        List<Path> writable = new ArrayList<>(sharedPaths);
        writable.addAll(extraMounts);
        for (Path entry : writable) {
            Path absolute = entry.toAbsolutePath().normalize();
            if (!Files.exists(absolute)) {
                throw new LaunchException("the shared path " + absolute + " does not exist on this host: create it, or"
                        + " remove it from the launcher option " + MOUNTS_OPTION + " / system property " + MOUNTS_PROPERTY);
            }
            String path = bindable(absolute, "shared path");
            byPath.put(path, new HostMount(path, false));
        }
        return List.copyOf(byPath.values());
    }

    private static String bindable(Path absolute, String what) throws LaunchException {
        String path = absolute.toString();
        if (File.separatorChar != '/' || !path.startsWith("/")) {
            throw new LaunchException("the " + what + " " + path + " is not an absolute Unix path, so it cannot be mounted"
                    + " into a container at the same path: run the parent on the Docker engine's host, or leave it out");
        }
        // a directory inside /dev/shm is the session's shared memory: the container's own /dev/shm
        // is mounted first, and the directory on top of it, so the child maps the host's files
        boolean sharedMemory = path.startsWith(SHARED_MEMORY + "/") && path.length() > SHARED_MEMORY.length() + 1;
        if (path.equals("/") || !sharedMemory
                && RUNTIME_DIRECTORIES.stream().anyMatch(dir -> path.equals(dir) || path.startsWith(dir + "/"))) {
            throw new LaunchException("the " + what + " " + path + " cannot be mounted into a container at the same path"
                    + " (the container runtime owns it): copy it elsewhere, or leave it out");
        }
        return path;
    }

    /**
     * The extra read-write mounts: the launcher option, else the system property; entries
     * separated by {@link File#pathSeparator}, blanks ignored.
     *
     * @param options the request's launcher options
     * @param properties system properties by name (null when unset)
     * @return the paths, never null
     */
    static List<Path> extraMounts(Map<String, String> options, UnaryOperator<String> properties) {
        String listed = options.containsKey(MOUNTS_OPTION) ? options.get(MOUNTS_OPTION) : properties.apply(MOUNTS_PROPERTY);
        if (listed == null) {
            return List.of();
        }
        return Arrays.stream(listed.split(File.pathSeparator))
                .map(String::trim)
                .filter(entry -> !entry.isEmpty())
                .map(Path::of)
                .toList();
    }

    /**
     * Whether the container should get a tmpfs on {@link #TMP}: unless a mount takes that place.
     *
     * @param mounts the bind mounts
     * @return true if no mount is at {@code /tmp}
     */
    static boolean wantsTmpfs(List<HostMount> mounts) {
        return mounts.stream().noneMatch(mount -> mount.path().equals(TMP));
    }

    /**
     * The command: the image's {@code java}, the JVM options, the class path (absolute, joined
     * with {@code :}), the main class and its arguments.
     *
     * @param request the request
     * @return the command, never empty
     */
    static List<String> command(LaunchRequest request) {
        List<String> command = new ArrayList<>();
        command.add("java");
        command.addAll(request.jvmOptions());
        if (!request.classPath().isEmpty()) {
            command.add("-cp");
            command.add(request.classPath().stream()
                    .map(entry -> entry.toAbsolutePath().normalize().toString())
                    .collect(Collectors.joining(":")));
        }
        command.add(request.mainClass());
        command.addAll(request.arguments());
        return command;
    }

    /**
     * The container's environment: the request's variables, plus {@code LANG=C.UTF-8} when
     * neither the image nor the request sets a locale, so that the child's JVM writes UTF-8
     * (the POSIX locale would turn every non-ASCII character into {@code ?}).
     *
     * @param requested the request's environment
     * @param imageEnvironment the image's {@code KEY=value} entries
     * @return {@code KEY=value} entries, sorted by key
     */
    static List<String> environment(Map<String, String> requested, List<String> imageEnvironment) {
        Map<String, String> env = new java.util.TreeMap<>(requested);
        boolean imageHasLocale = imageEnvironment.stream()
                .anyMatch(entry -> LOCALE_VARIABLES.stream().anyMatch(name -> entry.startsWith(name + "=")));
        if (!imageHasLocale && LOCALE_VARIABLES.stream().noneMatch(requested::containsKey)) {
            env.put("LANG", "C.UTF-8");
        }
        return env.entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue()).toList();
    }

    /**
     * The labels that identify the container, its session and its parent, so that leftovers
     * of a dead parent can be found and removed.
     *
     * @param request the request
     * @param session the launcher instance's session id
     * @param parent the parent process
     * @return the labels
     */
    static Map<String, String> labels(LaunchRequest request, String session, ParentProcess parent) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL, "true");
        labels.put(LABEL_SESSION, session);
        labels.put(LABEL_PROCESS_NAME, request.processName());
        labels.put(LABEL_PARENT_PID, Long.toString(parent.pid()));
        labels.put(LABEL_PARENT_START, parent.startMillis().isPresent() ? Long.toString(parent.startMillis().getAsLong()) : "");
        labels.put(LABEL_DAEMON, Boolean.toString(request.daemon()));
        return labels;
    }
}
