package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.tck.Scenario.ScenarioResult;
import io.github.multiprocessing4j.tck.scenarios.ParentEndScenario;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC L23–L24: what happens to the children when their parent ends: normally, by SIGINT (a
 * normal end in Python), by SIGTERM (promptly, without waiting for non-daemon children), or
 * abruptly.
 * The parent is a scenario JVM; its children print to the output the test captures, and a
 * non-daemon child that runs to its end also says so with a file in {@link #tmp}.
 */
@ExtendWith(NoLeakedProcesses.class)
public abstract class ParentEndSuite extends TckSuite {

    /** SPEC L24: how soon the daemon children of a killed parent end. */
    private static final Duration ORPHAN_DEADLINE = Duration.ofSeconds(2);

    /** For subclasses. */
    protected ParentEndSuite() {
    }

    @Test
    void L23_whenMainReturnsDaemonChildrenAreEndedAndNonDaemonChildrenFinish() throws Exception {
        assertNormalEnd("return", null);
    }

    @Test
    void L23_onSystemExitDaemonChildrenAreEndedAndNonDaemonChildrenFinish() throws Exception {
        assertNormalEnd("exit", null);
    }

    @Test
    void L23_onSigtermDaemonChildrenAreEndedAndNonDaemonChildrenRunOnWithoutBeingWaitedFor() throws Exception {
        ScenarioResult result;
        Path exited = tmp.resolve(ParentEndScenario.exited(ParentEndScenario.NON_DAEMON));
        try (Scenario.Running running = scenario(ParentEndScenario.class, "term", tmp.toString()).start()) {
            running.awaitLine("READY=true"::equals, READY_TIMEOUT);
            ScenarioResult ready = running.result();
            long daemonPid = Long.parseLong(ready.value("daemon.pid"));
            long nonDaemonPid = Long.parseLong(ready.value("nondaemon.pid"));
            running.adopt(daemonPid);
            running.adopt(nonDaemonPid);

            running.process().destroy(); // SIGTERM
            running.awaitExit(Scenario.DEFAULT_TIMEOUT);
            boolean hostTable = launcher().has(Capability.HOST_PROCESS_TABLE);
            // checked the moment the parent is gone: its daemon child must have ended before it
            boolean daemonRunsAfterParent = hostTable && OsProcesses.isRunning(daemonPid);
            // the non-daemon child finishes only once the test lets it: had the parent waited
            // for it, the file would be there
            assertFalse(Files.exists(exited), "the parent waited for its non-daemon child after SIGTERM\n"
                    + running.describe());
            assertFalse(daemonRunsAfterParent,
                    "the daemon child (pid " + daemonPid + ") still ran when its parent had exited\n" + running.describe());
            if (hostTable) {
                assertTrue(OsProcesses.isRunning(nonDaemonPid), "the non-daemon child runs on after its parent ended\n"
                        + running.describe());
            }
            Targets.touch(tmp.resolve(ParentEndScenario.GO).toString());
            awaitFile(exited.toString(), "the non-daemon child to run to its end after its parent was terminated");
            running.awaitOutputClosed(Scenario.DEFAULT_TIMEOUT);
            result = running.result();
        }
        String dump = result.describe();
        if (launcher().has(Capability.OUTPUT_AFTER_PARENT_DEATH)) {
            assertTrue(result.stdout().stream().anyMatch(line -> line.startsWith("nondaemon.exiting=")),
                    "the non-daemon child's last line reached the output of its ended parent\n" + dump);
        }
        assertFalse(result.stdout().stream().anyMatch(line -> line.startsWith("daemon.exiting=")), dump);
        assertFalse(result.stdout().contains("not.signalled=true"), dump);
    }

    @Test
    void L23_onSigintDaemonChildrenAreEndedAndNonDaemonChildrenFinish() throws Exception {
        assertNormalEnd("signal", ParentEndSuite::interrupt);
    }

    /** Sends SIGINT, as Ctrl-C in a terminal does; the JDK can only send TERM and KILL. */
    private static void interrupt(Process process) {
        try {
            assertTrue(OsProcesses.signal(process.pid(), "INT", Duration.ofSeconds(10)),
                    "sh -c 'kill -INT " + process.pid() + "' failed");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void assertNormalEnd(String mode, Consumer<Process> signal) throws Exception {
        ScenarioResult result;
        long daemonPid;
        long nonDaemonPid;
        try (Scenario.Running running = scenario(ParentEndScenario.class, mode, tmp.toString()).start()) {
            running.awaitLine("READY=true"::equals, READY_TIMEOUT);
            ScenarioResult ready = running.result();
            daemonPid = Long.parseLong(ready.value("daemon.pid"));
            nonDaemonPid = Long.parseLong(ready.value("nondaemon.pid"));
            running.adopt(daemonPid);
            running.adopt(nonDaemonPid);
            if (signal != null) {
                signal.accept(running.process());
            }
            running.awaitExit(Scenario.DEFAULT_TIMEOUT);
            // checked the moment the parent is gone: its daemon child must have ended before it
            boolean daemonRunsAfterParent = launcher().has(Capability.HOST_PROCESS_TABLE)
                    && OsProcesses.isRunning(daemonPid);
            running.awaitOutputClosed(Scenario.DEFAULT_TIMEOUT);
            result = running.result();
            assertFalse(daemonRunsAfterParent,
                    "the daemon child (pid " + daemonPid + ") still ran when its parent had exited\n" + result.describe());
        }
        String dump = result.describe();
        assertTrue(result.stdout().contains("daemon.starting=" + daemonPid), dump);
        assertTrue(result.stdout().contains("nondaemon.exiting=" + nonDaemonPid),
                "the non-daemon child printed both lines\n" + dump);
        assertFalse(result.stdout().contains("daemon.exiting=" + daemonPid),
                "the daemon child is gone with its parent\n" + dump);
        assertFalse(result.stdout().contains("not.signalled=true"), dump);
    }

    @Test
    void L24_whenTheParentIsKilledItsDaemonChildrenEndWithin2sAndItsNonDaemonChildrenRunOn() throws Exception {
        requires(Capability.HOST_PROCESS_TABLE);
        ScenarioResult result;
        try (Scenario.Running running = scenario(ParentEndScenario.class, "kill", tmp.toString()).start()) {
            running.awaitLine("READY=true"::equals, READY_TIMEOUT);
            ScenarioResult ready = running.result();
            long daemonPid = Long.parseLong(ready.value("daemon.pid"));
            long nonDaemonPid = Long.parseLong(ready.value("nondaemon.pid"));
            long diesWithParentPid = Long.parseLong(ready.value("dieswithparent.pid"));
            running.adopt(daemonPid);
            running.adopt(nonDaemonPid);
            running.adopt(diesWithParentPid);

            running.process().destroyForcibly(); // SIGKILL: no shutdown code runs in the parent
            running.awaitExit(Scenario.DEFAULT_TIMEOUT);
            assertTrue(OsProcesses.awaitGone(daemonPid, ORPHAN_DEADLINE),
                    "the daemon child (pid " + daemonPid + ") still runs " + ORPHAN_DEADLINE.toSeconds()
                            + " s after its parent was killed\n" + running.describe());
            assertTrue(OsProcesses.awaitGone(diesWithParentPid, ORPHAN_DEADLINE),
                    "the dieWithParent child (pid " + diesWithParentPid + ") still runs " + ORPHAN_DEADLINE.toSeconds()
                            + " s after its parent was killed\n" + running.describe());
            assertTrue(OsProcesses.isRunning(nonDaemonPid),
                    "the non-daemon child (pid " + nonDaemonPid + ") keeps running after its parent was killed\n"
                            + running.describe());

            Targets.touch(tmp.resolve(ParentEndScenario.GO).toString());
            awaitFile(tmp.resolve(ParentEndScenario.exited(ParentEndScenario.NON_DAEMON)).toString(),
                    "the non-daemon child to run to completion after its parent was killed");
            running.awaitOutputClosed(Scenario.DEFAULT_TIMEOUT);
            result = running.result();
        }
        String dump = result.describe();
        if (launcher().has(Capability.OUTPUT_AFTER_PARENT_DEATH)) {
            // the child inherited the scenario's stdout: its last line arrives although its parent is dead
            assertTrue(result.stdout().stream().anyMatch(line -> line.startsWith("nondaemon.exiting=")),
                    "the non-daemon child's last line reached the output of its dead parent\n" + dump);
        }
        assertFalse(Files.exists(tmp.resolve(ParentEndScenario.exited(ParentEndScenario.DIES_WITH_PARENT))),
                "the dieWithParent child ran to completion\n" + dump);
        assertFalse(result.stdout().stream().anyMatch(line -> line.startsWith("daemon.exiting=")), dump);
        assertFalse(result.stdout().stream().anyMatch(line -> line.startsWith("dieswithparent.exiting=")), dump);
    }
}
