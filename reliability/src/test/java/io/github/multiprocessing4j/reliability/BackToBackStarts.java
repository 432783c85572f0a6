package io.github.multiprocessing4j.reliability;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.ProcessStartException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Starts do-nothing children on one launcher back to back, on a thread of its own, while an
 * engine fails under them: each start either runs its child to its end or fails with a
 * {@link ProcessStartException} (the engine went away, which is a clear failure), and none may
 * hang. Used by the engine faults.
 */
final class BackToBackStarts implements AutoCloseable {

    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private final Thread thread;

    /**
     * Starts the thread.
     *
     * @param launcher the children's launcher
     * @param pauseAfterFailure how long to wait after a start failed, before the next
     * @param exitCodes told each exit code other than 0
     */
    BackToBackStarts(String launcher, Duration pauseAfterFailure, IntConsumer exitCodes) {
        thread = new Thread(() -> {
            while (!stop.get()) {
                ChildProcess process = Children.builder(Children::nothing).launcher(launcher).name("engine-churn").build();
                try {
                    process.start();
                    attempts.incrementAndGet();
                    int code = Children.joinWithDeadline(process);
                    if (code != 0) {
                        exitCodes.accept(code);
                    }
                    process.close();
                } catch (ProcessStartException e) {
                    attempts.incrementAndGet();
                    Children.sleep(pauseAfterFailure.toMillis());
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    return;
                }
            }
        }, "engine-fault-starter");
        thread.start();
    }

    /**
     * Stops starting and waits for the start in flight to end.
     *
     * @param deadline how long that may take
     * @param during what happened meanwhile, for the failure's message
     * @return how many starts were made, ended or failed clearly
     * @throws InterruptedException if interrupted
     * @throws AssertionError if a start hung or failed in another way
     */
    int stopAndCheck(Duration deadline, String during) throws InterruptedException {
        stop.set(true);
        thread.join(deadline.toMillis());
        if (thread.isAlive()) {
            throw new AssertionError("a start hung while " + during);
        }
        if (failure.get() != null) {
            throw new AssertionError("a start in flight while " + during + " failed unclearly", failure.get());
        }
        return attempts.get();
    }

    /** Stops starting, without waiting: for a fault that failed already. */
    @Override
    public void close() {
        stop.set(true);
    }
}
