package io.github.multiprocessing4j.examples;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs each program of {@link Examples} as a user would, in a JVM of its own (the program's
 * exit is part of what it shows), and checks what it prints. Children run concurrently, so
 * lines are compared as collections, with order checked only where the program fixes it.
 */
class ExamplesTest {

    private static final Duration PROGRAM_DEADLINE = Duration.ofSeconds(90);
    private static final Duration TOUR_DEADLINE = Duration.ofSeconds(240);
    private static final Duration CHILDREN_GRACE = Duration.ofSeconds(5);

    @TempDir
    Path tempDir;

    @Test
    void createPrintsFiveGreetingsThenTheEnd() throws Exception {
        Run run = run(PROGRAM_DEADLINE, "create");

        run.assertExitCode(0);
        assertEquals(Collections.nCopies(5, "测试Python多进程"), run.stdout.subList(0, run.stdout.size() - 1), run::describe);
        assertEquals("结束测试", run.stdout.get(run.stdout.size() - 1), run::describe);
    }

    @Test
    void subclassRunsItsOwnRunWithItsName() throws Exception {
        Run run = run(PROGRAM_DEADLINE, "subclass");

        run.assertExitCode(0);
        assertEquals(List.of("测试Python多进程", "测试Python多进程", "测试Python多进程", "测试Python多进程",
                "测试Python多进程", "结束测试"), run.stdout, run::describe);
    }

    @Test
    void nameShowsTheGivenAndTheDefaultName() throws Exception {
        Run run = run(PROGRAM_DEADLINE, "name");

        run.assertExitCode(0);
        assertEquals(sorted("Starting foo_process", "Exiting foo_process",
                "Starting ChildProcess-2", "Exiting ChildProcess-2"), sorted(run.stdout), run::describe);
        assertTrue(run.stdout.indexOf("Starting foo_process") < run.stdout.indexOf("Exiting foo_process"), run::describe);
    }

    @Test
    void pidPrintsTheTutorialsLinesWithEachChildsPidAsTheHostSeesIt() throws Exception {
        Run run = run(PROGRAM_DEADLINE, "pid");

        run.assertExitCode(0);
        List<Long> starting = pidsIn(run, "Starting ");
        List<Long> exiting = pidsIn(run, "Exiting ");
        assertEquals(4, run.stdout.size(), run::describe);
        assertEquals(2, starting.stream().distinct().count(), "two children, two pids: " + run.describe());
        assertEquals(starting.stream().sorted().toList(), exiting.stream().sorted().toList(), run::describe);
        for (long pid : starting) {
            assertTrue(run.stdout.indexOf("Starting " + pid) < run.stdout.indexOf("Exiting " + pid), run::describe);
        }
        List<Long> children = run.children().stream().map(ProcessHandle::pid).toList();
        assertTrue(children.containsAll(starting),
                "the printed pids are the program's child processes " + children + ": " + run.describe());
    }

    @Test
    void daemonIsEndedByTheParentsExitAndTheOtherChildIsAwaited() throws Exception {
        Run run = run(PROGRAM_DEADLINE, "daemon");

        run.assertExitCode(0);
        assertTrue(run.stdout.contains("Starting NO_background_process"), run::describe);
        assertTrue(run.stdout.contains("Exiting NO_background_process"), run::describe);
        assertFalse(run.stdout.contains("Exiting background_process"), run::describe);
        assertFalse(run.children().isEmpty(), "the children were seen, so 'none outlived the program' means something");
        List<String> others = new ArrayList<>(run.stdout);
        others.removeAll(List.of("Starting NO_background_process", "Exiting NO_background_process",
                "Starting background_process"));
        assertEquals(List.of(), others, run::describe);
    }

    @Test
    void terminateEndsTheChildWithSigterm() throws Exception {
        Run run = run(PROGRAM_DEADLINE, "terminate");

        run.assertExitCode(0);
        List<String> parent = run.stdout.stream().filter(line -> line.startsWith("Process ")).toList();
        assertEquals(5, parent.size(), run::describe);
        assertAll(run.describe(),
                () -> assertTrue(parent.get(0).matches(
                        "Process before execution: <ChildProcess name='ChildProcess-1' parent=\\d+ initial> false")),
                () -> assertTrue(parent.get(1).matches(
                        "Process running: <ChildProcess name='ChildProcess-1' pid=\\d+ parent=\\d+ started> true")),
                () -> assertTrue(parent.get(2).startsWith("Process terminated: <ChildProcess name='ChildProcess-1' pid=")),
                () -> assertTrue(parent.get(3).matches("Process joined: <ChildProcess name='ChildProcess-1' pid=\\d+ "
                        + "parent=\\d+ stopped exitcode=-SIGTERM> false")),
                () -> assertEquals("Process exit code: -15", parent.get(4)));
    }

