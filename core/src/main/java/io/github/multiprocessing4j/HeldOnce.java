package io.github.multiprocessing4j;

import java.util.concurrent.atomic.AtomicBoolean;

/** A {@link Held} that runs its release once, on the first {@link #close()}. */
final class HeldOnce implements Held {

    private final Runnable release;
    private final AtomicBoolean open = new AtomicBoolean(true);

    HeldOnce(Runnable release) {
        this.release = release;
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            try {
                release.run();
            } catch (RuntimeException e) {
                // not released (say, an RLock closed by another thread): the owner may still close it
                open.set(true);
                throw e;
            }
        }
    }
}
