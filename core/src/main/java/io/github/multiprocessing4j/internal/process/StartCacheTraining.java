package io.github.multiprocessing4j.internal.process;

import io.github.multiprocessing4j.internal.launch.LaunchSettings;
import io.github.multiprocessing4j.internal.launch.Launchers;
import io.github.multiprocessing4j.internal.startcache.Training;
import io.github.multiprocessing4j.spi.Availability;
import io.github.multiprocessing4j.spi.LaunchException;
import io.github.multiprocessing4j.spi.LaunchRequest;
import io.github.multiprocessing4j.spi.LaunchedProcess;
import io.github.multiprocessing4j.spi.Launcher;
import io.github.multiprocessing4j.spi.LauncherProvider;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The main class of a start cache's training JVM, which a parent starts in the background: it is
 * a parent itself, and starts one child through the real start path (control channel, handshake,
 * a task decoded and run, the end reported), with the options that write the cache at the child's
 * exit, under this main class ({@code --child}). The child's output (the JVM's messages about the
 * cache among it) is discarded. With
 * {@value Training#CHECK} it does nothing: the run that checks that a JVM can use the cache.
 */
public final class StartCacheTraining {

    private static final String LAUNCHER = "start-cache-training";
    private static final long CHILD_SECONDS = 300;
    /**
     * The first argument of the training child, which runs the child runtime under this main
     * class: its command line does not name the child runtime, so that tools which look for
     * children by it (test harnesses that check none is left) do not take a background training
     * for one.
     */
    private static final String CHILD = "--child";

    private StartCacheTraining() {
    }

    /**
     * Entry point of the training JVM.
     *
     * @param args what the parent gives: see {@code Training.arguments}, or {@value Training#CHECK}
     */
    public static void main(String[] args) {
        if (args.length == 1 && Training.CHECK.equals(args[0])) {
            return;
        }
        if (args.length > 0 && CHILD.equals(args[0])) {
            ChildRuntime.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int status = Training.run(args, StartCacheTraining::runChild);
        System.exit(status);
    }

    private static int runChild(Path java, List<Path> classPath, List<String> jvmOptions) throws Exception {
        Launchers launchers = new Launchers(List.of(new Provider(java)));
        LaunchSettings settings = new LaunchSettings(launchers, LAUNCHER, jvmOptions, classPath, Map.of(), Map.of());
        StartedProcess started = ProcessStarter.start(new Preload.Sample(Preload.Sample::nothing), false, settings);
        try {
            started.exitCode().get(CHILD_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            started.handle().kill();
            throw e;
        }
        return started.handle().onExit().get();
    }

    /** Starts the training child with {@link ProcessBuilder}, its output discarded. */
    private record Provider(Path java) implements LauncherProvider {
        @Override
        public String name() {
            return LAUNCHER;
        }

        @Override
        public Availability availability() {
            return Availability.available();
        }

        @Override
        public Launcher create() {
            return this::launch;
        }

        private LaunchedProcess launch(LaunchRequest request) throws LaunchException {
            List<String> command = new ArrayList<>();
            command.add(java.toString());
            command.addAll(request.jvmOptions());
            command.add("-cp");
            command.add(request.classPath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
            command.add(StartCacheTraining.class.getName());
            command.add(CHILD);
            command.addAll(request.arguments());
            try {
                Process process = new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return new Child(process);
            } catch (IOException e) {
                throw new LaunchException("could not start the training child: " + e.getMessage(), e);
            }
        }
    }

    private record Child(Process process) implements LaunchedProcess {
        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public CompletableFuture<Integer> onExit() {
            return process.onExit().thenApply(Process::exitValue);
        }

        @Override
        public void terminate() {
            process.destroy();
        }

        @Override
        public void kill() {
            process.destroyForcibly();
        }
    }
}