    @Test
    void pipePrintsTheListTheChildSent() throws Exception {
        Run run = run(PROGRAM_DEADLINE, "pipe");

        run.assertExitCode(0);
        assertEquals(List.of("[42, null, hello]"), run.stdout, run::describe);
    }

    @Test
    void queueConsumerPrintsTheProducersItemsInOrderUntilTheSentinel() throws Exception {
        Run run = run(PROGRAM_DEADLINE, "queue");

        run.assertExitCode(0);
        assertEquals(List.of("consumed item 0", "consumed item 1", "consumed item 2", "consumed item 3",
                "consumed item 4", "done"), run.stdout, run::describe);
    }

    @Test
    void sharedPrintsTheExactCountOfFourChildrenAndTheArrayTheyFilled() throws Exception {
        Run run = run(PROGRAM_DEADLINE, "shared");

        run.assertExitCode(0);
        assertEquals(List.of("counter = 4000", "squares = [0, 1, 4, 9, 16, 25, 36, 49]",
                "done = {child 0=1000, child 1=1000, child 2=1000, child 3=1000}"), run.stdout, run::describe);
    }

    @Test
    void resultPrintsTheValueAndTheChildsExceptionWithItsStackTrace() throws Exception {
        Run run = run(PROGRAM_DEADLINE, "result");

        run.assertExitCode(0);
        assertEquals(3, run.stdout.size(), run::describe);
        assertAll(run.describe(),
                () -> assertEquals("CallableProcess-1 computed the sum of the squares of 1 to 10: 385",
                        run.stdout.get(0)),
                () -> assertEquals("CallableProcess-2 failed: java.lang.ArithmeticException: / by zero",
                        run.stdout.get(1)),
                () -> assertTrue(run.stdout.get(2).matches("    at io\\.github\\.multiprocessing4j\\.examples\\."
                        + "ResultExample\\.divide\\(ResultExample\\.java:\\d+\\)")),
                () -> assertTrue(run.stderr.contains("Process CallableProcess-2:"), "the failing child's own report"));
    }

    @Test
    void managerPrintsTheDictAndTheReversedListTheChildWrote() throws Exception {
        Run run = run(PROGRAM_DEADLINE, "manager");

        run.assertExitCode(0);
        assertEquals(List.of("{1=1, 2=2, 0.25=null}", "[9, 8, 7, 6, 5, 4, 3, 2, 1, 0]"), run.stdout, run::describe);
    }

    @Test
    void tourRunsEveryProgramUnderItsHeadingWithTheDaemonLast() throws Exception {
        Run run = run(TOUR_DEADLINE, "tour");

        run.assertExitCode(0);
        List<String> headings = run.stdout.stream().filter(line -> line.startsWith("== ")).toList();
        assertEquals(List.of("== create ==", "== subclass ==", "== name ==", "== pid ==", "== terminate ==",
                "== pipe ==", "== queue ==", "== result ==", "== daemon =="), headings, run::describe);
        assertEquals(List.of("测试Python多进程", "测试Python多进程", "测试Python多进程", "测试Python多进程",
                "测试Python多进程", "结束测试", ""), section(run, "create"), run::describe);
        List<String> name = section(run, "name");
        assertTrue(name.contains("Exiting foo_process") && name.stream().filter(l -> l.startsWith("Exiting ")).count() == 2,
                "every child of 'name' ended before the next program: " + run.describe());
        assertEquals("Process exit code: -15", section(run, "terminate").stream()
                .filter(line -> line.startsWith("Process exit code:")).findFirst().orElse(""), run::describe);
        assertEquals(List.of("[42, null, hello]", ""), section(run, "pipe"), run::describe);
        assertEquals(List.of("consumed item 0", "consumed item 1", "consumed item 2", "consumed item 3",
                "consumed item 4", "done", ""), section(run, "queue"), run::describe);
        List<String> result = section(run, "result");
        assertTrue(result.size() == 4 && result.get(0).endsWith(" computed the sum of the squares of 1 to 10: 385")
                && result.get(1).endsWith(" failed: java.lang.ArithmeticException: / by zero"), run::describe);
        List<String> daemon = section(run, "daemon");
        assertTrue(daemon.contains("Exiting NO_background_process"), run::describe);
        assertFalse(daemon.contains("Exiting background_process"), run::describe);
    }

