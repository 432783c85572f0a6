package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.launch.Launchers;
import io.github.multiprocessing4j.internal.process.ChildRegistry;
import io.github.multiprocessing4j.internal.process.CurrentProcess;
import io.github.multiprocessing4j.internal.process.ProcessDescription;
import io.github.multiprocessing4j.internal.process.WarmStandby;
import java.util.List;
import java.util.Optional;

/**
 * The module-level functions of Python's {@code multiprocessing}, with Java names.
 *
 * <table>
 *   <caption>Python to Java</caption>
 *   <tr><th>Python</th><th>Java</th></tr>
 *   <tr><td>{@code current_process()}</td><td>{@link #currentProcess()}</td></tr>
 *   <tr><td>{@code parent_process()}</td><td>{@link #parentProcess()}</td></tr>
 *   <tr><td>{@code active_children()}</td><td>{@link #activeChildren()}</td></tr>
 *   <tr><td>{@code get_context(method)}</td><td>{@link #context(String)}</td></tr>
 *   <tr><td>{@code set_start_method(method)}</td><td>{@link #setStartMethod(String)}</td></tr>
 *   <tr><td>{@code get_start_method()}</td><td>{@link #getStartMethod()}</td></tr>
 *   <tr><td>{@code get_all_start_methods()}</td><td>{@link #getAllStartMethods()}</td></tr>
 *   <tr><td>{@code cpu_count()}</td><td>{@link #cpuCount()}</td></tr>
 * </table>
 */
public final class Multiprocessing {

    private Multiprocessing() {
    }

    /**
     * The process this code runs in: {@code MainProcess} in the main JVM; in a child, the
     * name, daemon flag and identity of its {@link ChildProcess} and the pid its parent sees
     * (SPEC L12).
     *
     * @return the current process, never null
     */
    public static ProcessInfo currentProcess() {
        return info(CurrentProcess.get().info());
    }

    /**
     * The process that started this one, by name and pid; empty in the main JVM (SPEC L12).
     *
     * @return the parent, never null
     */
    public static Optional<ProcessInfo> parentProcess() {
        return CurrentProcess.get().parent().map(Multiprocessing::info);
    }

    /**
     * The live children started by this process, daemons included; finished ones are dropped
     * (SPEC L22).
     *
     * @return a snapshot list, never null
     */
    public static List<ChildProcess> activeChildren() {
        return ChildRegistry.active().stream()
                .map(handle -> ((ChildProcess.RegistryHandle) handle).process()).toList();
    }

    /**
     * A context whose processes use the named launcher (Python's {@code get_context}).
     *
     * @param launcherName {@code local}, {@code docker}, ...
     * @return the context, never null
     * @throws LauncherNotFoundException if no launcher of that name is on the class path (S1)
     */
    public static ProcessContext context(String launcherName) {
        Launchers.system().requireKnown(launcherName);
        return new ProcessContext(launcherName, Launchers.system());
    }

    /**
     * Sets the launcher used by processes that do not name one (Python's
     * {@code set_start_method}). It wins over the system property and environment variable.
     *
     * @param launcherName the launcher's name
     * @throws IllegalStateException "context has already been set" when called a second time
     * @throws LauncherNotFoundException if no launcher of that name is on the class path
     */
    public static void setStartMethod(String launcherName) {
        setStartMethod(launcherName, false);
    }

    /**
     * Sets the launcher used by processes that do not name one.
     *
     * @param launcherName the launcher's name, or null with {@code force} to clear it
     * @param force replace a launcher set earlier
     * @throws IllegalStateException "context has already been set" without {@code force}
     * @throws LauncherNotFoundException if no launcher of that name is on the class path
     */
    public static void setStartMethod(String launcherName, boolean force) {
        Launchers.system().setDefault(launcherName, force);
    }

    /**
     * The name of the launcher that processes without an explicit one use now.
     *
     * @return the launcher's name, never null
     * @throws LauncherNotFoundException if there is none
     */
    public static String getStartMethod() {
        return Launchers.system().defaultName();
    }

    /**
     * The names of the launchers on the class path, available or not, highest priority first.
     *
     * @return the names, never null
     */
    public static List<String> getAllStartMethods() {
        return Launchers.system().allNames();
    }

    /**
     * Warm start, the JVM's answer to Python's {@code forkserver}: keeps {@code standbyJvms}
     * child JVMs per launcher booted and waiting, so that {@code start()} of a process with
     * default settings only hands over its task. Each standby serves exactly one process; every
     * lifecycle rule still holds. 0 turns it off and ends the standbys. Overrides the system
     * property {@code multiprocessing4j.warm}.
     *
     * @param standbyJvms how many per launcher, at least 0
     * @throws IllegalArgumentException if negative
     */
    public static void setWarmStart(int standbyJvms) {
        WarmStandby.setTarget(standbyJvms);
    }

    /**
     * How many warm standby JVMs are kept per launcher (0: warm start is off).
     *
     * @return the number
     */
    public static int getWarmStart() {
        return WarmStandby.target();
    }

    /**
     * The number of processors available to this JVM.
     *
     * @return at least 1
     */
    public static int cpuCount() {
        return Runtime.getRuntime().availableProcessors();
    }

    private static ProcessInfo info(ProcessDescription description) {
        return new ProcessInfo(description.name(), description.pid(), description.daemon(), description.identity());
    }
}
