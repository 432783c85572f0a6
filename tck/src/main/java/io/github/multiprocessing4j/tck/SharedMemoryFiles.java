package io.github.multiprocessing4j.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a session of a process leaves under {@code /dev/shm}: the directory
 * {@code multiprocessing4j-<pid>-...} of the process tree's main process and its files.
 */
final class SharedMemoryFiles {

    /** Where the sessions' directories are. */
    static final Path ROOT = Path.of("/dev/shm");

    private SharedMemoryFiles() {
    }

    /**
     * The session directories of a main process's pid.
     *
     * @param pid the main process's pid
     * @return the directories, maybe none
     */
    static List<Path> sessionsOf(long pid) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(ROOT)) {
            return found;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(ROOT, "multiprocessing4j-" + pid + "-*")) {
            entries.forEach(found::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /**
     * The files in this JVM's session directories whose names start with {@code prefix}.
     *
     * @param prefix e.g. {@code psm_}
     * @return the files' names, maybe none
     */
    static List<String> filesOfThisSession(String prefix) {
        List<String> names = new ArrayList<>();
        for (Path session : sessionsOf(ProcessHandle.current().pid())) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(session, prefix + "*")) {
                entries.forEach(entry -> names.add(entry.getFileName().toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return names;
    }
}
