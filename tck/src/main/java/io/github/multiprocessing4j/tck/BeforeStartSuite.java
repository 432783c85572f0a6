package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.ChildProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC L6–L7: a process that was not started.
 */
@ExtendWith(NoLeakedProcesses.class)
public abstract class BeforeStartSuite extends TckSuite {

    /** For subclasses. */
    protected BeforeStartSuite() {
    }

    @Test
    void L6_beforeStartPidAndExitCodeAreEmptyAndTheProcessIsNotAlive() {
        ChildProcess process = process(Targets::nothing);
        assertTrue(process.pid().isEmpty(), "pid");
        assertTrue(process.exitCode().isEmpty(), "exitCode");
        assertFalse(process.isAlive(), "isAlive");
    }

    @Test
    void L6_toStringOfAnUnstartedProcessIsPythonsRepr() {
        long me = ProcessHandle.current().pid();
        ChildProcess named = track(builder(Targets::nothing).name("tck-initial").build());
        assertEquals("<ChildProcess name='tck-initial' parent=" + me + " initial>", named.toString());

        ChildProcess unnamed = process(Targets::nothing);
        assertEquals("<ChildProcess name='ChildProcess-" + unnamed.identity().get(0) + "' parent=" + me + " initial>",
                unnamed.toString());

        ChildProcess daemon = track(builder(Targets::nothing).name("tck-initial-daemon").daemon(true).build());
        assertEquals("<ChildProcess name='tck-initial-daemon' parent=" + me + " initial daemon>", daemon.toString());
    }

    @Test
    void L7_joinBeforeStartThrows() {
        ChildProcess process = process(Targets::nothing);
        IllegalStateException join = assertThrows(IllegalStateException.class, process::join);
        assertEquals("can only join a started process", join.getMessage());
        IllegalStateException timed = assertThrows(IllegalStateException.class,
                () -> process.join(Duration.ofSeconds(1)));
        assertEquals("can only join a started process", timed.getMessage());
    }

    @Test
    void L7_terminateBeforeStartThrows() {
        ChildProcess process = process(Targets::nothing);
        IllegalStateException e = assertThrows(IllegalStateException.class, process::terminate);
        assertEquals("can only terminate a started process", e.getMessage());
    }

    @Test
    void L7_killBeforeStartThrows() {
        ChildProcess process = process(Targets::nothing);
        IllegalStateException e = assertThrows(IllegalStateException.class, process::kill);
        assertEquals("can only kill a started process", e.getMessage());
    }
}
