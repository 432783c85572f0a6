package io.github.multiprocessing4j.spi;

/**
 * A launcher could not be created or could not start a process. The message is one sentence
 * that says what happened and what to do.
 */
public class LaunchException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with the given message.
     *
     * @param message what happened and what to do
     */
    public LaunchException(String message) {
        super(message);
    }

    /**
     * Creates an exception with the given message and cause.
     *
     * @param message what happened and what to do
     * @param cause the underlying failure
     */
    public LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
