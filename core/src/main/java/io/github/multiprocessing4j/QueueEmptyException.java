package io.github.multiprocessing4j;

/**
 * A queue had nothing to take within the time allowed: Python's {@code queue.Empty}.
 */
public class QueueEmptyException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was waited for and how long
     */
    public QueueEmptyException(String message) {
        super(message);
    }
}
