package io.github.multiprocessing4j.internal.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * SharedMemoryDirectory: a session's files are the owner's only, under names nobody can guess,
 * and gone after close(); a root that cannot hold them is reported with one log line so that the
 * caller falls back to sockets; what a killed session left is removed by the next one.
 */
class SharedMemoryDirectoryTest {

    @Test
    void aSessionIsAnOwnerOnlyDirectoryOfUnguessableNamesRemovedOnClose() throws IOException {
        SharedMemoryDirectory session = SharedMemoryTesting.session();
        Path directory = session.path();
        try {
            assertEquals(SharedMemoryDirectory.DEFAULT_ROOT, directory.getParent());
            assertTrue(directory.getFileName().toString()
                    .matches("multiprocessing4j-" + ProcessHandle.current().pid() + "-\\d+-[0-9a-f]{32}"),
                    directory.toString());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
            try (var entries = Files.list(directory)) {
                assertEquals(0, entries.count(), "the probe is gone");
            }
            Path first = session.newFile("ring");
            Path second = session.newFile("ring");
            assertNotEquals(first, second);
            assertTrue(first.getFileName().toString().matches("ring-[0-9a-f]{32}"), first.toString());
            assertFalse(Files.exists(first), "a name only");
            assertThrows(IllegalArgumentException.class, () -> session.newFile("../escape"));
            MappedRing ring = session.createRing(4096);
            assertEquals(directory, ring.path().getParent());
        } finally {
            session.close();
        }
        assertFalse(Files.exists(directory));
        session.close();
    }

    @Test
    void aRootThatCannotHoldSharedMemoryIsReportedWithOneLogLine(@TempDir Path temp) throws IOException {
        Path file = Files.createFile(temp.resolve("a-file"));
        for (Path root : List.of(temp.resolve("missing"), file)) {
            List<ILoggingEvent> lines = logged(() -> assertEquals(Optional.empty(), SharedMemoryDirectory.create(root)));
            assertEquals(1, lines.size(), lines.toString());
            assertEquals(Level.WARN, lines.get(0).getLevel());
            String line = lines.get(0).getFormattedMessage();
            assertTrue(line.contains(root.toString()) && line.contains("sockets"), line);
        }
        try (var entries = Files.list(temp)) {
            assertEquals(List.of(file), entries.toList(), "nothing left behind");
        }
    }

    @Test
    void theNextSessionRemovesWhatADeadSessionLeft(@TempDir Path root) throws Exception {
        // a session of a process that has ended: a real pid, no longer alive
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Path dead = Files.createDirectories(root.resolve("multiprocessing4j-" + ended.pid() + "-1-" + "0".repeat(32)));
        Files.write(dead.resolve("ring-" + "1".repeat(32)), new byte[10]);
        // a session of a live process that started at another time: the pid was reused
        Path reused = Files.createDirectories(root.resolve("multiprocessing4j-" + ProcessHandle.current().pid()
                + "-1-" + "2".repeat(32)));
        SharedMemoryDirectory live = SharedMemoryDirectory.create(root).orElseThrow();
        Path unrelated = Files.createDirectories(root.resolve("someone-else"));
        Path malformed = Files.createDirectories(root.resolve("multiprocessing4j-not-a-session"));
        try {
            assertEquals(2, SharedMemoryDirectory.removeStale(root));
            assertFalse(Files.exists(dead));
            assertFalse(Files.exists(reused));
            assertTrue(Files.exists(live.path()), "a live session stays");
            assertTrue(Files.exists(unrelated) && Files.exists(malformed), "what is not a session stays");
        } finally {
            live.close();
        }
        assertEquals(0, SharedMemoryDirectory.removeStale(root.resolve("missing")));
    }

    @Test
    void aLiveSessionWhoseStartReadsASecondOffStays(@TempDir Path root) throws Exception {
        // the 2-hour soak's session was deleted while it ran: another JVM read its start otherwise
        // than it had (the boot time the JDK reads is whole seconds of the wall clock)
        long pid = ProcessHandle.current().pid();
        long start = ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli();
        Path secondOff = Files.createDirectories(root.resolve("multiprocessing4j-" + pid + "-" + (start - 1000) + "-"
                + "3".repeat(32)));
        Path hourOff = Files.createDirectories(root.resolve("multiprocessing4j-" + pid + "-" + (start - 3_600_000) + "-"
                + "4".repeat(32)));
        assertEquals(1, SharedMemoryDirectory.removeStale(root));
        assertTrue(Files.exists(secondOff), "the session of this live process stays");
        assertFalse(Files.exists(hourOff), "a session of a process that had this pid an hour before goes");
    }

    private static List<ILoggingEvent> logged(Runnable action) {
        Logger logger = (Logger) LoggerFactory.getLogger(SharedMemoryDirectory.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            action.run();
        } finally {
            logger.detachAppender(appender);
        }
        return appender.list;
    }
}
