package io.github.multiprocessing4j.internal.channel;

import java.io.IOException;

/** A peer on the control channel broke the protocol: bad frame, bad key, unexpected message. */
public final class ProtocolException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * A protocol error.
     *
     * @param message what the peer did wrong
     */
    public ProtocolException(String message) {
        super(message);
    }
}
