package io.github.multiprocessing4j.benchmarks;

import java.io.File;
import java.io.IOException;

/**
 * The bare-JVM baseline: a main class that does nothing, or ({@code sleep <marker>}) creates a
 * marker file and sleeps until it is killed. Loads nothing beyond what {@code java -cp} itself
 * loads, so that the difference to a child is what multiprocessing4j adds.
 */
public final class Hello {

    private Hello() {
    }

    /**
     * Returns at once; with {@code sleep <marker>}, calls {@link #markAndSleep(String)}.
     *
     * @param args nothing, or {@code sleep} and the marker file's path
     */
    public static void main(String[] args) {
        if (args.length == 2 && args[0].equals("sleep")) {
            markAndSleep(args[1]);
        }
    }

    /**
     * Creates {@code marker} to say "I am up", then sleeps until the process is ended. Both the
     * bare JVM and the child run this, so both are idle in the same way when they are measured.
     *
     * @param marker the file to create
     */
    public static void markAndSleep(String marker) {
        try {
            if (!new File(marker).createNewFile()) {
                throw new IllegalStateException("marker " + marker + " exists already");
            }
            Thread.sleep(Long.MAX_VALUE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the marker " + marker, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * This JVM's arguments, its options among them.
     *
     * @return them, joined with spaces
     */
    public static String arguments() {
        return String.join(" ", ProcessHandle.current().info().arguments().orElse(new String[0]));
    }

    /** The empty target of a child: the child's counterpart of {@code main} returning at once. */
    public static void empty() {
        // nothing: what is measured is starting and ending the process
    }
}
