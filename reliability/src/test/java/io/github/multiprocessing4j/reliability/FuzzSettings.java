package io.github.multiprocessing4j.reliability;

/**
 * How much the fuzzers run in this form, and their seed.
 */
public final class FuzzSettings {

    /** Inputs fed to the decoders in process. */
    public static final int DECODER_EXECS = Form.pick(150_000, 1_000_000);
    /** Inputs sent to the parent's socket. */
    public static final int SOCKET_EXECS = Form.pick(3_000, 20_000);
    /** The fuzzers' seed. */
    public static final long SEED = Form.SEED + 4;

    private FuzzSettings() {
    }
}
