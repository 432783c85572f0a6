package io.github.multiprocessing4j.launcher.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * This JVM as the parent of containers: its pid and start time (written into labels, so that
 * leftovers of a dead parent can be told from those of a live one, even after pid reuse) and
 * its uid:gid (the containers run as the parent's user, so they can use its {@code 0700}
 * channel directory).
 *
 * @param pid this JVM's pid
 * @param startMillis when this JVM started, in epoch millis, if the OS says
 * @param user {@code uid:gid} of this JVM, if the OS says
 */
record ParentProcess(long pid, OptionalLong startMillis, Optional<String> user) {

    /**
     * This JVM.
     *
     * @return the parent description, never null
     */
    static ParentProcess current() {
        ProcessHandle self = ProcessHandle.current();
        return new ParentProcess(self.pid(), startMillis(self), userOf(Path.of("/proc/self")));
    }

    /**
     * How far apart two readings of one process's start time may be: a JVM derives it from the
     * boot time in whole seconds, which moves when the wall clock is adjusted, so two JVMs may read a
     * live parent's start differently (core deleted a live session's shared memory so). A pid
     * reused within this time of the dead parent's start only keeps its containers until a later
     * session.
     */
    static final long START_TOLERANCE_MILLIS = 60_000;

    /**
     * Whether the process that a container's labels name still runs on this host: a process with
     * that pid exists and, if a start time was recorded, started at that time
     * (within {@link #START_TOLERANCE_MILLIS}).
     *
     * @param pidLabel the recorded pid
     * @param startLabel the recorded start time in epoch millis, or empty if none was recorded
     * @return false only if the parent is certainly gone
     */
    static boolean isAlive(String pidLabel, String startLabel) {
        long pid;
        try {
            pid = Long.parseLong(pidLabel);
        } catch (NumberFormatException e) {
            // not ours to judge: a container we did not label ourselves
            return true;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return false;
        }
        if (startLabel == null || startLabel.isEmpty()) {
            return true;
        }
        OptionalLong started = startMillis(handle.get());
        try {
            return started.isEmpty() || Math.abs(started.getAsLong() - Long.parseLong(startLabel)) <= START_TOLERANCE_MILLIS;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /**
     * The owner of a file as {@code uid:gid}: for {@code /proc/self}, the effective user of
     * this process.
     *
     * @param path the file
     * @return {@code uid:gid}, or empty where the file or the {@code unix} attribute view is missing
     */
    static Optional<String> userOf(Path path) {
        try {
            Object uid = Files.getAttribute(path, "unix:uid");
            Object gid = Files.getAttribute(path, "unix:gid");
            return Optional.of(uid + ":" + gid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static OptionalLong startMillis(ProcessHandle handle) {
        Optional<Instant> start = handle.info().startInstant();
        return start.isPresent() ? OptionalLong.of(start.get().toEpochMilli()) : OptionalLong.empty();
    }
}
