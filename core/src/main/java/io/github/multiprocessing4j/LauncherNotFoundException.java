package io.github.multiprocessing4j;

/**
 * No launcher matches the requested name, or none is on the class path (SPEC S1). The message
 * lists the launchers that were found and names the artifact to add.
 */
public class LauncherNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message the launchers found and the artifact to add
     */
    public LauncherNotFoundException(String message) {
        super(message);
    }
}
