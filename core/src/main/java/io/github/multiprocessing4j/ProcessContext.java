package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.launch.Launchers;
import java.util.Objects;

/**
 * Creates processes that use one launcher: Python's {@code get_context(method)}.
 * Obtain one with {@link Multiprocessing#context(String)}.
 */
public final class ProcessContext {

    private final String launcherName;
    private final Launchers launchers;

    ProcessContext(String launcherName, Launchers launchers) {
        this.launcherName = Objects.requireNonNull(launcherName, "launcherName");
        this.launchers = Objects.requireNonNull(launchers, "launchers");
    }

    /**
     * The launcher this context's processes use.
     *
     * @return the launcher's name, never null
     */
    public String launcherName() {
        return launcherName;
    }

    /**
     * A process running {@code target} with this context's launcher.
     *
     * @param target what to run
     * @return a new, unstarted process
     */
    public ChildProcess process(SerializableRunnable target) {
        return builder(target).build();
    }

    /**
     * A builder for a process running {@code target} with this context's launcher.
     *
     * @param target what to run
     * @return a builder
     */
    public ChildProcess.Builder builder(SerializableRunnable target) {
        return ChildProcess.builder(target).launcher(launcherName).launchers(launchers);
    }

    /**
     * A process running {@code mainClass.main(args)} with this context's launcher.
     *
     * @param mainClass the main class
     * @param args its arguments
     * @return a new, unstarted process
     */
    public ChildProcess ofMain(Class<?> mainClass, String... args) {
        return ChildProcess.builderOfMain(mainClass, args).launcher(launcherName).launchers(launchers).build();
    }

    @Override
    public String toString() {
        return "ProcessContext[" + launcherName + "]";
    }
}
