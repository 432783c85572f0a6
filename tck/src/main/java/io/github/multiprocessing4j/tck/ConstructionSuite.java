package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.tck.Scenario.ScenarioResult;
import io.github.multiprocessing4j.tck.scenarios.ChildViewScenario;
import io.github.multiprocessing4j.tck.scenarios.NamesScenario;
import java.io.Serial;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC L1–L5: how a process is constructed, named and flagged, and what {@code run()} does.
 */
@ExtendWith(NoLeakedProcesses.class)
public abstract class ConstructionSuite extends TckSuite {

    /** For subclasses. */
    protected ConstructionSuite() {
    }

    @Test
    void L1_aLambdaTargetRunsInTheChildWithTheValuesItCaptured() throws Exception {
        int code = 7;
        ChildProcess process = started(() -> Targets.exit(code));
        assertEquals(7, exitCodeAfterJoin(process));
    }

    @Test
    void L1_aMethodReferenceTargetRunsInTheChild() throws Exception {
        assertEquals(42, exitCodeAfterJoin(started(Targets::exit42)));
    }

    @Test
    void L1_anObjectTargetRunsInTheChildWithItsFields() throws Exception {
        assertEquals(23, exitCodeAfterJoin(started(new ExitWith(23))));
    }

    @Test
    void L1_aMainClassRunsInTheChildWithItsArguments() throws Exception {
        ChildProcess process = track(builderOfMain(ExitWithSumMain.class, "20", "13").build());
        process.start();
        assertEquals(33, exitCodeAfterJoin(process));
    }

    @Test
    void L1_ofMainAndTheTargetConstructorUseTheDefaultLauncher() throws Exception {
        ChildProcess main = track(ChildProcess.ofMain(ExitWithSumMain.class, "1", "2"));
        ChildProcess target = track(new ChildProcess(() -> Targets.exit(5)));
        main.start();
        target.start();
        assertEquals(3, exitCodeAfterJoin(main));
        assertEquals(5, exitCodeAfterJoin(target));
    }

    @Test
    void L1_aSubclassRunsItsOwnRunWithTheFieldsSetInTheParent() throws Exception {
        ExitCodeProcess process = track(new ExitCodeProcess());
        process.code = 44; // set after construction: the object as it is at start() travels
        process.start();
        assertEquals(44, exitCodeAfterJoin(process));
    }

    @Test
    void L2_defaultNamesCountFromOneInAFreshJvmAndAChildCountsBelowItsIdentity() {
        ScenarioResult result = scenario(NamesScenario.class).run();
        String dump = result.describe();
        assertEquals("ChildProcess-1", result.value("first"), dump);
        assertEquals("[1]", result.value("first.identity"), dump);
        assertEquals("MyProcess-2", result.value("subclass"), dump);
        assertEquals("given", result.value("named"), dump);
        assertEquals("ChildProcess-4", result.value("fourth"), "a given name still takes a number\n" + dump);
        assertEquals("ChildProcess-4", result.value("null.name"), dump);
        assertEquals("ChildProcess-4", result.value("empty.name"), dump);
        assertEquals("ChildProcess-5", result.value("built.empty.name"), dump);
        assertEquals("ChildProcess-6", result.value("child"), dump);
        assertEquals("6", result.value("child.identity"), dump);
        assertEquals("ChildProcess-6:1", result.value("grandchild.first"), dump);
        assertEquals("MyProcess-6:2", result.value("grandchild.second"), dump);
        assertEquals("0", result.value("exit"), dump);
        assertEquals(0, result.exitCode(), dump);
    }

    @Test
    void L2_everyConstructionTakesTheNextNumberEvenWhenNamedOrNeverStarted() {
        // other tests in this JVM construct processes too: compare numbers relative to the first
        ChildProcess first = process(Targets::nothing);
        List<Integer> identity = first.identity();
        assertEquals(1, identity.size(), "identity of a process created in the main JVM: " + identity);
        int n = identity.get(0);
        assertEquals("ChildProcess-" + n, first.getName());

        ChildProcess named = track(builder(Targets::nothing).name("tck-given").build());
        assertEquals("tck-given", named.getName());
        assertEquals(List.of(n + 1), named.identity());

        ChildProcess unnamed = track(new ChildProcess(Targets::nothing));
        assertEquals("ChildProcess-" + (n + 2), unnamed.getName());

        ExitCodeProcess subclass = track(new ExitCodeProcess());
        assertEquals("ExitCodeProcess-" + (n + 3), subclass.getName());
    }

