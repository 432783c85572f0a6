package io.github.multiprocessing4j;

/**
 * {@link ChildProcess#start()} could not start the process: the target cannot be serialized,
 * the launcher is unavailable, or the launcher failed. The message says what happened and what
 * to do; no process was left running.
 */
public class ProcessStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what happened and what to do
     * @param cause the underlying failure, or null
     */
    public ProcessStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
