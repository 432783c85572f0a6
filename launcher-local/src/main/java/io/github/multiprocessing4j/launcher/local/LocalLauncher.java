package io.github.multiprocessing4j.launcher.local;

import io.github.multiprocessing4j.spi.LaunchException;
import io.github.multiprocessing4j.spi.LaunchRequest;
import io.github.multiprocessing4j.spi.LaunchedProcess;
import io.github.multiprocessing4j.spi.Launcher;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts each child as a JVM on this host with {@link ProcessBuilder}: standard input empty
 * ({@code /dev/null}), standard output and error inherited, so the child's lines reach the
 * parent's file descriptors directly and nothing is lost at exit.
 *
 * <p>Settings: the launcher option or system property {@code local.java} /
 * {@code multiprocessing4j.local.java} replaces the {@code java} executable (by default the
 * parent's own, from {@code java.home}). It names that executable to core
 * ({@link #localJavaExecutable}), so that children get core's start cache.
 */
final class LocalLauncher implements Launcher {

    private static final Logger LOGGER = LoggerFactory.getLogger(LocalLauncher.class);
    static final String JAVA_OPTION = "local.java";
    static final String JAVA_PROPERTY = "multiprocessing4j.local.java";
    private static final File NULL_FILE = new File("/dev/null");

    private final Path defaultJava;

    LocalLauncher(Path defaultJava) {
        this.defaultJava = defaultJava;
    }

    static Path defaultJavaExecutable() {
        String configured = System.getProperty(JAVA_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private Path javaFor(LaunchRequest request) {
        return request.options().containsKey(JAVA_OPTION) ? Path.of(request.options().get(JAVA_OPTION)) : defaultJava;
    }

    @Override
    public Optional<Path> localJavaExecutable(LaunchRequest request) {
        Path java = javaFor(request);
        return Files.isExecutable(java) ? Optional.of(java) : Optional.empty();
    }

    @Override
    public LaunchedProcess launch(LaunchRequest request) throws LaunchException {
        Path java = javaFor(request);
        if (!Files.isExecutable(java)) {
            throw new LaunchException("the java executable " + java + " does not exist or is not executable: "
                    + "set the launcher option '" + JAVA_OPTION + "' or the system property " + JAVA_PROPERTY
                    + " to a JDK's bin/java");
        }
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(request.jvmOptions());
        if (!request.classPath().isEmpty()) {
            command.add("-cp");
            command.add(request.classPath().stream().map(Path::toString)
                    .collect(Collectors.joining(File.pathSeparator)));
        }
        command.add(request.mainClass());
        command.addAll(request.arguments());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(NULL_FILE))
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(request.environment());
        try {
            Process process = builder.start();
            LOGGER.debug("started {} as pid {}", request.processName(), process.pid());
            return new LocalProcess(process);
        } catch (IOException e) {
            throw new LaunchException("could not start " + java + " for process '" + request.processName()
                    + "': " + e.getMessage(), e);
        }
    }
}
