package io.github.multiprocessing4j.internal;

import java.io.IOException;

/** A peer on the control channel broke the protocol: bad frame, bad key, unexpected message. */
final class ProtocolException extends IOException {

    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
        super(message);
    }
}
