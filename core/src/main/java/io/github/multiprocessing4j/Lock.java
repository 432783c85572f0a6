package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.shared.HostedSemaphore;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import java.io.Serial;

/**
 * A lock shared by processes: Python's {@code multiprocessing.Lock}, a semaphore of one. Any
 * process may release it (as in Python); releasing an unlocked lock fails. Beyond Python: if a
 * child is killed holding it, it is released (with a warning) instead of blocking everyone for
 * ever; a child that ends by itself while holding it leaves it held, as in Python.
 */
public final class Lock extends Semaphore {

    @Serial
    private static final long serialVersionUID = 1L;

    /** An unlocked lock, hosted in this process. */
    public Lock() {
        super(SharedObjects.hostCounted(new HostedSemaphore(1, 1)));
    }

    @Override
    public String toString() {
        return "<Lock(" + (value() == 0 ? "locked" : "unlocked") + ")>";
    }
}
