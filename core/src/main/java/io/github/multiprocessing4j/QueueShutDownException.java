package io.github.multiprocessing4j;

import java.io.Serial;

/**
 * A put on a queue that was shut down, or a get on one that was shut down and is empty (or shut
 * down immediately): Python 3.13's {@code queue.ShutDown}. See {@link Queue#shutdown(boolean)}.
 * It is an {@link IllegalStateException}, like the failures of a closed queue.
 */
public class QueueShutDownException extends IllegalStateException {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was refused
     */
    public QueueShutDownException(String message) {
        super(message);
    }
}
