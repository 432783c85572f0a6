package io.github.multiprocessing4j.tck;

/**
 * A property of a launcher that some rules need in order to be observed from the test JVM
 * (SPEC S3). A launcher declares its capabilities in its {@link TckLauncher}; the suites check
 * the flags, never the launcher's name. A test that needs a capability the launcher does not
 * declare is reported as skipped by an assumption, with the capability's name.
 */
public enum Capability {

    /**
     * The pid that {@code ChildProcess.pid()} reports is a process in this host's process table:
     * {@link ProcessHandle#of(long)} finds it while it runs, and {@code /proc/<pid>/cmdline} and
     * {@code /proc/<pid>/environ} show the child JVM's command line and environment.
     */
    HOST_PROCESS_TABLE,

    /**
     * The child JVM runs in the parent's pid namespace: inside the child,
     * {@code ProcessHandle.current().pid()} equals the pid the parent reports.
     */
    SAME_PID_NAMESPACE,

    /**
     * The pid that a child's own child (started with {@link TckLauncher#nested()}) sees as its
     * {@code Multiprocessing.currentProcess().pid()} is a process in this host's process table,
     * which the test can watch and signal. Not so where a child starts its children inside its
     * container: their pids are those of the container's pid namespace.
     */
    GRANDCHILDREN_IN_HOST_PROCESS_TABLE,

    /**
     * A child's own children keep running when the child is killed with SIGKILL (SPEC L18), or
     * ended by SIGTERM, which does not wait for its non-daemon children (L23). Not so where they
     * run inside the child's container: the kernel ends every process of the container's pid
     * namespace when its first process ends, although nobody signals them.
     */
    GRANDCHILDREN_OUTLIVE_A_KILLED_CHILD,

    /**
     * What a non-daemon child prints after its parent was killed with SIGKILL still reaches the
     * standard output that the parent had (SPEC L24): the child inherited it, rather than having
     * its output relayed by the parent.
     */
    OUTPUT_AFTER_PARENT_DEATH,

    /**
     * A child can open a TCP connection to a port that the test JVM listens on at this host's
     * loopback address (a manager server, SPEC M7). Not so in a container started without a
     * network ({@code --network none}); such a child reaches a server through a Unix domain
     * socket file in a directory shared with it instead.
     */
    TCP_TO_PARENT_HOST,

    /**
     * A child sees its process tree's {@code SharedMemory} blocks (SPEC M6): it runs on the
     * parent's host and shares the session's shared-memory directory. Not so for a remote launcher
     * (SPEC R1): its children get no directory of the parent, and {@code SharedMemory} says it
     * needs the same host, while {@code Value} and {@code Array} work through calls.
     */
    SAME_HOST_SHARED_MEMORY,

    /**
     * The children reach the parent's control channel over TCP with TLS (SPEC R1), as a remote
     * launcher's do: the parent listens on one TCP port, bound to the address it advertises to
     * them (C4: never the wildcard address). Without it, children connect through a Unix domain
     * socket and the parent listens on no TCP port at all.
     */
    CONTROL_CHANNEL_OVER_TCP
}
