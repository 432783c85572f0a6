package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.launch.Launchers;
import io.github.multiprocessing4j.internal.pool.PoolWorkerProcess;
import io.github.multiprocessing4j.internal.process.ExitCodes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Pool workers as daemon {@link ChildProcess}es, named {@code PoolWorker-<identity>} like
 * Python's {@code SpawnPoolWorker-<identity>}: the number is the worker's place in this JVM's
 * process counter (SPEC L2), so a pool's first workers in a fresh program are
 * {@code PoolWorker-1}, {@code PoolWorker-2}, ...
 */
final class PoolChildWorkers implements PoolWorkerProcess.Factory {

    private final Launchers launchers;
    private final String launcher;
    private final List<String> jvmOptions;
    private final Map<String, String> environment;
    private final Map<String, String> launcherOptions;

    /**
     * The launch settings of every worker.
     *
     * @param launchers the launchers to choose from, or null for those on the class path
     * @param launcher the launcher's name, or null for the default (SPEC S1)
     * @param jvmOptions options for the worker JVMs
     * @param environment extra environment variables
     * @param launcherOptions launcher-specific settings
     */
    PoolChildWorkers(Launchers launchers, String launcher, List<String> jvmOptions, Map<String, String> environment,
                            Map<String, String> launcherOptions) {
        this.launchers = launchers;
        this.launcher = launcher;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.environment = new LinkedHashMap<>(environment);
        this.launcherOptions = new LinkedHashMap<>(launcherOptions);
    }

    @Override
    public PoolWorkerProcess create(SerializableRunnable loop) {
        ChildProcess.Builder builder = ChildProcess.builder(loop).daemon(true)
                .jvmOptions(jvmOptions.toArray(String[]::new));
        if (launcher != null) {
            builder.launcher(launcher);
        }
        if (launchers != null) {
            builder.launchers(launchers);
        }
        environment.forEach(builder::environment);
        launcherOptions.forEach(builder::launcherOption);
        ChildProcess process = builder.build();
        process.setName("PoolWorker-" + process.identity().stream().map(String::valueOf)
                .collect(Collectors.joining(":")));
        return new Worker(process);
    }

    /**
     * Asks the launcher the workers will use: one whose children reach this process over the
     * network runs them on another host. If it cannot be had, true: starting the first worker
     * reports why.
     */
    @Override
    public boolean workersShareThisHost() {
        try {
            Launchers set = launchers != null ? launchers : Launchers.system();
            return !set.forStart(launcher).launcher().childrenReachParentOverNetwork();
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** One worker process. */
    private static final class Worker implements PoolWorkerProcess {

        private final ChildProcess process;

        Worker(ChildProcess process) {
            this.process = process;
        }

        @Override
        public String name() {
            return process.getName();
        }

        @Override
        public void start() {
            process.start();
        }

        @Override
        public long pid() {
            return process.pid().orElse(-1);
        }

        @Override
        public CompletableFuture<Integer> onExit() {
            return process.onExit().thenApply(ended -> ended.exitCode().orElse(ExitCodes.LOST));
        }

        @Override
        public void terminate() {
            try {
                process.terminate();
            } catch (IllegalStateException notStarted) {
                // never started: nothing runs
            }
        }

        @Override
        public void kill() {
            try {
                process.kill();
            } catch (IllegalStateException notStarted) {
                // never started: nothing runs
            }
        }

        @Override
        public String toString() {
            return process.toString();
        }
    }
}
