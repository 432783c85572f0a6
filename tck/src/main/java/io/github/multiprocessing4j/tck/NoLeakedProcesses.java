package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a suite that leaves a child JVM or scenario JVM running (STYLE: no child outlives the
 * test run). Before the suite's tests it records the processes whose command line names
 * {@code io.github.multiprocessing4j.internal.process.ChildRuntime} or a scenario class; after them it
 * waits up to 15 s for every new one of this test run to end, then kills the rest and fails
 * naming them.
 *
 * <p>A process is this run's if it descends from this JVM or carries the
 * {@link #RUN_TAG_VARIABLE} environment variable with this JVM's {@link #RUN_TAG}: scenario JVMs
 * and the suites' own children get it, and children inherit it from their parent even after
 * they were orphaned. So other builds on the same host are never mistaken for leaks.
 */
public final class NoLeakedProcesses implements BeforeAllCallback, AfterAllCallback {

    /** The environment variable that marks a process as started by this test run. */
    public static final String RUN_TAG_VARIABLE = "MULTIPROCESSING4J_TCK_RUN";
    /** This JVM's value of {@link #RUN_TAG_VARIABLE}. */
    public static final String RUN_TAG = UUID.randomUUID().toString();

    private static final List<String> MARKERS = List.of(
            "io.github.multiprocessing4j.internal.process.ChildRuntime",
            "io.github.multiprocessing4j.tck.scenarios");
    private static final Duration GRACE = Duration.ofSeconds(15);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(NoLeakedProcesses.class);
    private static final String BEFORE = "before";

    /** Created by JUnit through {@code @ExtendWith}. */
    public NoLeakedProcesses() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put(BEFORE, Set.copyOf(multiprocessingPids().keySet()));
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        @SuppressWarnings("unchecked")
        Set<Long> before = context.getStore(NAMESPACE).getOrDefault(BEFORE, Set.class, Set.of());
        AtomicReference<Map<Long, String>> leaked = new AtomicReference<>(Map.of());
        Poll.until(() -> {
            leaked.set(leaked(before));
            return leaked.get().isEmpty();
        }, GRACE);
        if (!leaked.get().isEmpty()) {
            leaked.get().keySet().forEach(OsProcesses::killQuietly);
            fail(context.getDisplayName() + " leaked " + leaked.get().size() + " process(es), still running "
                    + GRACE.toSeconds() + " s after its last test (now killed):\n" + leaked.get().entrySet().stream()
                    .map(entry -> "  pid " + entry.getKey() + ": " + entry.getValue())
                    .collect(Collectors.joining("\n")));
        }
    }

    private static Map<Long, String> leaked(Set<Long> before) {
        Set<Long> descendants = new HashSet<>();
        ProcessHandle.current().descendants().forEach(handle -> descendants.add(handle.pid()));
        Map<Long, String> leaked = new TreeMap<>();
        multiprocessingPids().forEach((pid, commandLine) -> {
            if (!before.contains(pid) && (descendants.contains(pid) || taggedForThisRun(pid))) {
                leaked.put(pid, commandLine);
            }
        });
        return leaked;
    }

    /**
     * Whether a process carries this run's tag in its environment: a child or scenario of this
     * test JVM, wherever it was reparented to.
     *
     * @param pid the pid
     * @return true if its environment can be read and has {@link #RUN_TAG_VARIABLE}={@link #RUN_TAG}
     */
    static boolean taggedForThisRun(long pid) {
        return OsProcesses.environment(pid)
                .map(env -> env.contains(RUN_TAG_VARIABLE + "=" + RUN_TAG))
                .orElse(false);
    }

    /** Running processes whose command line names a child runtime or a scenario, by pid. */
    private static Map<Long, String> multiprocessingPids() {
        Map<Long, String> found = new TreeMap<>();
        long self = ProcessHandle.current().pid();
        for (long pid : OsProcesses.allPids()) {
            if (pid == self) {
                continue;
            }
            Optional<List<String>> commandLine = OsProcesses.commandLine(pid);
            if (commandLine.isEmpty()) {
                continue;
            }
            String text = String.join(" ", commandLine.get());
            if (MARKERS.stream().anyMatch(text::contains) && OsProcesses.isRunning(pid)) {
                found.put(pid, abbreviate(commandLine.get()));
            }
        }
        return found;
    }

    private static String abbreviate(List<String> commandLine) {
        // the class path makes command lines unreadable: show the executable and what follows it
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < commandLine.size(); i++) {
            String arg = commandLine.get(i);
            if ((arg.equals("-cp") || arg.equals("-classpath")) && i + 1 < commandLine.size()) {
                text.append(arg).append(" <class path> ");
                i++;
            } else {
                text.append(arg).append(' ');
            }
        }
        return text.toString().trim();
    }
}
