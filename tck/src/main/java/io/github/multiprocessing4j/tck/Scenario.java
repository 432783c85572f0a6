package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs a scenario: a main class of {@code io.github.multiprocessing4j.tck.scenarios} in a
 * separate "parent" JVM whose standard output and error are captured line by line. The local
 * launcher's children inherit their parent's file descriptors, so what a child prints can only
 * be observed from outside its parent; scenarios also let a test end the parent abruptly (SPEC
 * L23, L24) or run it with another class path (S1).
 *
 * <p>The scenario JVM gets this JVM's class path, every system property whose name starts with
 * {@code multiprocessing4j.}, the launcher under test (read back with
 * {@link TckLauncher#fromSystemProperties()}), a UTF-8 locale, and the
 * {@link NoLeakedProcesses#RUN_TAG_VARIABLE} environment variable that marks every process it
 * starts as this test run's.
 */
public final class Scenario {

    /**
     * A system property a launcher module's logging configuration for tests may honour as the
     * root log level (default INFO); the tck sets it to DEBUG where it checks what logs contain.
     */
    public static final String LOG_LEVEL_PROPERTY = "multiprocessing4j.tck.log.level";

    /** How long a scenario may run, unless the test says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final TckLauncher launcher;
    private final Class<?> mainClass;
    private final List<String> args;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final Set<String> removedProperties = new HashSet<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final Set<String> removedEnvironment = new HashSet<>();
    private final List<Path> extraClassPath = new ArrayList<>();
    private Predicate<Path> excludedClassPath = entry -> false;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Scenario(TckLauncher launcher, Class<?> mainClass, String... args) {
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
        this.args = List.of(args);
    }

    /**
     * A scenario that runs {@code mainClass} with {@code args} for {@code launcher}.
     *
     * @param launcher the launcher under test
     * @param mainClass the scenario's main class
     * @param args its arguments
     * @return the scenario, not yet started
     */
    public static Scenario of(TckLauncher launcher, Class<?> mainClass, String... args) {
        return new Scenario(launcher, mainClass, args);
    }

    /**
     * Sets a system property of the scenario JVM.
     *
     * @param key the name
     * @param value the value
     * @return this scenario
     */
    public Scenario systemProperty(String key, String value) {
        properties.put(key, value);
        removedProperties.remove(key);
        return this;
    }

    /**
     * Makes sure the scenario JVM does not get this system property from this JVM.
     *
     * @param key the name
     * @return this scenario
     */
    public Scenario withoutSystemProperty(String key) {
        properties.remove(key);
        removedProperties.add(key);
        return this;
    }

    /**
     * Sets an environment variable of the scenario JVM.
     *
     * @param key the name
     * @param value the value
     * @return this scenario
     */
    public Scenario environment(String key, String value) {
        environment.put(key, value);
        removedEnvironment.remove(key);
        return this;
    }

    /**
     * Removes an environment variable that the scenario JVM would inherit.
     *
     * @param key the name
     * @return this scenario
     */
    public Scenario withoutEnvironment(String key) {
        environment.remove(key);
        removedEnvironment.add(key);
        return this;
    }

    /**
     * Leaves the class path entries that match out of the scenario JVM's class path.
     *
     * @param excluded which entries to leave out
     * @return this scenario
     */
    public Scenario withoutClassPathEntries(Predicate<Path> excluded) {
        this.excludedClassPath = excludedClassPath.or(excluded);
        return this;
    }

    /**
     * Appends an entry to the scenario JVM's class path.
     *
     * @param entry a directory or jar
     * @return this scenario
     */
    public Scenario withClassPathEntry(Path entry) {
        extraClassPath.add(entry);
        return this;
    }

    /**
     * How long the scenario may run before it is killed and the test fails.
     *
     * @param timeout the limit
     * @return this scenario
     */
    public Scenario timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /**
     * Runs the scenario to its end: the JVM has exited and both output streams are closed
     * (which is when every process that inherited them has ended too).
     *
     * @return what it printed and its exit code
     */
    public ScenarioResult run() {
        try (Running running = start()) {
            running.awaitExit(timeout);
            running.awaitOutputClosed(timeout);
            return running.result();
        }
    }

    /**
     * Starts the scenario JVM and returns at once.
     *
     * @return the running scenario; close it to kill whatever is left of it
     */
    public Running start() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // scenario JVMs are short lived: start fast, stay small
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-Xshare:auto");
        command.add("-cp");
        command.add(classPath());
        Map<String, String> props = new LinkedHashMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(key -> key.startsWith("multiprocessing4j."))
                .sorted()
                .forEach(key -> props.put(key, System.getProperty(key)));
        props.put(TckLauncher.NAME_PROPERTY, launcher.name());
        launcher.options().forEach((key, value) -> props.put(TckLauncher.OPTION_PROPERTY_PREFIX + key, value));
        props.putAll(properties);
        removedProperties.forEach(props::remove);
        props.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add(mainClass.getName());
        command.addAll(args);

        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("LANG", "C.UTF-8");
        env.put("LC_ALL", "C.UTF-8");
        env.put(NoLeakedProcesses.RUN_TAG_VARIABLE, NoLeakedProcesses.RUN_TAG);
        env.putAll(environment);
        removedEnvironment.forEach(env::remove);
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return Running.start(builder, mainClass.getSimpleName(), timeout);
    }

    private String classPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty() && !excludedClassPath.test(Path.of(entry).toAbsolutePath().normalize())) {
                entries.add(entry);
            }
        }
        extraClassPath.forEach(path -> entries.add(path.toString()));
        return String.join(File.pathSeparator, entries);
    }

    /**
     * The class path entries of this JVM that contain the resource: for example every launcher
     * module, found by its {@code META-INF/services} file, without knowing its name.
     *
     * @param resource a resource name, like {@code META-INF/services/x.Y}
     * @return the entries (directories or jars), absolute and normalized
     */
    public static Set<Path> classPathEntriesWith(String resource) {
        Set<Path> entries = new HashSet<>();
        try {
            for (URL url : Collections.list(ClassLoader.getSystemClassLoader().getResources(resource))) {
                entries.add(entryOf(url, resource));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    /**
     * The class path entry (directory or jar) that a class was loaded from.
     *
     * @param type the class
     * @return the entry, absolute and normalized
     */
    public static Path classPathEntryOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path entryOf(URL url, String resource) {
        String text = url.toString();
        try {
            if (text.startsWith("jar:")) {
                String jar = text.substring("jar:".length(), text.indexOf("!/"));
                return Path.of(new java.net.URI(jar)).toAbsolutePath().normalize();
            }
            Path file = Path.of(url.toURI());
            Path entry = file;
            for (int i = 0; i < resource.split("/").length; i++) {
                entry = entry.getParent();
            }
            return entry.toAbsolutePath().normalize();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("unexpected resource URL " + url, e);
        }
    }

    /**
     * A scenario JVM that runs; close it to kill what is left of it and of its descendants.
     */
    public static final class Running implements AutoCloseable {

        private final Process process;
        private final String name;
        private final Duration defaultTimeout;
        private final Path fifos;
        private final List<String> stdout;
        private final List<String> stderr;
        private final CountDownLatch closed;
        private final Set<Long> adopted = Collections.synchronizedSet(new HashSet<>());

        private Running(Process process, String name, Duration defaultTimeout, Path fifos,
                        List<String> stdout, List<String> stderr, CountDownLatch closed) {
            this.process = process;
            this.name = name;
            this.defaultTimeout = defaultTimeout;
            this.fifos = fifos;
            this.stdout = stdout;
            this.stderr = stderr;
            this.closed = closed;
        }

        /**
         * Starts the JVM with its standard output and error captured.
         *
         * <p>They go to named pipes rather than to {@link ProcessBuilder.Redirect#PIPE}: when the
         * scenario JVM exits, the JDK closes the pipes it created for it, and a child that
         * inherited them and still runs (SPEC L23, L24) could not be heard any more. A named
         * pipe reaches end of stream only when every process that holds it has ended.
         */
        static Running start(ProcessBuilder builder, String name, Duration timeout) {
            Path fifos = null;
            try {
                fifos = Files.createTempDirectory("tck-scenario-");
                Path out = mkfifo(fifos.resolve("stdout"));
                Path err = mkfifo(fifos.resolve("stderr"));
                CountDownLatch closed = new CountDownLatch(2);
                List<String> outLines = Collections.synchronizedList(new ArrayList<>());
                List<String> errLines = Collections.synchronizedList(new ArrayList<>());
                // a reader must open a named pipe before a writer can: start them first
                startReader(name, out, outLines, "stdout", closed);
                startReader(name, err, errLines, "stderr", closed);
                Process process;
                try {
                    process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                } catch (IOException e) {
                    unblock(out);
                    unblock(err);
                    throw e;
                }
                return new Running(process, name, timeout, fifos, outLines, errLines, closed);
            } catch (IOException e) {
                deleteQuietly(fifos);
                throw new UncheckedIOException("could not start the scenario JVM: " + builder.command(), e);
            }
        }

        private static Path mkfifo(Path path) throws IOException {
            Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", path.toString())
                    .redirectErrorStream(true).start();
            try {
                String output = new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (mkfifo.waitFor() != 0) {
                    throw new IOException("mkfifo " + path + " failed: " + output.trim());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while creating " + path, e);
            }
            return path;
        }

        /** Lets a reader blocked in opening a named pipe go on to end of stream. */
        private static void unblock(Path fifo) {
            try {
                // opened and closed: the reader sees end of stream
                Files.newOutputStream(fifo).close();
            } catch (IOException e) {
                // the reader thread stays blocked; it is a daemon thread
            }
        }

        private static void startReader(String name, Path fifo, List<String> lines, String which,
                                        CountDownLatch closed) {
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(
                        new FileInputStream(fifo.toFile()), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("<tck: reading " + which + " failed: " + e + ">");
                } finally {
                    closed.countDown();
                }
            }, "tck-scenario-" + name + "-" + which);
            reader.setDaemon(true);
            reader.start();
        }

        private static void deleteQuietly(Path directory) {
            if (directory == null) {
                return;
            }
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // a temporary directory: the OS cleans it up eventually
            }
        }

        /**
         * The scenario JVM's process.
         *
         * @return the process
         */
        public Process process() {
            return process;
        }

        /**
         * Marks a pid (a child the scenario reported) to be killed by {@link #close()} if it
         * still runs then.
         *
         * @param pid the pid
         */
        public void adopt(long pid) {
            adopted.add(pid);
        }

        /**
         * Waits for a line on standard output that matches.
         *
         * @param matches the condition
         * @param timeout how long to wait at most
         * @return the first matching line
         * @throws InterruptedException if interrupted while waiting
         */
        public String awaitLine(Predicate<String> matches, Duration timeout) throws InterruptedException {
            AtomicReference<String> found = new AtomicReference<>();
            // stop early once nothing can print any more
            Poll.until(() -> {
                boolean ended = closed.getCount() == 0;
                synchronized (stdout) {
                    stdout.stream().filter(matches).findFirst().ifPresent(found::set);
                }
                return found.get() != null || ended;
            }, timeout);
            if (found.get() == null) {
                String dump = describe();
                close();
                fail("scenario " + name + ": the expected line did not appear "
                        + (closed.getCount() == 0 ? "before its output closed" : "within " + timeout) + "\n" + dump);
            }
            return found.get();
        }

        /**
         * Waits for the scenario JVM to exit; kills it and fails the test if it does not.
         *
         * @param timeout how long to wait at most
         * @return its exit code
         */
        public int awaitExit(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    close();
                    fail("scenario " + name + " did not end within " + timeout + ": killed it\n" + describe());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                fail("interrupted while waiting for scenario " + name);
            }
            return process.exitValue();
        }

        /**
         * Waits until both output streams are closed: every process that inherited them has
         * ended. Kills what is left and fails the test if that does not happen in time.
         *
         * @param timeout how long to wait at most
         */
        public void awaitOutputClosed(Duration timeout) {
            try {
                if (!closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    String dump = describe();
                    close();
                    fail("scenario " + name + ": its output stayed open for " + timeout
                            + " (a process that inherited it still runs): killed it\n" + dump);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                fail("interrupted while waiting for scenario " + name);
            }
        }

        /**
         * The result so far: call after {@link #awaitExit} and {@link #awaitOutputClosed}.
         *
         * @return the exit code (or -1 while running) and the lines
         */
        public ScenarioResult result() {
            int code = process.isAlive() ? -1 : process.exitValue();
            List<String> out;
            List<String> err;
            synchronized (stdout) {
                out = List.copyOf(stdout);
            }
            synchronized (stderr) {
                err = List.copyOf(stderr);
            }
            return new ScenarioResult(name, code, out, err);
        }

        /**
         * The output so far, for assertion messages.
         *
         * @return a readable dump
         */
        public String describe() {
            return result().describe();
        }

        /** Kills the scenario JVM, its descendants and every adopted pid that still runs. */
        @Override
        public void close() {
            Set<Long> victims = new HashSet<>(adopted);
            try {
                process.descendants().forEach(handle -> victims.add(handle.pid()));
            } catch (RuntimeException e) {
                // the process table could not be walked: the adopted pids are all we know
            }
            process.destroyForcibly();
            victims.forEach(OsProcesses::killQuietly);
            try {
                process.waitFor(defaultTimeout.toMillis(), TimeUnit.MILLISECONDS);
                closed.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteQuietly(fifos);
        }
    }

    /**
     * What a scenario printed, and how it ended.
     *
     * @param name the scenario's name
     * @param exitCode the scenario JVM's exit code
     * @param stdout the lines of its standard output (with those of every process that inherited it)
     * @param stderr the lines of its standard error
     */
    public record ScenarioResult(String name, int exitCode, List<String> stdout, List<String> stderr) {

        /**
         * The value of the first {@code key=value} line on standard output.
         *
         * @param key the key
         * @return the value; fails the test if there is no such line
         */
        public String value(String key) {
            return values(key).stream().findFirst()
                    .orElseGet(() -> fail("scenario " + name + " printed no line '" + key + "=...'\n" + describe()));
        }

        /**
         * The values of every {@code key=value} line on standard output.
         *
         * @param key the key
         * @return the values, in order
         */
        public List<String> values(String key) {
            String prefix = key + "=";
            return stdout.stream().filter(line -> line.startsWith(prefix))
                    .map(line -> line.substring(prefix.length())).collect(Collectors.toList());
        }

        /**
         * A readable dump of the exit code and the output, for assertion messages.
         *
         * @return the dump
         */
        public String describe() {
            return "--- scenario " + name + " exit code " + exitCode + "\n--- stdout (" + stdout.size() + " lines)\n"
                    + tail(stdout) + "--- stderr (" + stderr.size() + " lines)\n" + tail(stderr) + "---";
        }

        private static String tail(List<String> lines) {
            int from = Math.max(0, lines.size() - 80);
            StringBuilder text = new StringBuilder();
            if (from > 0) {
                text.append("  ... ").append(from).append(" lines before\n");
            }
            lines.subList(from, lines.size()).forEach(line -> text.append("  ").append(line).append('\n'));
            return text.toString();
        }
    }

    @Override
    public String toString() {
        return "Scenario[" + mainClass.getName() + (args.isEmpty() ? "" : " " + String.join(" ", args)) + "]";
    }
}
