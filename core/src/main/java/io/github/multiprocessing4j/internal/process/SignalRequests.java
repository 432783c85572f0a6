package io.github.multiprocessing4j.internal.process;

import java.io.FileDescriptor;
import java.io.FileInputStream;
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
 *
 * <p>The input is polled ({@link InputStream#available()}, then a read of what is there, else
 * a pause of {@value #POLL_MILLIS} ms), not read with a blocking call: a JVM that exits while
 * one of its threads is blocked in native code waits about 300 ms for it (HotSpot's exit gives
 * such threads that long to stop), which every pod's end paid; and the input cannot be closed
 * before the JVM ends, since the shutdown hooks that a SIGTERM runs may still get a
 * SIGKILL request. Polling costs a request up to {@value #POLL_MILLIS} ms.
 */
final class SignalRequests {

    /** The pause between two looks at an empty input. */
    static final long POLL_MILLIS = 20;

    private SignalRequests() {
    }

    /**
     * The JVM's real standard input, unbuffered, so that the credentials read from it before the
     * requests take no byte of a request with them.
     *
     * @return a stream of file descriptor 0
     */
    static InputStream standardInput() {
        return new FileInputStream(FileDescriptor.in);
    }

    /**
     * Reads requests until the input fails, on a daemon thread.
     *
     * @param in the JVM's real standard input (from {@link #standardInput()}), after the
     *     credentials
     */
    static void start(InputStream in) {
        Thread reader = new Thread(() -> {
            byte[] requests = new byte[64];
            try {
                while (true) {
                    int ready = in.available();
                    if (ready <= 0) {
                        Thread.sleep(POLL_MILLIS);
                        continue;
                    }
                    int n = in.read(requests, 0, Math.min(ready, requests.length));
                    if (n < 0) {
                        return;
                    }
                    for (int i = 0; i < n; i++) {
                        request(requests[i]);
                    }
                }
            } catch (IOException e) {
                // the input is gone: no more requests
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "multiprocessing4j-signal-requests");
        reader.setDaemon(true);
        reader.start();
    }

    private static void request(byte request) {
        switch (request) {
            case 'T' -> raise("TERM");
            case 'I' -> raise("INT");
            case 'K' -> killSelf();
            default -> {
                // not a request: a launcher's stray byte changes nothing
            }
        }
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
