package io.github.multiprocessing4j;

/**
 * A child's computation failed: it threw (the cause is the child's exception, with the
 * child's stack trace), or the process ended without returning a value (no cause; the message
 * gives its exit code). The message names the process.
 */
public class ChildProcessException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The name of the process the exception comes from. */
    private final String processName;

    /**
     * Creates the exception.
     *
     * @param processName the name of the child
     * @param message what happened
     * @param cause the child's exception, or null
     */
    public ChildProcessException(String processName, String message, Throwable cause) {
        super(message, cause);
        this.processName = processName;
    }

    /**
     * The name of the child that failed.
     *
     * @return the name, never null
     */
    public String processName() {
        return processName;
    }
}
