package io.github.multiprocessing4j.internal.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MappedRing between two JVMs: a second JVM ({@link RingWriterProcess}) writes, this one reads.
 * Every message must arrive whole, in order, once; and a writer SIGKILLed at random points must
 * never leave a torn record (SPEC M4): the reader reads what it committed, then learns that it
 * died, and a new writer carries on from the last committed record.
 */
class RingAcrossProcessesTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private final List<Process> started = new ArrayList<>();
    private SharedMemoryDirectory session;
    @TempDir
    Path logs;

    @BeforeEach
    void createSession() {
        session = SharedMemoryTesting.session();
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "writer " + process.pid() + " ended");
        }
        session.close();
        assertFalse(Files.exists(session.path()));
    }

    @AfterAll
    static void nothingOfThisJvmIsLeftInDevShm() throws IOException {
        if (Files.isDirectory(SharedMemoryDirectory.DEFAULT_ROOT)) {
            // the session's own directory lives until this JVM ends (other tests of this JVM start
            // children, which makes it): only the directories the tests made must be gone
            java.util.Optional<Path> session = io.github.multiprocessing4j.internal.memory.SessionMemory.directory();
            try (DirectoryStream<Path> left = Files.newDirectoryStream(SharedMemoryDirectory.DEFAULT_ROOT,
                    SharedMemoryDirectory.PREFIX + ProcessHandle.current().pid() + "-*")) {
                for (Path directory : left) {
                    assertTrue(session.isPresent() && session.get().equals(directory),
                            "a session directory of this JVM is left in /dev/shm: " + directory);
                }
            }
        }
    }

    private Process startWriter(Path ring, long count, int maxLength) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path log = logs.resolve("writer-" + started.size() + ".log");
        Process process = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                RingWriterProcess.class.getName(), ring.toString(), Long.toString(count), Integer.toString(maxLength),
                Long.toString(ProcessHandle.current().pid()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(process);
        return process;
    }

    private String log(int writer) throws IOException {
        return Files.readString(logs.resolve("writer-" + writer + ".log"));
    }

    @Test
    void everyMessageOfAnotherJvmArrivesWholeInOrderOnce() throws Exception {
        MappedRing ring = session.createRing(1 << 16);
        TestMessages messages = new TestMessages(3000);
        int count = 20_000;
        Process writer = startWriter(ring.path(), count, 3000);
        RingReader reader = ring.reader(writer::isAlive);
        for (int i = 0; i < count; i++) {
            byte[] message = reader.read(WAIT);
            if (message == null || !messages.is(message, i)) {
                fail("message " + i + " is " + (message == null ? "missing" : "wrong: " + message.length + " bytes")
                        + "; writer's output: " + log(0));
            }
        }
        assertThrows(EOFException.class, () -> reader.read(WAIT), "the writer closed its end");
        assertTrue(writer.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, writer.exitValue(), log(0));
    }

    @Test
    void aWriterKilledAtRandomPointsNeverLeavesATornRecord() throws Exception {
        Random random = new Random(42);
        int maxLength = 40_000;
        TestMessages messages = new TestMessages(maxLength);
        for (int round = 0; round < 6; round++) {
            MappedRing ring = session.createRing(1 << 16);
            Process writer = startWriter(ring.path(), -1, maxLength);
            RingReader reader = ring.reader(writer::isAlive);
            long next = 0;
            long killAfter = 1 + random.nextInt(3000);
            try {
                while (true) {
                    byte[] message = reader.read(WAIT);
                    if (message == null) {
                        fail("round " + round + ": nothing within " + WAIT + "; writer's output: " + log(round));
                    }
                    assertTrue(messages.is(message, next), "round " + round + ": message " + next + " is torn or wrong");
                    next++;
                    if (next == killAfter) {
                        // the writer is busy writing the next records while this one is checked
                        writer.destroyForcibly();
                    }
                }
            } catch (PeerGoneException expected) {
                assertTrue(next >= killAfter, "round " + round + ": the writer died on its own after " + next
                        + " messages; its output: " + log(round));
            }
            assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, writer.exitValue(), "SIGKILL");

            // a new writer overwrites what the dead one left uncommitted: the reader sees its message next
            RingWriter successor = MappedRing.open(ring.path()).writer(() -> true);
            byte[] after = {1, 2, 3, (byte) round};
            assertTrue(successor.write(after, WAIT));
            assertArrayEquals(after, reader.read(WAIT), "round " + round + ": the record after the kill");
            successor.close();
            assertThrows(EOFException.class, () -> reader.read(WAIT));
            Files.delete(ring.path());
        }
    }
}
