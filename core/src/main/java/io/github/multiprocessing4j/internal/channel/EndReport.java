package io.github.multiprocessing4j.internal.channel;

import java.nio.ByteBuffer;

/**
 * How a child says it ended, sent to the parent just before it exits (SPEC L16): the JDK alone
 * cannot tell a child killed by SIGTERM (143) from one that called {@code System.exit(143)}.
 *
 * @param kind how the child ended
 * @param code the exit code it is about to exit with, or -1 when unknown ({@link Kind#EXIT_CALLED})
 * @param signal the signal number for {@link Kind#SIGNALLED}, else 0
 */
public record EndReport(Kind kind, int code, int signal) {

    /** How a child ended. */
    public enum Kind {
        /** The target returned: exit code 0. */
        RETURNED,
        /** The target threw: exit code 1. */
        FAILED,
        /** User code called {@code System.exit(n)}: the exit code the OS reports is the truth. */
        EXIT_CALLED,
        /** A signal (TERM, INT, HUP) made the JVM exit. */
        SIGNALLED
    }

    static final int ENCODED_SIZE = 9;

    /**
     * Encodes this report.
     *
     * @return the END frame's payload, never null
     */
    public byte[] encode() {
        return ByteBuffer.allocate(ENCODED_SIZE).put((byte) kind.ordinal()).putInt(code).putInt(signal).array();
    }

    /**
     * Decodes a report.
     *
     * @param payload an END frame's payload
     * @return the report, never null
     * @throws ProtocolException if the payload has the wrong size or an unknown kind
     */
    public static EndReport decode(byte[] payload) throws ProtocolException {
        if (payload.length != ENCODED_SIZE) {
            throw new ProtocolException("end report of " + payload.length + " bytes, expected " + ENCODED_SIZE);
        }
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        int ordinal = buffer.get();
        if (ordinal < 0 || ordinal >= Kind.values().length) {
            throw new ProtocolException("unknown end report kind " + ordinal);
        }
        return new EndReport(Kind.values()[ordinal], buffer.getInt(), buffer.getInt());
    }
}