    @Test
    void L2_anEmptyOrNullNameMeansTheDefault() {
        ChildProcess built = track(builder(Targets::nothing).name("").build());
        String expected = "ChildProcess-" + built.identity().get(0);
        assertEquals(expected, built.getName());
        built.setName("tck-other");
        built.setName(null);
        assertEquals(expected, built.getName());
        built.setName("tck-other");
        built.setName("");
        assertEquals(expected, built.getName());
        ChildProcess nullBuilt = track(builder(Targets::nothing).name(null).build());
        assertEquals("ChildProcess-" + nullBuilt.identity().get(0), nullBuilt.getName());
    }

    @Test
    void L3_theNameCanChangeAtAnyTimeAndTheChildSeesTheNameItHadAtStart() {
        ScenarioResult result = scenario(ChildViewScenario.class, "rename").run();
        String dump = result.describe();
        assertEquals("tck-at-start", result.value("child.name"), dump);
        assertEquals("tck-after-start", result.value("parent.after.start"), dump);
        assertEquals("tck-after-close", result.value("parent.after.close"), dump);
        assertEquals("0", result.value("exit"), dump);
    }

    @Test
    void L4_anUnsetDaemonFlagIsFalseInTheMainJvmAndAnExplicitOneWins() {
        assertFalse(process(Targets::nothing).isDaemon());
        assertFalse(track(new ChildProcess(Targets::nothing)).isDaemon());
        assertTrue(track(builder(Targets::nothing).daemon(true).build()).isDaemon());
        assertFalse(track(builder(Targets::nothing).daemon(false).build()).isDaemon());
        ChildProcess changed = process(Targets::nothing);
        changed.setDaemon(true);
        assertTrue(changed.isDaemon());
    }

    @Test
    void L4_anUnsetDaemonFlagIsInheritedFromTheCreatingProcess() throws Exception {
        ChildProcess daemon = track(builder(Targets::exitWithInheritedDaemonFlag).daemon(true).build());
        ChildProcess nonDaemon = track(builder(Targets::exitWithInheritedDaemonFlag).daemon(false).build());
        daemon.start();
        nonDaemon.start();
        assertEquals(10, exitCodeAfterJoin(daemon), "in a daemon child, a new process is a daemon (exit 10)");
        assertEquals(11, exitCodeAfterJoin(nonDaemon), "in a non-daemon child, a new process is not (exit 11)");
    }

    @Test
    void L5_callingRunDirectlyRunsTheTargetInTheCallingJvm() throws Exception {
        int before = Targets.RUNS_HERE.get();
        ChildProcess process = process(Targets::runHere);
        process.run();
        assertEquals(before + 1, Targets.RUNS_HERE.get(), "run() ran the target in this JVM");
        assertTrue(process.pid().isEmpty(), "run() starts no process");
        assertFalse(process.isAlive());

        RunHereProcess subclass = track(new RunHereProcess());
        subclass.run();
        assertEquals(before + 2, Targets.RUNS_HERE.get(), "a subclass's run() ran in this JVM");
        assertTrue(subclass.pid().isEmpty());
    }

    /** A target object with a field. */
    static final class ExitWith implements SerializableRunnable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final int code;

        ExitWith(int code) {
            this.code = code;
        }

        @Override
        public void run() {
            System.exit(code);
        }
    }

    /** A subclass that exits with a field's value. */
    static final class ExitCodeProcess extends ChildProcess {
        @Serial
        private static final long serialVersionUID = 1L;
        int code;

        ExitCodeProcess() {
        }

        @Override
        public void run() {
            System.exit(code);
        }
    }

    /** A subclass whose run() counts runs in the JVM it runs in. */
    static final class RunHereProcess extends ChildProcess {
        @Serial
        private static final long serialVersionUID = 1L;

        RunHereProcess() {
        }

        @Override
        public void run() {
            Targets.runHere();
        }
    }
}
