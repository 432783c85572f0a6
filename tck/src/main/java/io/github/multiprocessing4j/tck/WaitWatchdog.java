package io.github.multiprocessing4j.tck;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * For the SPEC M3 tests, in a child: makes numbered calls that may wait (puts, sends) while a
 * daemon thread watches them. Once a call has waited a second, the thread writes its number to
 * the {@code waiting} file; after the last call, the {@code done} file gets the count. The
 * parent reads the files: whether and where its child's calls were held.
 */
final class WaitWatchdog {

    /** One numbered call. */
    @FunctionalInterface
    interface Call {
        void make(int number) throws Exception;
    }

    private WaitWatchdog() {
    }

    /**
     * Makes calls 0 to {@code count - 1}, watched.
     *
     * @param count how many
     * @param waiting the file that gets the number of a call that waited a second
     * @param done the file that gets the count once every call returned
     * @param call the call
     * @throws Exception what a call threw
     */
    static void callWatched(int count, String waiting, String done, Call call) throws Exception {
        AtomicInteger calling = new AtomicInteger();
        AtomicLong since = new AtomicLong();
        Thread watchdog = new Thread(() -> {
            while (!Files.exists(Path.of(done))) {
                long started = since.get();
                if (started != 0 && System.nanoTime() - started > TimeUnit.SECONDS.toNanos(1)) {
                    Targets.write(waiting, Integer.toString(calling.get()));
                    return;
                }
                Targets.sleep(20);
            }
        }, "tck-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        for (int i = 0; i < count; i++) {
            calling.set(i);
            since.set(System.nanoTime());
            call.make(i);
            since.set(0);
        }
        Targets.write(done, Integer.toString(count));
    }
}
