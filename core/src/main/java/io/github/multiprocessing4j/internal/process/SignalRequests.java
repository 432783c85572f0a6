package io.github.multiprocessing4j.internal.process;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;

/**
 * Signals that a launcher asks a child on the network to deliver to itself, one byte each on the
 * child's real standard input after its credentials (see
 * {@code Launcher.childrenReachParentOverNetwork()}): {@code T} SIGTERM, {@code I} SIGINT,
 * {@code K} SIGKILL. A launcher that reaches the child's standard input this way signals it at
 * once, where its platform could only stop the child's container (which starts with SIGTERM) or
 * run a command in it. SIGTERM and SIGINT are raised in this JVM, so its handlers see them as
 * from outside; SIGKILL cannot be raised by a process on itself through the JDK, so a
 * {@code kill -KILL} of this pid is run, and if that cannot start, the JVM halts with 137, which
 * like SIGKILL runs no shutdown hook.
 */
final class SignalRequests {

    private SignalRequests() {
    }

    /**
     * Reads requests until the input ends, on a daemon thread.
     *
     * @param in the JVM's real standard input, after the credentials
     */
    static void start(InputStream in) {
        Thread reader = new Thread(() -> {
            try {
                int request;
                while ((request = in.read()) >= 0) {
                    switch (request) {
                        case 'T' -> raise("TERM");
                        case 'I' -> raise("INT");
                        case 'K' -> killSelf();
                        default -> {
                            // not a request: a launcher's stray byte changes nothing
                        }
                    }
                }
            } catch (IOException e) {
                // the launcher closed our input: no more requests
            }
        }, "multiprocessing4j-signal-requests");
        reader.setDaemon(true);
        reader.start();
    }

    private static void raise(String name) {
        try {
            Class<?> type = Class.forName("sun.misc.Signal");
            Method raise = type.getMethod("raise", type);
            raise.invoke(null, type.getConstructor(String.class).newInstance(name));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // without sun.misc.Signal, end as the signal's default action would
            Runtime.getRuntime().exit(128 + ("INT".equals(name) ? Signals.SIGINT : Signals.SIGTERM));
        }
    }

    private static void killSelf() {
        try {
            new ProcessBuilder("sh", "-c", "kill -KILL " + ProcessHandle.current().pid())
                    .redirectErrorStream(true).start().waitFor();
        } catch (IOException e) {
            // no shell to send it: as SIGKILL, end without running anything
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(128 + 9);
    }
}
