package io.github.multiprocessing4j.internal.process;

import io.github.multiprocessing4j.ProcessStartException;
import io.github.multiprocessing4j.internal.channel.ControlServer;
import io.github.multiprocessing4j.internal.channel.PendingChild;
import io.github.multiprocessing4j.internal.launch.LaunchSettings;
import io.github.multiprocessing4j.internal.launch.Launchers;
import io.github.multiprocessing4j.internal.memory.SessionMemory;
import io.github.multiprocessing4j.internal.remote.Bootstrap;
import io.github.multiprocessing4j.internal.remote.CodeShipment;
import io.github.multiprocessing4j.internal.remote.ParentConnector;
import io.github.multiprocessing4j.internal.remote.RemoteChannel;
import io.github.multiprocessing4j.internal.remote.ShippedLogging;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import io.github.multiprocessing4j.internal.startcache.StartCache;
import io.github.multiprocessing4j.spi.LaunchException;
import io.github.multiprocessing4j.spi.LaunchRequest;
import io.github.multiprocessing4j.spi.LaunchedProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a process object (SPEC L10, L11, S1, S2, C1, C2): serializes it (failing in the
 * parent), selects the launcher, prepares the child's channel, launches the child runtime, and
 * derives the user-visible exit code from the raw status and the child's end report.
 */
public final class ProcessStarter {

    /**
     * The launcher option, and with {@link #CODE_PROPERTY} the system property, whose value
     * {@value #CODE_IN_IMAGE} says that a child on the network finds its class path in its image
     * (the paths given are the image's) rather than getting it shipped (SPEC R2).
     */
    public static final String CODE_OPTION = "code";
    /** The system property form of {@link #CODE_OPTION}. */
    public static final String CODE_PROPERTY = "multiprocessing4j.code";
    /**
     * System property of the parent: JVM options every child it starts gets before those of its
     * builder ({@code ChildProcess.Builder.jvmOptions}), whatever its launcher, separated by white
     * space. A later option of the builder wins where the JVM takes the last of two.
     */
    public static final String JVM_OPTIONS_PROPERTY = "multiprocessing4j.jvmOptions";
    /** The value of {@link #CODE_OPTION} for an image that already holds the application. */
    public static final String CODE_IN_IMAGE = "image";

    private ProcessStarter() {
    }

    /**
     * Starts a process.
     *
     * @param process the process object, serialized as it is now, with its name and daemon flag
     * @param dieWithParent whether it ends when its parent dies
     * @param settings how to launch it
     * @return the started process, never null
     */
    public static StartedProcess start(ProcessBody process, boolean dieWithParent, LaunchSettings settings) {
        String name = process.name();
        boolean daemon = process.isDaemon();
        byte[] serialized;
        SharedObjects.beginSendingToChild();
        try {
            serialized = TaskCodec.serializeProcess(process);
        } catch (RuntimeException e) {
            SharedObjects.endSendingToChild(null);
            throw e;
        }
        Launchers.Selected selected;
        try {
            selected = settings.launchers().forStart(settings.launcherName());
        } catch (RuntimeException e) {
            SharedObjects.endSendingToChild(null);
            throw e;
        }
        Launched launched = settings.isDefaultFor(selected.name()) ? WarmStandby.take(selected) : null;
        try {
            if (launched == null) {
                launched = launch(selected, name, daemon, settings, false);
            }
        } finally {
            SharedObjects.endSendingToChild(launched == null ? null : launched.pending().id());
        }
        PendingChild pending = launched.pending();
        SignalRecordingHandle handle = launched.handle();
        pending.deliver(TaskCodec.encode(serialized, handle.pid(), CurrentProcess.get().info(), dieWithParent,
                SessionMemory.directory().map(Path::toString).orElse("")));
        CompletableFuture<Integer> exitCode = handle.onExit()
                .thenCompose(raw -> pending.reportAfterExit()
                        .thenApply(report -> ExitCodes.resolve(raw, report, handle.killSent(), handle.terminateSent())));
        exitCode.whenComplete((code, failure) -> {
            pending.close();
            if (failure != null) {
                Log.LOGGER.error("lost track of process '{}' (pid {}): {}; reporting exit code {}", name, handle.pid(),
                        failure.toString(), ExitCodes.LOST);
            }
        });
        return new StartedProcess(handle, exitCode, pending::result);
    }

