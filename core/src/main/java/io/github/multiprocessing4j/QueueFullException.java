package io.github.multiprocessing4j;

/**
 * A bounded queue had no room within the time allowed: Python's {@code queue.Full}.
 */
public class QueueFullException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was waited for and how long
     */
    public QueueFullException(String message) {
        super(message);
    }
}
