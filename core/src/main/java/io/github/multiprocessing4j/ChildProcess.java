package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.launch.LaunchSettings;
import io.github.multiprocessing4j.internal.launch.Launchers;
import io.github.multiprocessing4j.internal.process.ChildHandle;
import io.github.multiprocessing4j.internal.process.ChildRegistry;
import io.github.multiprocessing4j.internal.process.CurrentProcess;
import io.github.multiprocessing4j.internal.process.ExitCodes;
import io.github.multiprocessing4j.internal.process.MainClassTarget;
import io.github.multiprocessing4j.internal.process.ProcessBody;
import io.github.multiprocessing4j.internal.process.ProcessDescription;
import io.github.multiprocessing4j.internal.process.ProcessStarter;
import io.github.multiprocessing4j.internal.process.StartedProcess;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A piece of Java code run in a separate OS process: Python's {@code multiprocessing.Process}.
 *
 * <p>Build one from a target ({@code new ChildProcess(() -> work())}), from a main class
 * ({@link #ofMain(Class, String...)}), or subclass it and override {@link #run()}; the whole
 * object (target, or subclass with its fields) is serialized to the child at {@link #start()}.
 * Which launcher starts the child (a JVM on this host, a container, ...) is chosen by
 * {@link Multiprocessing#context(String)}, {@link Multiprocessing#setStartMethod(String)}, the
 * system property {@code multiprocessing4j.launcher} or the environment variable
 * {@code MULTIPROCESSING4J_LAUNCHER}; the semantics are the same for all.
 *
 * <p>Guards throw {@link IllegalStateException} with Python's messages. Instances are safe for
 * use by several threads of the JVM that created them.
 *
 * @see <a href="https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Process">Python's Process</a>
 */
public class ChildProcess implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * The target; null when a subclass overrides {@link #run()}, and in the parent once
     * {@link #start()} has sent it (Python drops it there too: {@code test_lose_target_ref}).
     */
    private volatile SerializableRunnable target;
    /** Python: {@code _identity}. */
    private final int[] identity;
    /** Which JVM created this object: only that one may start, join or test it. */
    private final String creatorToken;
    /** The process name: Python's {@code name}. */
    private volatile String name;
    /** Whether the process is a daemon: Python's {@code daemon}. */
    private volatile boolean daemon;
    /** Whether the process ends when its parent ends (daemons, and every child on a remote launcher). */
    private final boolean dieWithParent;

    private transient LaunchSettings settings;
    private transient volatile Phase phase;
    private transient StartedProcess started;
    private transient volatile Integer exitCode;
    private transient CompletableFuture<ChildProcess> exit;
    private transient RegistryHandle registryHandle;

    /**
     * STARTING: {@link #start()} is launching the child, without holding this object's lock, so
     * that {@link #pid()}, {@link #isAlive()} and {@link #toString()} on other threads answer at
     * once (as before start) instead of waiting for the launch.
     */
    private enum Phase { INITIAL, STARTING, STARTED, CLOSED }

    /**
     * For subclasses that override {@link #run()}: a process with the default name and an
     * inherited daemon flag (SPEC L1, L2, L4).
     */
    protected ChildProcess() {
        this(null, null, null, false, LaunchSettings.defaults());
    }

    /**
     * A process that runs {@code target} in the child (SPEC L1).
     *
     * @param target what to run; never null
     */
    public ChildProcess(SerializableRunnable target) {
        this(Objects.requireNonNull(target, "target"), null, null, false, LaunchSettings.defaults());
    }

    private ChildProcess(SerializableRunnable target, String name, Boolean daemon, boolean dieWithParent,
                         LaunchSettings settings) {
        CurrentProcess current = CurrentProcess.get();
        this.target = target;
        this.identity = current.nextChildIdentity(); // SPEC L2: counted even if never started
        this.creatorToken = current.token();
        this.name = defaultNameIfEmpty(name);
        this.daemon = daemon != null ? daemon : current.info().daemon(); // SPEC L4
        this.dieWithParent = dieWithParent;
        this.settings = settings;
    }

    /**
     * A process that runs {@code mainClass.main(args)} in the child (SPEC L1).
     *
     * @param mainClass a class with a {@code public static void main(String[])}, present on the
     *     child's class path
     * @param args the arguments
     * @return a new, unstarted process
     */
    public static ChildProcess ofMain(Class<?> mainClass, String... args) {
        return new ChildProcess(new MainClassTarget(mainClass.getName(), args));
    }

    /**
     * A builder for a process that runs {@code target}.
     *
     * @param target what to run; never null
     * @return a builder
     */
    public static Builder builder(SerializableRunnable target) {
        return new Builder(Objects.requireNonNull(target, "target"));
    }

    /**
     * A builder for a process that runs {@code mainClass.main(args)}.
     *
     * @param mainClass a class with a {@code public static void main(String[])}
     * @param args the arguments
     * @return a builder
     */
    public static Builder builderOfMain(Class<?> mainClass, String... args) {
        return new Builder(new MainClassTarget(mainClass.getName(), args));
    }

    /**
     * What the child does: runs the target. Subclasses override it. Called in the child by the
     * runtime; calling it directly runs the target in the calling JVM (SPEC L5). In the parent,
     * {@link #start()} releases the target once it has been serialized (as Python does), so
     * afterwards this does nothing there.
     *
     * @throws Exception whatever the target throws; in the child, an exception that escapes ends
     *     the process with exit code 1 (SPEC L14)
     */
    public void run() throws Exception {
        if (target != null) {
            target.run();
        }
    }

    // ---------------------------------------------------------------- name and daemon

    /**
     * The name; the child sees the name it had at {@link #start()} (SPEC L3).
     *
     * @return the name, never null
     */
    public final String getName() {
        return name;
    }

    /**
     * Renames the process. Allowed at any time, also after the process was closed.
     *
     * @param name the new name; null or empty restores the default {@code <Class>-<identity>}
     */
    public final void setName(String name) {
        this.name = defaultNameIfEmpty(name);
    }

    /**
     * Whether the process is a daemon: a daemon child is terminated when its parent ends (SPEC
     * L23, L24) and may not have children of its own (L9).
     *
     * @return the daemon flag
     */
    public final boolean isDaemon() {
        return daemon;
    }

    /**
     * Sets the daemon flag; before {@link #start()}, or after {@link #close()} (SPEC L19, as
     * Python allows).
     *
     * @param daemon the new flag
     * @throws IllegalStateException "process has already started" after start (SPEC L8)
     */
    public final synchronized void setDaemon(boolean daemon) {
        if (phase() == Phase.STARTED || phase() == Phase.STARTING) {
            throw new IllegalStateException("process has already started");
        }
        this.daemon = daemon;
    }

    /**
     * The identity numbers: {@code [1]} for the first process created in the main JVM.
     *
     * @return the identity, never null
     */
    public final List<Integer> identity() {
        // a loop, not a stream: the child calls this before its target runs, in a cold JVM
        Integer[] numbers = new Integer[identity.length];
        for (int i = 0; i < identity.length; i++) {
            numbers[i] = identity[i];
        }
        return List.of(numbers);
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Starts the process. When this returns, {@link #pid()} is set and {@link #isAlive()} is
     * true (SPEC L11), and this object no longer holds the target, which was serialized for the
     * child: what the target captured can be garbage collected here (Python:
     * {@code test_lose_target_ref}).
     *
     * @throws IllegalStateException "cannot start a process twice" (L8), "daemonic processes
     *     are not allowed to have children" (L9), "process object is closed", or "can only
     *     start a process object created by current process"
     * @throws TargetNotSerializableException if the target cannot be serialized (L10); no
     *     child is started
     * @throws LauncherNotFoundException if the selected launcher does not exist (S1)
     * @throws ProcessStartException if the launcher is unavailable or fails (S2)
     */
    public final void start() {
        synchronized (this) {
            checkNotClosed();
            if (phase() != Phase.INITIAL) {
                throw new IllegalStateException("cannot start a process twice");
            }
            checkCreatedHere("can only start a process object created by current process");
            if (CurrentProcess.get().info().daemon()) {
                throw new IllegalStateException("daemonic processes are not allowed to have children");
            }
            phase = Phase.STARTING;
        }
        StartedProcess process;
        try {
            process = ProcessStarter.start(new Body(this), dieWithParent, settings());
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                phase = Phase.INITIAL; // as in Python, a start that failed may be tried again
            }
            throw e;
        }
        CompletableFuture<ChildProcess> onExit = new CompletableFuture<>();
        RegistryHandle handle = new RegistryHandle(this);
        synchronized (this) {
            this.started = process;
            releaseTarget();
            this.exit = onExit;
            this.registryHandle = handle;
            this.phase = Phase.STARTED;
        }
        ChildRegistry.add(handle);
        process.exitCode().whenComplete((code, failure) -> {
            exitCode = code != null ? code : ExitCodes.LOST;
            ChildRegistry.remove(handle);
            onExit.complete(this);
        });
    }

    /**
     * Waits until the process has ended. Returns at once if it has; may be called many times
     * (SPEC L17).
     *
     * @throws InterruptedException if the calling thread is interrupted while waiting
     * @throws IllegalStateException "can only join a started process", "can only join a child
     *     process", or "process object is closed"
     */
    public final void join() throws InterruptedException {
        CompletableFuture<ChildProcess> future = joinable();
        try {
            future.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("unreachable: the exit future never fails", e);
        }
    }

    /**
     * Waits at most {@code timeout} for the process to end (SPEC L17).
     *
     * @param timeout how long to wait at most; zero or negative checks without waiting (SPEC L17)
     * @return whether the process has ended
     * @throws InterruptedException if the calling thread is interrupted while waiting
     * @throws IllegalStateException as for {@link #join()}
     */
    public final boolean join(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        CompletableFuture<ChildProcess> future = joinable();
        try {
            // SPEC L17: negative means zero, as in Python; convert(..) saturates a huge timeout
            future.get(Math.max(0, TimeUnit.NANOSECONDS.convert(timeout)), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("unreachable: the exit future never fails", e);
        }
    }

    private synchronized CompletableFuture<ChildProcess> joinable() {
        checkNotClosed();
        checkCreatedHere("can only join a child process");
        if (!isStarted()) {
            throw new IllegalStateException("can only join a started process");
        }
        return exit;
    }

    /**
     * Whether the process has started and not yet ended. In the child, the process object that
     * is running reports true.
     *
     * @return the liveness
     * @throws IllegalStateException "process object is closed", "can only test a child process"
     */
    public final synchronized boolean isAlive() {
        if (CurrentProcess.get().isRunning(this)) {
            return true;
        }
        checkNotClosed();
        checkCreatedHere("can only test a child process");
        return isStarted() && !exit.isDone();
    }

    /**
     * Sends SIGTERM: the child's JVM runs its shutdown hooks and ends with exit code -15 (SPEC
     * L16, L18). Returns at once; does nothing once the process has ended. The child's own
     * children are not signalled (Python parity): see {@link #terminateTree()}.
     *
     * @throws IllegalStateException "can only terminate a started process", "process object
     *     is closed"
     */
    public final void terminate() {
        StartedProcess process = signallable("can only terminate a started process");
        if (!exit.isDone()) {
            process.handle().terminate();
        }
    }

    /**
     * Sends SIGKILL: the child ends at once with exit code -9 (SPEC L16, L18). Returns at once;
     * does nothing once the process has ended.
     *
     * @throws IllegalStateException "can only kill a started process", "process object is closed"
     */
    public final void kill() {
        StartedProcess process = signallable("can only kill a started process");
        if (!exit.isDone()) {
            process.handle().kill();
        }
    }

    /**
     * Sends SIGINT, as Ctrl-C in a terminal does: Python 3.14's {@code interrupt()}. The child
     * ends through its normal exit path, as a Python child whose target gets
     * {@code KeyboardInterrupt} does: it terminates its daemon children and waits for its
     * non-daemon children and threads (SPEC L15, L23), prints {@code Process <name>:} and a
     * {@code KeyboardInterrupt} line on its stderr, and exits with code 1 (SPEC L14). A child that
     * gets SIGINT while its JVM still boots, before its runtime handles signals, ends with -2.
     * Returns once the signal is sent; does nothing once the process has ended.
     *
     * @throws IllegalStateException "can only interrupt a started process", "process object is
     *     closed"
     * @throws UnsupportedOperationException if the process's launcher cannot deliver SIGINT
     */
    public final void interrupt() {
        StartedProcess process = signallable("can only interrupt a started process");
        if (!exit.isDone()) {
            process.handle().interrupt();
        }
    }

    /**
     * Beyond Python: sends SIGTERM to the child's own live descendants (as far as this host's
     * process table shows them), then to the child. Returns at once.
     *
     * @throws IllegalStateException as for {@link #terminate()}
     */
    public final void terminateTree() {
        StartedProcess process = signallable("can only terminate a started process");
        if (!exit.isDone()) {
            ProcessHandle.of(process.handle().pid()).ifPresent(
                    root -> root.descendants().forEach(ProcessHandle::destroy));
            process.handle().terminate();
        }
    }

    private synchronized StartedProcess signallable(String notStartedMessage) {
        checkNotClosed();
        if (!isStarted()) {
            throw new IllegalStateException(notStartedMessage);
        }
        return started;
    }

    /**
     * The pid as reported by the launcher (the host pid for containers); empty before start
     * (SPEC L6, L11). It is 0 for a container that ended before the engine could report its pid
     * (its JVM failed at once, as with a JVM option the image's {@code java} rejects).
     *
     * @return the pid, never null
     * @throws IllegalStateException "process object is closed"
     */
    public final synchronized OptionalLong pid() {
        checkNotClosed();
        return started == null ? OptionalLong.empty() : OptionalLong.of(started.handle().pid());
    }

    /**
     * The exit code, empty while the process has not ended (SPEC L16): 0 when the target
     * returned, 1 after an uncaught exception, n after {@code System.exit(n)} (taken modulo
     * 256), {@code -N} when the process was ended by signal N ({@code -15} after
     * {@link #terminate()}, {@code -9} after {@link #kill()}).
     *
     * @return the exit code, never null
     * @throws IllegalStateException "process object is closed"
     */
    public final synchronized OptionalInt exitCode() {
        checkNotClosed();
        Integer code = exitCode;
        return code == null ? OptionalInt.empty() : OptionalInt.of(code);
    }

    /**
     * A future that completes, with this process, when the process has ended and its exit code
     * is known (SPEC L21). Python: {@code sentinel}. Use with
     * {@link CompletableFuture#anyOf(CompletableFuture[])} to wait for the first of many.
     * Completing the returned future has no effect on the process.
     *
     * @return the exit future, never null
     * @throws IllegalStateException "can only wait for a started process", "process object is
     *     closed"
     */
    public final synchronized CompletableFuture<ChildProcess> onExit() {
        checkNotClosed();
        if (!isStarted()) {
            throw new IllegalStateException("can only wait for a started process");
        }
        return exit.copy();
    }

    /**
     * Releases the process object. Afterwards every method except {@link #getName()},
     * {@link #setName(String)}, {@link #isDaemon()} and {@link #toString()} throws "process
     * object is closed"; closing twice is fine (SPEC L19).
     *
     * @throws IllegalStateException "Cannot close a process while it is still running. You
     *     should first call join() or terminate()."
     */
    public final synchronized void close() {
        if (phase() == Phase.STARTING || (phase() == Phase.STARTED && !exit.isDone())) {
            throw new IllegalStateException(
                    "Cannot close a process while it is still running. You should first call join() or terminate().");
        }
        if (phase() != Phase.CLOSED) {
            if (registryHandle != null) {
                ChildRegistry.remove(registryHandle);
            }
            started = null;
            phase = Phase.CLOSED;
        }
    }

    /**
     * Python's repr, with the same words (SPEC L6, L20):
     * {@code <ChildProcess name='ChildProcess-1' pid=4242 parent=4200 stopped exitcode=-SIGTERM daemon>}.
     */
    @Override
    public synchronized String toString() {
        StringBuilder text = new StringBuilder("<").append(getClass().getSimpleName())
                .append(" name='").append(name).append('\'');
        CurrentProcess current = CurrentProcess.get();
        String status;
        Integer code = null;
        if (current.isRunning(this)) {
            status = "started";
        } else if (phase() == Phase.CLOSED) {
            status = "closed";
        } else if (!creatorToken.equals(current.token())) {
            status = "unknown";
        } else if (!isStarted()) {
            status = "initial";
        } else {
            code = exitCode;
            status = code == null ? "started" : "stopped";
        }
        if (started != null) {
            text.append(" pid=").append(started.handle().pid());
        }
        text.append(" parent=").append(creatorPid()).append(' ').append(status);
        if (code != null) {
            text.append(" exitcode=").append(ExitCodes.toName(code));
        }
        if (daemon) {
            text.append(" daemon");
        }
        return text.append('>').toString();
    }

    // ---------------------------------------------------------------- internals

    /** Drops the target, which the child now has: called by {@link #start()} once it is serialized. */
    void releaseTarget() {
        target = null;
    }

    /** What the child sent as its result ({@link CallableProcess}); null if nothing or not started. */
    final synchronized byte[] resultBytes() {
        return started == null ? null : started.result().get();
    }

    private long creatorPid() {
        CurrentProcess current = CurrentProcess.get();
        if (current.isRunning(this)) {
            return current.parent().map(ProcessDescription::pid).orElse(-1L);
        }
        return current.info().pid();
    }

    /** Whether start() has returned: the child has a pid and an exit future. */
    private boolean isStarted() {
        return phase() == Phase.STARTED;
    }

    private Phase phase() {
        Phase p = phase;
        return p == null ? Phase.INITIAL : p;
    }

    private LaunchSettings settings() {
        LaunchSettings s = settings;
        return s == null ? LaunchSettings.defaults() : s;
    }

    private void checkNotClosed() {
        if (phase() == Phase.CLOSED) {
            throw new IllegalStateException("process object is closed");
        }
    }

    private void checkCreatedHere(String message) {
        if (!creatorToken.equals(CurrentProcess.get().token())) {
            throw new IllegalStateException(message);
        }
    }

    private String defaultNameIfEmpty(String requested) {
        if (requested != null && !requested.isEmpty()) {
            return requested;
        }
        String id = Arrays.stream(identity).mapToObj(String::valueOf).collect(Collectors.joining(":"));
        return getClass().getSimpleName() + "-" + id;
    }

    /**
     * This process as the registry of active children sees it (SPEC L15, L22, L23); maps back
     * to the process for {@link Multiprocessing#activeChildren()}.
     */
    static final class RegistryHandle implements ChildHandle {
        private final ChildProcess process;

        RegistryHandle(ChildProcess process) {
            this.process = process;
        }

        ChildProcess process() {
            return process;
        }

        @Override
        public String name() {
            return process.getName();
        }

        @Override
        public boolean isDaemon() {
            return process.isDaemon();
        }

        @Override
        public void terminate() {
            process.terminate();
        }

        @Override
        public void kill() {
            process.kill();
        }

        @Override
        public void join() throws InterruptedException {
            process.join();
        }

        @Override
        public boolean join(Duration timeout) throws InterruptedException {
            return process.join(timeout);
        }
    }

    /**
     * What is serialized to the child at {@link #start()}: this process object, with everything
     * its target or subclass fields hold, seen by the child runtime through {@link ProcessBody}.
     */
    private static final class Body implements ProcessBody {
        @Serial
        private static final long serialVersionUID = 1L;

        private final ChildProcess process;

        Body(ChildProcess process) {
            this.process = process;
        }

        @Override
        public String name() {
            return process.getName();
        }

        @Override
        public boolean isDaemon() {
            return process.isDaemon();
        }

        @Override
        public List<Integer> identity() {
            return process.identity();
        }

        @Override
        public void run() throws Exception {
            process.run();
        }

        @Override
        public boolean represents(Object processObject) {
            return processObject == process;
        }

        @Override
        public Object processObject() {
            return process;
        }
    }

    /**
     * Builds a {@link ChildProcess} with options beyond Python's: launcher, JVM options, class
     * path, environment, launcher-specific settings.
     */
    public static final class Builder {

        private final SerializableRunnable target;
        private String name;
        private Boolean daemon;
        private boolean dieWithParent;
        private String launcher;
        private Launchers launchers;
        private final List<String> jvmOptions = new ArrayList<>();
        private List<java.nio.file.Path> classPath;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final Map<String, String> launcherOptions = new LinkedHashMap<>();

        Builder(SerializableRunnable target) {
            this.target = target;
        }

        /**
         * The name; null or empty means the default {@code ChildProcess-<identity>}.
         *
         * @param name the name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * The daemon flag; unset means inherited from the creating process (SPEC L4).
         *
         * @param daemon the flag
         * @return this builder
         */
        public Builder daemon(boolean daemon) {
            this.daemon = daemon;
            return this;
        }

        /**
         * Beyond Python: a non-daemon process that also ends, within about 2 seconds, when its
         * parent dies without running its shutdown code (SPEC L24). Daemons always do.
         *
         * @param dieWithParent whether to end with the parent
         * @return this builder
         */
        public Builder dieWithParent(boolean dieWithParent) {
            this.dieWithParent = dieWithParent;
            return this;
        }

        /**
         * The launcher by name ({@code local}, {@code docker}, ...), overriding
         * {@link Multiprocessing#setStartMethod(String)} and the system property.
         *
         * @param launcherName the launcher's name
         * @return this builder
         */
        public Builder launcher(String launcherName) {
            this.launcher = Objects.requireNonNull(launcherName, "launcherName");
            return this;
        }

        /**
         * The set of launchers to choose from, instead of those found on the class path: how
         * a {@link ProcessContext} made from given providers passes them on.
         */
        Builder launchers(Launchers launchers) {
            this.launchers = launchers;
            return this;
        }

        /**
         * Adds options for the child JVM ({@code -Xmx64m}, {@code -Dkey=value}, ...).
         *
         * @param options the options
         * @return this builder
         */
        public Builder jvmOptions(String... options) {
            jvmOptions.addAll(List.of(options));
            return this;
        }

        /**
         * Replaces the child's class path (by default the parent's).
         *
         * @param entries the class path entries
         * @return this builder
         */
        public Builder classPath(List<java.nio.file.Path> entries) {
            this.classPath = List.copyOf(entries);
            return this;
        }

        /**
         * Adds an environment variable for the child.
         *
         * @param key the name
         * @param value the value
         * @return this builder
         */
        public Builder environment(String key, String value) {
            environment.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * A launcher-specific setting, e.g. {@code docker.image}; launchers ignore keys that are
         * not theirs.
         *
         * @param key the setting's name
         * @param value its value
         * @return this builder
         */
        public Builder launcherOption(String key, String value) {
            launcherOptions.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Builds the process; each call creates a new process with the next identity.
         *
         * @return a new, unstarted process
         */
        public ChildProcess build() {
            return new ChildProcess(target, name, daemon, dieWithParent,
                    new LaunchSettings(launchers, launcher, jvmOptions, classPath, environment, launcherOptions));
        }
    }
}
