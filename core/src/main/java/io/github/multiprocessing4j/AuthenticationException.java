package io.github.multiprocessing4j;

import java.io.IOException;
import java.io.Serial;

/**
 * The mutual HMAC challenge between a {@link Listener} and a {@link Client} failed: the keys
 * differ, or the peer does not speak the protocol (SPEC M8). Python's
 * {@code multiprocessing.AuthenticationError}. Both sides throw it: the one that found the wrong
 * answer, and the one whose answer was refused. The connection is closed; no data was exchanged.
 */
public class AuthenticationException extends IOException {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the peer
     */
    public AuthenticationException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what failed, naming the peer
     * @param cause why, such as the peer closing the connection during the challenge
     */
    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
