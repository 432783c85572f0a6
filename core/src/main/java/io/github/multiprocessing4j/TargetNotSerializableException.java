package io.github.multiprocessing4j;

/**
 * The process's target (or the {@link ChildProcess} subclass itself) cannot be serialized, so it
 * cannot travel to the child (SPEC L10). The message names the offending class and the path
 * from the target to it (a captured value of a lambda, a field). Thrown in the parent, at
 * {@code start()}; no child was started. A {@link ProcessPoolExecutor} throws it from
 * {@code submit} and {@code execute} for a task that cannot be serialized; the task was not
 * submitted.
 */
public class TargetNotSerializableException extends ProcessStartException {

    private static final long serialVersionUID = 1L;

    /** The class that cannot be serialized. */
    private final String offendingClass;

    /**
     * Creates an exception.
     *
     * @param message the explanation with the path to the offending value
     * @param offendingClass the name of the class that is not serializable
     * @param cause the serialization failure
     */
    public TargetNotSerializableException(String message, String offendingClass, Throwable cause) {
        super(message, cause);
        this.offendingClass = offendingClass;
    }

    /**
     * The fully qualified name of the class that could not be serialized.
     *
     * @return the class name, never null
     */
    public String offendingClass() {
        return offendingClass;
    }
}
