package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.ProcessInfo;
import io.github.multiprocessing4j.tck.Scenario.ScenarioResult;
import io.github.multiprocessing4j.tck.scenarios.ChildShutdownScenario;
import io.github.multiprocessing4j.tck.scenarios.ChildViewScenario;
import io.github.multiprocessing4j.tck.scenarios.CrashScenario;
import io.github.multiprocessing4j.tck.scenarios.StdioScenario;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC L12–L15: what the child sees of itself and its parent, its standard streams, how it ends.
 */
@ExtendWith(NoLeakedProcesses.class)
public abstract class ChildViewSuite extends TckSuite {

    /** For subclasses. */
    protected ChildViewSuite() {
    }

    @Test
    void L12_theChildSeesItsNameDaemonFlagIdentityAndThePidItsParentReports() {
        ScenarioResult result = scenario(ChildViewScenario.class, "view").run();
        String dump = result.describe();
        assertEquals("MainProcess", result.value("main.name"), dump);
        assertEquals("false", result.value("main.parent.present"), dump);
        assertEquals(result.value("main.os.pid"), result.value("main.pid"), dump);

        for (String child : List.of("child", "daemonchild")) {
            assertEquals(result.value("parent." + child + ".name"), result.value(child + ".name"), dump);
            assertEquals(result.value("parent." + child + ".pid"), result.value(child + ".pid"),
                    "currentProcess().pid() in the child equals pid() in the parent\n" + dump);
            assertEquals(result.value("parent." + child + ".identity"), result.value(child + ".identity"), dump);
            assertEquals("true", result.value(child + ".parent.present"), dump);
            assertEquals("MainProcess", result.value(child + ".parent.name"), dump);
            assertEquals(result.value("main.pid"), result.value(child + ".parent.pid"), dump);
            if (launcher().has(Capability.SAME_PID_NAMESPACE)) {
                assertEquals(result.value(child + ".pid"), result.value(child + ".os.pid"), dump);
            }
        }
        assertEquals("tck-view", result.value("child.name"), dump);
        assertEquals("false", result.value("child.daemon"), dump);
        assertEquals("true", result.value("daemonchild.daemon"), dump);
        assertEquals("0", result.value("child.exit"), dump);
        assertEquals("0", result.value("daemonchild.exit"), dump);
    }

    @Test
    void L12_theMainJvmIsMainProcessAndHasNoParent() {
        ProcessInfo current = Multiprocessing.currentProcess();
        assertEquals("MainProcess", current.name());
        assertEquals(ProcessHandle.current().pid(), current.pid());
        assertFalse(current.isDaemon());
        assertEquals(List.of(), current.identity());
        assertTrue(Multiprocessing.parentProcess().isEmpty(), "parentProcess() in the main JVM");
    }

    @Test
    void L13_theChildsStandardInputIsEmpty() {
        ScenarioResult result = scenario(StdioScenario.class, "stdin").run();
        assertEquals("-1", result.value("child.stdin"), "System.in.read() in the child: end of stream at once\n"
                + result.describe());
        assertEquals("0", result.value("exit"), result.describe());
    }

    @Test
    void L13_standardOutputAndErrorReachTheParentLineForLine() {
        int lines = 200;
        ScenarioResult result = scenario(StdioScenario.class, "lines", Integer.toString(lines)).run();
        String dump = result.describe();
        assertEquals(StdioScenario.expectedOut(lines), result.stdout().stream()
                .filter(line -> !line.startsWith("exit=")).collect(Collectors.toList()), dump);
        assertEquals(StdioScenario.expectedErr(lines), result.stderr().stream()
                .filter(line -> line.startsWith(StdioScenario.ERR_PREFIX)).collect(Collectors.toList()), dump);
        assertEquals("0", result.value("exit"), dump);
    }

    @Test
    void L14_returningFromTheTargetExitsWithZero() throws Exception {
        assertEquals(0, exitCodeAfterJoin(started(Targets::nothing)));
    }

    @Test
    void L14_systemExitCodesAreKeptAsTheOsKeepsThem() throws Exception {
        ChildProcess three = started(() -> Targets.exit(3));
        ChildProcess wrapped = started(() -> Targets.exit(256));
        ChildProcess negative = started(() -> Targets.exit(-1));
        assertEquals(3, exitCodeAfterJoin(three), "System.exit(3)");
        assertEquals(0, exitCodeAfterJoin(wrapped), "System.exit(256)");
        assertEquals(255, exitCodeAfterJoin(negative), "System.exit(-1)");
    }

    @Test
    void L14_anUncaughtExceptionPrintsTheProcessNameAndStackTraceAndExitsWithOne() {
        ScenarioResult result = scenario(CrashScenario.class).run();
        String dump = result.describe();
        assertEquals("1", result.value("exit"), dump);
        List<String> err = result.stderr();
        int header = err.indexOf("Process tck-crash:");
        assertTrue(header >= 0, "a line 'Process tck-crash:' on stderr\n" + dump);
        List<String> after = err.subList(header + 1, err.size());
        assertTrue(after.stream().anyMatch(line -> line.contains("java.lang.IllegalStateException: " + CrashScenario.MESSAGE)),
                "the exception follows the header\n" + dump);
        assertTrue(after.stream().anyMatch(line -> line.startsWith("\tat ") && line.contains("Targets.fail")),
                "the stack trace follows the header\n" + dump);

        assertEquals("1", result.value("checked.exit"), "a checked exception out of the target is exit code 1\n" + dump);
        int checkedHeader = err.indexOf("Process tck-checked:");
        assertTrue(checkedHeader >= 0, "a line 'Process tck-checked:' on stderr\n" + dump);
        assertTrue(err.subList(checkedHeader + 1, err.size()).stream()
                        .anyMatch(line -> line.contains("java.io.IOException: " + CrashScenario.MESSAGE)),
                "the checked exception follows the header\n" + dump);
    }

    @Test
    void L15_beforeExitingAChildEndsItsDaemonChildrenAndWaitsForItsNonDaemonChildrenAndThreads() {
        ScenarioResult result = scenario(ChildShutdownScenario.class, tmp.toString()).run();
        String dump = result.describe();
        List<String> out = result.stdout();
        int childExit = out.indexOf("c.exit=0");
        assertTrue(childExit >= 0, "the child exited with 0\n" + dump);
        int nonDaemonChild = out.indexOf("n.finished=true");
        int nonDaemonThread = out.indexOf("t.finished=true");
        assertTrue(nonDaemonChild >= 0 && nonDaemonChild < childExit,
                "the child's non-daemon child finished before the child ended\n" + dump);
        assertTrue(nonDaemonThread >= 0 && nonDaemonThread < childExit,
                "the child's non-daemon thread finished before the child ended\n" + dump);
        assertFalse(out.contains("d.finished=true"), "the child's daemon child was ended, not waited for\n" + dump);
        if (launcher().has(Capability.GRANDCHILDREN_IN_HOST_PROCESS_TABLE)) {
            assertEquals("true", result.value("d.gone.within.2s"),
                    "the child's daemon child ended with the child\n" + dump);
        }
    }
}