    /**
     * The user's options, after the parent's text encodings: a child writes its lines in the
     * encoding the parent's standard streams use (SPEC L13), whatever the locale where it runs
     * (containers usually run with the POSIX locale). An option the user gives wins. The options
     * of {@link #JVM_OPTIONS_PROPERTY} count as the user's and come before the builder's.
     */
    static List<String> jvmOptions(List<String> builderOptions) {
        List<String> userOptions = new ArrayList<>(defaultJvmOptions(System.getProperty(JVM_OPTIONS_PROPERTY)));
        userOptions.addAll(builderOptions);
        List<String> options = new ArrayList<>();
        String fileEncoding = System.getProperty("file.encoding");
        for (String[] property : new String[][] {
            {"file.encoding", fileEncoding},
            {"sun.stdout.encoding", System.getProperty("sun.stdout.encoding", fileEncoding)},
            {"sun.stderr.encoding", System.getProperty("sun.stderr.encoding", fileEncoding)}}) {
            String prefix = "-D" + property[0] + "=";
            if (property[1] != null && userOptions.stream().noneMatch(option -> option.startsWith(prefix))) {
                options.add(prefix + property[1]);
            }
        }
        options.addAll(userOptions);
        return options;
    }

    /**
     * The options of {@link #JVM_OPTIONS_PROPERTY}'s value: separated by white space, none when it is
     * unset or blank.
     */
    static List<String> defaultJvmOptions(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return List.of(value.strip().split("\\s+"));
    }

    /** A child JVM that runs the child runtime, and its channel, before it has its task. */
    record Launched(PendingChild pending, SignalRecordingHandle handle) {
    }

    /**
     * Launches the child runtime.
     *
     * @param standby whether it is a warm standby, which waits for a task not yet chosen
     */
    static Launched launch(Launchers.Selected selected, String name, boolean daemon, LaunchSettings settings,
                           boolean standby) {
        PendingChild pending;
        ControlServer server;
        boolean remote = selected.launcher().childrenReachParentOverNetwork();
        String endpoint;
        byte[] standardInput = new byte[0];
        try {
            server = ControlServer.get(SharedObjects.router(), CurrentProcess.get().parent().isEmpty());
            pending = server.expect(name, !remote);
        } catch (IOException e) {
            throw new ProcessStartException("Could not open the control channel in " + System.getProperty("java.io.tmpdir")
                    + ": " + e.getMessage() + ". Check that java.io.tmpdir is a writable local directory.", e);
        }
        boolean codeInImage = remote && CODE_IN_IMAGE.equals(settings.launcherOptions().getOrDefault(CODE_OPTION,
                System.getProperty(CODE_PROPERTY, "")));
        if (remote) {
            // SPEC R1: the child connects back over TLS; its secret and the certificate pin
            // travel on its standard input only
            try {
                RemoteChannel channel = RemoteChannel.get(settings.launcherOptions(), server.socket());
                endpoint = (codeInImage ? ParentConnector.IMAGE_SCHEME : ParentConnector.SCHEME)
                        + channel.advertisedAddress();
                standardInput = channel.credentials(pending.secret());
            } catch (IOException e) {
                pending.close();
                throw new ProcessStartException("Could not open the network control channel for process '" + name
                        + "': " + e.getMessage(), e);
            }
        } else {
            endpoint = server.socket().toString();
        }
        List<String> arguments = standby
                ? List.of(endpoint, pending.id(), ChildRuntime.STANDBY)
                : List.of(endpoint, pending.id());
        List<Path> classPath = settings.classPath();
        List<String> jvmOptions = jvmOptions(settings.jvmOptions());
        if (classPath == null) {
            Launchers.ChildClassPath trimmed = settings.launchers().childClassPath();
            classPath = trimmed.entries();
            if (!trimmed.leftOff().isEmpty()) {
                // for the child's hint when a class of a left-off jar turns out to be missing
                jvmOptions.add(0, "-D" + ChildRuntime.LEFT_OFF_PROPERTY + "=" + trimmed.leftOff().stream()
                        .map(entry -> String.valueOf(entry.getFileName())).collect(Collectors.joining(",")));
            }
        }
        if (remote && !codeInImage) {
            // SPEC R2: the launcher copies the bootstrap jars; the rest ships by content hash
            try {
                Bootstrap bootstrap = Bootstrap.of(server.directory(), ChildRuntime.class, LaunchRequest.class,
                        LoggerFactory.class);
                CodeShipment shipment = CodeShipment.of(classPath, bootstrap.sources());
                Log.LOGGER.debug("process '{}': bootstrap {}, shipping {}", name, bootstrap.files(), shipment.summary());
                pending.beforeTask(shipment::ship);
                classPath = bootstrap.files();
                // the logging backend ships with the rest: SLF4J in the child waits for it
                jvmOptions.addAll(0, ShippedLogging.jvmOptions(jvmOptions));
            } catch (IOException e) {
                pending.close();
                throw new ProcessStartException("Could not start process '" + name + "': " + e.getMessage(), e);
            }
        }
        Map<String, String> launcherOptions = settings.launcherOptions();
        if (codeInImage) {
            launcherOptions = new HashMap<>(launcherOptions);
            launcherOptions.put(CODE_OPTION, CODE_IN_IMAGE);
        }
        // the session's shared memory too: a container sees it at the same path (SPEC M5, M6);
        // a child on the network shares no directory with its parent
        List<Path> shared = new ArrayList<>();
        if (!remote) {
            shared.add(server.directory());
            SessionMemory.visibleDirectory().ifPresent(shared::add);
        }
        LaunchRequest request = new LaunchRequest(name, daemon, ChildRuntime.class.getName(), arguments,
                classPath, jvmOptions, settings.environment(), shared, launcherOptions, standardInput);
        Optional<Path> hostJava = hostJava(selected, request);
        if (hostJava.isEmpty()
                && jvmOptions.stream().noneMatch(option -> option.startsWith("-D" + StartCache.PROPERTY))) {
            // a child in a container or pod starts its own children without a start cache: its
            // home is the image's, read-only or thrown away with it (a warning in every child)
            jvmOptions.add(0, "-D" + StartCache.PROPERTY + "=off");
            request = new LaunchRequest(name, daemon, ChildRuntime.class.getName(), arguments,
                    classPath, jvmOptions, settings.environment(), shared, launcherOptions, standardInput);
        }
        StartCache.Applied cache = startCache(selected, request, hostJava);
        if (cache != null) {
            request = new LaunchRequest(name, daemon, ChildRuntime.class.getName(), arguments, cache.classPath(),
                    cache.jvmOptions(), settings.environment(), shared, cache.readOnlyPaths(), launcherOptions,
                    standardInput);
        }
        try {
            SignalRecordingHandle handle = new SignalRecordingHandle(selected.launcher().launch(request));
            if (cache != null) {
                handle.onExit().thenAccept(raw -> {
                    if (!pending.connected() && !handle.killSent() && !handle.terminateSent()) {
                        StartCache.system().childEndedBeforeConnecting(cache.key(), raw);
                    }
                });
            }
            return new Launched(pending, handle);
        } catch (LaunchException e) {
            pending.close();
            throw new ProcessStartException("The '" + selected.name() + "' launcher could not start process '" + name
                    + "': " + e.getMessage(), e);
        } catch (RuntimeException e) {
            pending.close();
            throw new ProcessStartException("The '" + selected.name() + "' launcher failed to start process '" + name
                    + "': " + e, e);
        }
    }

