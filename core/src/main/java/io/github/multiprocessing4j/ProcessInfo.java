package io.github.multiprocessing4j;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What a process knows about itself or its parent: Python's {@code current_process()} and
 * {@code parent_process()} objects, read-only.
 *
 * @see Multiprocessing#currentProcess()
 * @see Multiprocessing#parentProcess()
 */
public final class ProcessInfo {

    private final String name;
    private final long pid;
    private final boolean daemon;
    private final List<Integer> identity;

    /**
     * Creates a description of a process.
     *
     * @param name the process name, never null
     * @param pid the pid as the process's parent reports it (the host pid for containers)
     * @param daemon whether the process is a daemon
     * @param identity the identity numbers (empty for the main process)
     */
    public ProcessInfo(String name, long pid, boolean daemon, List<Integer> identity) {
        this.name = Objects.requireNonNull(name, "name");
        this.pid = pid;
        this.daemon = daemon;
        this.identity = List.copyOf(identity);
    }

    /**
     * The name: {@code MainProcess} in the main JVM, the {@link ChildProcess}'s name in a child.
     *
     * @return the name, never null
     */
    public String name() {
        return name;
    }

    /**
     * The process id, as the parent's {@link ChildProcess#pid()} reports it (SPEC L12), also
     * for containers, where it is the host's pid rather than the pid inside the container.
     *
     * @return the pid
     */
    public long pid() {
        return pid;
    }

    /**
     * Whether this process is a daemon: it is ended when its parent ends, and may not have
     * children of its own.
     *
     * @return the daemon flag
     */
    public boolean isDaemon() {
        return daemon;
    }

    /**
     * The identity numbers: empty for the main process, {@code [3]} for the third process it
     * created, {@code [3, 1]} for that process's first child. Python: {@code _identity}.
     *
     * @return the identity, immutable, never null
     */
    public List<Integer> identity() {
        return identity;
    }

    /**
     * The identity as Python prints it in default names: {@code "3:1"}; empty for the main
     * process.
     *
     * @return the identity joined with colons, never null
     */
    public String identityString() {
        return identity.stream().map(String::valueOf).collect(Collectors.joining(":"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProcessInfo other
                && name.equals(other.name)
                && pid == other.pid
                && daemon == other.daemon
                && identity.equals(other.identity);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, pid, daemon, identity);
    }

    /**
     * Python's repr: {@code <_MainProcess name='MainProcess' pid=12 started>}-like text.
     */
    @Override
    public String toString() {
        return "<ProcessInfo name='" + name + "' pid=" + pid + (daemon ? " daemon" : "") + ">";
    }
}
