package io.github.multiprocessing4j.tck;

/**
 * A class that is deliberately not {@link java.io.Serializable} (SPEC L10).
 */
public final class NotSerializable {

    /** Creates one. */
    public NotSerializable() {
    }

    @Override
    public String toString() {
        return "NotSerializable";
    }
}
