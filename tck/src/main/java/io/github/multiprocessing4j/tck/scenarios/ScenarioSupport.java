package io.github.multiprocessing4j.tck.scenarios;

import io.github.multiprocessing4j.tck.TckLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What scenario mains and their children share: printing {@code key=value} lines, describing
 * exceptions on one line, reading files that children write.
 */
public final class ScenarioSupport {

    private ScenarioSupport() {
    }

    /**
     * The launcher the scenario was started for.
     *
     * @return the launcher
     */
    public static TckLauncher launcher() {
        return TckLauncher.fromSystemProperties();
    }

    /**
     * Prints {@code key=value} on standard output and flushes.
     *
     * @param key the key
     * @param value the value
     */
    public static void print(String key, Object value) {
        System.out.println(key + "=" + value);
        System.out.flush();
    }

    /**
     * An exception on one line: its class, a colon, its message.
     *
     * @param e the exception
     * @return the description
     */
    public static String describe(Throwable e) {
        String message = String.valueOf(e.getMessage()).replace('\n', ' ').replace('\r', ' ');
        return e.getClass().getName() + ": " + message;
    }

    /**
     * The trimmed content of a file.
     *
     * @param path the file
     * @return its content
     */
    public static String read(Path path) {
        try {
            return Files.readString(path).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
