package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Queue;
import io.github.multiprocessing4j.SharedMemory;
import io.github.multiprocessing4j.tck.scenarios.SharedStateScenario;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Python's {@code multiprocessing.shared_memory.SharedMemory} (SPEC M6): exactly one owner
 * creates and unlinks a block, any process of the tree attaches to it by name, and a block whose
 * owner died without unlinking is gone by the next session at the latest. What a child observes
 * comes back on a queue of reports.
 */
@ExtendWith(NoLeakedProcesses.class)
public abstract class SharedMemorySuite extends TckSuite {

    /** For subclasses. */
    protected SharedMemorySuite() {
    }

    /** What one line of a child's report says about a call: its result, or the exception's class and message. */
    private static String outcome(CheckedCall call) {
        try {
            return "ok " + call.run();
        } catch (Exception e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    @FunctionalInterface
    private interface CheckedCall extends java.io.Serializable {
        Object run() throws Exception;
    }

    /**
     * The owner creates a block and writes to it; a child attaches by name, reads the owner's
     * bytes and writes its own, which the owner then reads. The child's copy of the owner's
     * handle is not the owner: its unlink fails; so does attaching with a size larger than the
     * block, or to a name that does not exist.
     */
    @Test
    void m6_theOwnerCreatesAChildAttachesByNameWritesAndTheOwnerSeesIt() throws Exception {
        requires(Capability.SAME_HOST_SHARED_MEMORY);
        SharedMemory block = SharedMemory.create(4096);
        try {
            assertTrue(block.isOwner());
            block.buffer().putLong(0, 0x0123_4567_89AB_CDEFL);
            String name = block.name();
            Queue<String> reports = new Queue<>();
            ChildProcess child = started(CheckedTarget.unchecked(() -> {
                SharedMemory attached = SharedMemory.attach(name);
                ByteBuffer bytes = attached.buffer();
                reports.put("size " + attached.size() + ", owner " + attached.isOwner() + ", read "
                        + Long.toHexString(bytes.getLong(0)));
                bytes.put(4095, (byte) 42);
                attached.close();
                reports.put(outcome(() -> attached.buffer()));
                reports.put(outcome(() -> {
                    block.unlink();
                    return "unlinked";
                }));
                reports.put(outcome(() -> SharedMemory.attach(name, 4097)));
                reports.put(outcome(() -> SharedMemory.attach("no-such-block")));
            }));
            assertEquals("size 4096, owner false, read 123456789abcdef", next(reports));
            String closed = next(reports);
            assertTrue(closed.startsWith("IllegalStateException: SharedMemory '" + name + "' is closed"), closed);
            String unlink = next(reports);
            assertTrue(unlink.startsWith("IllegalStateException: only the SharedMemory that created block"), unlink);
            String tooLarge = next(reports);
            assertTrue(tooLarge.contains("has 4096 bytes, fewer than the 4097 asked for"), tooLarge);
            String missing = next(reports);
            assertTrue(missing.startsWith("IllegalArgumentException: no shared memory block named 'no-such-block'"), missing);
            assertEquals(0, exitCodeAfterJoin(child));
            assertEquals(42, block.buffer().get(4095), "the child's write is seen by the owner");
        } finally {
            block.unlink();
        }
        IllegalArgumentException gone = assertThrows(IllegalArgumentException.class, () -> SharedMemory.attach(block.name()));
        assertTrue(gone.getMessage().contains("no shared memory block named"), gone.getMessage());
    }

    /** Only the owner unlinks: a handle attached by name in the owner's own process may not. */
    @Test
    void m6_aHandleThatAttachedCannotUnlinkAndBadSizesAreRefused() {
        SharedMemory block = new SharedMemory(null, true, 16);
        try {
            SharedMemory attached = new SharedMemory(block.name(), false, 0);
            assertFalse(attached.isOwner());
            IllegalStateException e = assertThrows(IllegalStateException.class, attached::unlink);
            assertTrue(e.getMessage().contains("only the SharedMemory that created block '" + block.name() + "'"),
                    e.getMessage());
            assertEquals(16, attached.buffer().capacity());
        } finally {
            block.unlink();
        }
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(0));
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(-5));
        assertThrows(IllegalArgumentException.class, () -> new SharedMemory(null, false, 0));
    }

    /**
     * A child creates blocks: one is gone at once when the child ends normally; when a child is
     * killed (SIGKILL) holding one, attaching to it fails with a message that says its owner
     * ended, and the block is removed.
     */
    @Test
    void m6_aBlockGoesWithItsOwnerAndOneWhoseOwnerWasKilledCannotBeAttached() throws Exception {
        requires(Capability.SAME_HOST_SHARED_MEMORY);
        Queue<String> names = new Queue<>();
        ChildProcess ends = started(CheckedTarget.unchecked(() -> names.put(SharedMemory.create(8).name())));
        String ended = next(names);
        assertEquals(0, exitCodeAfterJoin(ends));
        IllegalArgumentException gone = assertThrows(IllegalArgumentException.class, () -> SharedMemory.attach(ended));
        assertTrue(gone.getMessage().contains("no shared memory block named"), gone.getMessage());

        ChildProcess killed = started(CheckedTarget.unchecked(() -> {
            names.put(SharedMemory.create(8).name());
            Targets.sleep(Targets.MAX_WAIT.toMillis());
        }));
        String left = next(names);
        killed.kill();
        assertEquals(-9, exitCodeAfterJoin(killed));
        IllegalStateException dead = assertThrows(IllegalStateException.class, () -> SharedMemory.attach(left));
        assertTrue(dead.getMessage().contains("ended without unlinking it"), dead.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.attach(left), "the block was removed");
    }

    /**
     * The main process of a session is killed with SIGKILL while it owns a block (and a Value
     * and an Array): its files stay until the next session on the host starts, which removes
     * them; that next session, which ends normally, leaves nothing either. (Neither needs a
     * child: the session is the main process's; children's use of it is tested above.)
     */
    @Test
    void m6_aBlockWhoseOwnerWasKilledIsRemovedByTheNextSession() throws Exception {
        requires(Capability.SAME_HOST_SHARED_MEMORY);
        long killedPid;
        try (Scenario.Running running = scenario(SharedStateScenario.class, "hold").start()) {
            running.awaitLine("READY=true"::equals, READY_TIMEOUT);
            Scenario.ScenarioResult ready = running.result();
            killedPid = running.process().pid();
            List<Path> sessions = SharedMemoryFiles.sessionsOf(killedPid);
            assertEquals(1, sessions.size(), "the session's directory under /dev/shm: " + sessions);
            assertTrue(Files.exists(sessions.get(0).resolve(ready.value("name"))));
            running.process().destroyForcibly();
            running.awaitExit(Scenario.DEFAULT_TIMEOUT);
            // its files stay (no shutdown code ran) until a session starts: this test's next
            // scenario, or any other program of this user on the host that starts one first
        }
        Scenario.ScenarioResult next = scenario(SharedStateScenario.class, "alone").run();
        assertEquals(0, next.exitCode(), next.describe());
        assertEquals(List.of(), SharedMemoryFiles.sessionsOf(killedPid), "the next session removed the killed one's files");
        assertEquals(List.of(), SharedMemoryFiles.sessionsOf(Long.parseLong(next.value("pid"))),
                "a session that ended normally left nothing under /dev/shm");
    }

    /** No block of this suite is left in this session's directory. */
    @AfterAll
    static void noBlockIsLeft() {
        assertEquals(List.of(), SharedMemoryFiles.filesOfThisSession("psm_"), "blocks left under /dev/shm");
    }
}
