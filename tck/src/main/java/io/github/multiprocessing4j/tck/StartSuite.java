package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Multiprocessing;
import io.github.multiprocessing4j.SerializableRunnable;
import io.github.multiprocessing4j.TargetNotSerializableException;
import io.github.multiprocessing4j.tck.Scenario.ScenarioResult;
import io.github.multiprocessing4j.tck.scenarios.DaemonStartScenario;
import java.io.Serial;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC L8–L11: {@code start()}.
 */
@ExtendWith(NoLeakedProcesses.class)
public abstract class StartSuite extends TckSuite {

    /** For subclasses. */
    protected StartSuite() {
    }

    @Test
    void L8_aSecondStartThrows() throws Exception {
        ChildProcess process = started(Targets::nothing);
        IllegalStateException running = assertThrows(IllegalStateException.class, process::start);
        assertEquals("cannot start a process twice", running.getMessage());
        assertEquals(0, exitCodeAfterJoin(process));
        IllegalStateException ended = assertThrows(IllegalStateException.class, process::start);
        assertEquals("cannot start a process twice", ended.getMessage());
    }

    @Test
    void L8_settingDaemonAfterStartThrows() throws Exception {
        String ready = file("ready");
        String go = file("go");
        ChildProcess process = started(() -> Targets.readyThenAwait(ready, go));
        IllegalStateException running = assertThrows(IllegalStateException.class, () -> process.setDaemon(true));
        assertEquals("process has already started", running.getMessage());
        assertFalse(process.isDaemon());
        Targets.touch(go);
        assertEquals(0, exitCodeAfterJoin(process));
        IllegalStateException ended = assertThrows(IllegalStateException.class, () -> process.setDaemon(true));
        assertEquals("process has already started", ended.getMessage());
    }

    @Test
    void L9_startInsideADaemonChildThrows() {
        ScenarioResult result = scenario(DaemonStartScenario.class).run();
        String dump = result.describe();
        String expected = "java.lang.IllegalStateException: daemonic processes are not allowed to have children";
        assertEquals("true", result.value("current.daemon"), dump);
        assertEquals(expected, result.value("inherited.error"), "a child with the inherited daemon flag\n" + dump);
        assertEquals(expected, result.value("explicit.error"), "a child with daemon(false)\n" + dump);
        assertEquals("0", result.value("children"), dump);
        assertEquals("0", result.value("exit"), dump);
    }

    @Test
    void L10_aCapturedValueThatCannotBeSerializedFailsAtStartNamingItsClass() {
        Set<Long> childrenBefore = childPids();
        Thread thread = new Thread(Targets::nothing);
        SerializableRunnable target = () -> thread.setName("x");
        ChildProcess process = process(target);
        TargetNotSerializableException e = assertThrows(TargetNotSerializableException.class, process::start);
        assertTrue(e.getMessage().contains("java.lang.Thread"), "the message names the class: " + e.getMessage());
        assertEquals("java.lang.Thread", e.offendingClass());
        assertNothingStarted(process, childrenBefore);

        Object lock = new Object();
        ChildProcess second = process(() -> lock.notifyAll());
        TargetNotSerializableException e2 = assertThrows(TargetNotSerializableException.class, second::start);
        assertTrue(e2.getMessage().contains("java.lang.Object"), "the message names the class: " + e2.getMessage());
        assertNothingStarted(second, childrenBefore);
    }

    @Test
    void L10_aSubclassWithAFieldThatCannotBeSerializedFailsAtStartNamingTheFieldsClass() {
        Set<Long> childrenBefore = childPids();
        FieldProcess process = track(new FieldProcess());
        TargetNotSerializableException e = assertThrows(TargetNotSerializableException.class, process::start);
        assertTrue(e.getMessage().contains(NotSerializable.class.getName()),
                "the message names the class: " + e.getMessage());
        assertEquals(NotSerializable.class.getName(), e.offendingClass());
        assertNothingStarted(process, childrenBefore);
    }

    private static void assertNothingStarted(ChildProcess process, Set<Long> childrenBefore) {
        assertTrue(process.pid().isEmpty(), "no pid after a failed start");
        assertFalse(process.isAlive());
        assertFalse(Multiprocessing.activeChildren().contains(process), "not an active child");
        Set<Long> newChildren = childPids();
        newChildren.removeAll(childrenBefore);
        assertEquals(Set.of(), newChildren, "no OS process was started");
    }

    private static Set<Long> childPids() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    @Test
    void L11_whenStartReturnsThePidIsSetAndTheProcessIsAlive() throws Exception {
        String ready = file("ready");
        String go = file("go");
        ChildProcess process = process(() -> Targets.readyThenAwait(ready, go));
        process.start();
        assertTrue(process.pid().isPresent(), "pid() right after start()");
        assertTrue(process.isAlive(), "isAlive() right after start()");
        assertTrue(process.exitCode().isEmpty(), "exitCode() right after start()");
        if (launcher().has(Capability.HOST_PROCESS_TABLE)) {
            assertTrue(OsProcesses.isRunning(process.pid().getAsLong()), "pid " + process.pid() + " runs");
        }
        awaitFile(ready, "the target to run");
        Targets.touch(go);
        assertEquals(0, exitCodeAfterJoin(process));
    }

    /** A subclass with a field that cannot be serialized. */
    static final class FieldProcess extends ChildProcess {
        @Serial
        private static final long serialVersionUID = 1L;
        @SuppressWarnings("serial") // deliberately not serializable: that is the test
        private final Object helper = new NotSerializable();

        FieldProcess() {
        }

        @Override
        public void run() {
            System.out.println(helper);
        }
    }
}
