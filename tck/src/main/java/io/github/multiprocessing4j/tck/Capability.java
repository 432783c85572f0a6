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
    SAME_PID_NAMESPACE
}
