package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.shared.HostedSemaphore;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import java.io.Serial;

/**
 * A semaphore that may not be released above its initial value: Python's
 * {@code multiprocessing.BoundedSemaphore}.
 */
public final class BoundedSemaphore extends Semaphore {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * A bounded semaphore with {@code value} units, hosted in this process.
     *
     * @param value the initial and largest number of units
     */
    public BoundedSemaphore(int value) {
        super(SharedObjects.hostCounted(new HostedSemaphore(value, value)));
    }
}
