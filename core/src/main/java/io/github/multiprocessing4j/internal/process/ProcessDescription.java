package io.github.multiprocessing4j.internal.process;

import java.util.List;
import java.util.Objects;

/**
 * A process of the tree as internals describe it: the public {@code ProcessInfo} is made from it
 * (SPEC L12).
 *
 * @param name the name
 * @param pid the pid the parent sees
 * @param daemon the daemon flag
 * @param identity the identity numbers; empty for the main process
 */
public record ProcessDescription(String name, long pid, boolean daemon, List<Integer> identity) {

    /**
     * Checks and copies the parts.
     *
     * @param name the name; never null
     * @param pid the pid
     * @param daemon the daemon flag
     * @param identity the identity numbers; never null
     */
    public ProcessDescription {
        Objects.requireNonNull(name, "name");
        identity = List.copyOf(identity);
    }
}