    /** The {@code java} of this host that the child's launcher runs, if it runs one. */
    private static Optional<Path> hostJava(Launchers.Selected selected, LaunchRequest request) {
        try {
            Optional<Path> java = selected.launcher().localJavaExecutable(request);
            return java == null ? Optional.empty() : java;
        } catch (RuntimeException e) {
            Log.LOGGER.debug("no start cache for process '{}': {}", request.processName(), e.toString());
            return Optional.empty();
        }
    }

    /**
     * The start cache for a child, if its launcher runs a {@code java} of this host, or one it
     * identifies (an image's), and a cache is ready for it; null otherwise.
     *
     * @param java the host's {@code java} the launcher runs, from {@link #hostJava}
     */
    private static StartCache.Applied startCache(Launchers.Selected selected, LaunchRequest request,
                                                 Optional<Path> java) {
        if (java.isPresent()) {
            return StartCache.system().apply(java.get(), request.classPath(), request.jvmOptions()).orElse(null);
        }
        Optional<String> image;
        try {
            image = selected.launcher().childJavaIdentity(request);
        } catch (RuntimeException e) {
            Log.LOGGER.debug("no start cache for process '{}': {}", request.processName(), e.toString());
            return null;
        }
        if (image != null && image.isPresent()) {
            return StartCache.system().applyInImage(image.get(), request.classPath(), request.jvmOptions(),
                    (mainClass, arguments, classPath, jvmOptions, directory) -> ImageTrainings.start(
                            selected.launcher(), request, mainClass, arguments, classPath, jvmOptions, directory))
                    .orElse(null);
        }
        return null;
    }

    /**
     * Remembers the signals sent: the raw status alone cannot tell a SIGKILL from exit(137), nor
     * a SIGTERM that landed while the JVM booted from a failed boot.
     */
    static final class SignalRecordingHandle implements LaunchedProcess {
        private final LaunchedProcess delegate;
        private volatile boolean killSent;
        private volatile boolean terminateSent;

        SignalRecordingHandle(LaunchedProcess delegate) {
            this.delegate = delegate;
        }

        boolean killSent() {
            return killSent;
        }

        boolean terminateSent() {
            return terminateSent;
        }

        @Override
        public long pid() {
            return delegate.pid();
        }

        @Override
        public CompletableFuture<Integer> onExit() {
            return delegate.onExit();
        }

        @Override
        public void terminate() {
            terminateSent = true;
            delegate.terminate();
        }

        @Override
        public void kill() {
            killSent = true;
            delegate.kill();
        }

        @Override
        public void interrupt() {
            delegate.interrupt();
        }
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(ProcessStarter.class);
    }
}
