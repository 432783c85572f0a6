package io.github.multiprocessing4j.internal.ring;

import java.io.IOException;

/**
 * The process at the other end of a ring is gone: its liveness check said it is dead, or (for a
 * writer) the reader closed the ring. A reader sees this only once it has read every whole
 * record the dead writer committed; what it was still writing is discarded (SPEC M4).
 */
public final class PeerGoneException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message that says which peer is gone and what was left.
     *
     * @param message what happened, for a reader of a log
     */
    public PeerGoneException(String message) {
        super(message);
    }
}