    @Test
    void executorPrintsPythonsSixLinesThenTheCountItComposedFromTheFutures() throws Exception {
        Run run = run(PROGRAM_DEADLINE, "executor");

        run.assertExitCode(0);
        assertEquals(List.of("112272535095293 is prime: True", "112582705942171 is prime: True",
                "112272535095293 is prime: True", "115280095190773 is prime: True", "115797848077099 is prime: True",
                "1099726899285419 is prime: False", "5 of 6 are prime"), run.stdout, run::describe);
    }

    @Test
    void anUnknownProgramGetsUsageOnStderrAndExitCode2() throws Exception {
        Run run = run(PROGRAM_DEADLINE, "fork");

        run.assertExitCode(2);
        assertEquals(List.of(), run.stdout, run::describe);
        assertTrue(run.stderr.contains("unknown program 'fork'") && run.stderr.contains("usage:"), run::describe);
    }

    @Test
    void noProgramGetsUsageOnStderrAndExitCode2() throws Exception {
        Run run = run(PROGRAM_DEADLINE);

        run.assertExitCode(2);
        assertEquals(List.of(), run.stdout, run::describe);
        assertTrue(run.stderr.contains("usage:"), run::describe);
    }

    // ---------------------------------------------------------------- running a program

    /** What a program printed and how it ended. */
    private record Run(List<String> arguments, int exitCode, List<String> stdout, String stderr,
                       List<ProcessHandle> children) {

        /** Checks the exit code, and that no child outlived the program (SPEC L23). */
        void assertExitCode(int expected) throws InterruptedException {
            assertEquals(expected, exitCode, this::describe);
            long end = System.nanoTime() + CHILDREN_GRACE.toNanos();
            while (children.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() - end < 0) {
                Thread.sleep(50);
            }
            assertEquals(List.of(), children.stream().filter(ProcessHandle::isAlive).toList(),
                    () -> "children alive " + CHILDREN_GRACE + " after the program ended; " + describe());
        }

        String describe() {
            return "examples " + String.join(" ", arguments) + " exited with " + exitCode
                    + "\n--- stdout\n" + String.join("\n", stdout) + "\n--- stderr\n" + stderr;
        }
    }

    /**
     * Runs {@code Examples} in a new JVM with this test's class path, the launcher chosen the
     * usual way (the system property is passed on; the environment is inherited).
     */
    private Run run(Duration deadline, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String launcher = System.getProperty("multiprocessing4j.launcher");
        if (launcher != null) {
            command.add("-Dmultiprocessing4j.launcher=" + launcher);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Examples.class.getName());
        command.addAll(List.of(arguments));
        Path out = tempDir.resolve("stdout.txt");
        Path err = tempDir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        // The programs print Chinese: make the JVMs' standard streams UTF-8 whatever this locale is.
        builder.environment().put("LC_ALL", "C.UTF-8");
        Process process = builder.start();
        List<ProcessHandle> seen = new ArrayList<>();
        try {
            long end = System.nanoTime() + deadline.toNanos();
            while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
                process.descendants().filter(child -> !seen.contains(child)).forEach(seen::add);
                if (System.nanoTime() - end > 0) {
                    fail("examples " + String.join(" ", arguments) + " did not end within " + deadline
                            + "\n--- stdout\n" + Files.readString(out, StandardCharsets.UTF_8)
                            + "\n--- stderr\n" + Files.readString(err, StandardCharsets.UTF_8));
                }
            }
            return new Run(List.of(arguments), process.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), List.copyOf(seen));
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            seen.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** The numbers on the lines {@code <prefix><pid>}, in order; every other line is ignored. */
    private static List<Long> pidsIn(Run run, String prefix) {
        Pattern pattern = Pattern.compile(Pattern.quote(prefix) + "(\\d+)");
        List<Long> pids = new ArrayList<>();
        for (String line : run.stdout) {
            Matcher matcher = pattern.matcher(line);
            if (matcher.matches()) {
                pids.add(Long.parseLong(matcher.group(1)));
            }
        }
        return pids;
    }

    /** The lines after {@code == name ==}, up to the next heading. */
    private static List<String> section(Run run, String name) {
        int start = run.stdout.indexOf("== " + name + " ==");
        assertTrue(start >= 0, run::describe);
        int end = start + 1;
        while (end < run.stdout.size() && !run.stdout.get(end).startsWith("== ")) {
            end++;
        }
        return run.stdout.subList(start + 1, end);
    }

    private static List<String> sorted(String... lines) {
        return sorted(List.of(lines));
    }

    private static List<String> sorted(List<String> lines) {
        List<String> copy = new ArrayList<>(lines);
        Collections.sort(copy);
        return copy;
    }
}
