package io.github.multiprocessing4j.internal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every JVM that uses multiprocessing4j does when it exits normally (main returned,
 * {@code System.exit}, SIGTERM, SIGINT): end its children as SPEC L23 says, let the child
 * runtime report how this process ended (L16), then release launchers and the control channel.
 * A JVM killed with SIGKILL runs none of this: L24 is handled by the children themselves.
 */
final class ShutdownSequence {

    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    private static volatile Runnable finalStep;

    private ShutdownSequence() {
    }

    /** Registers the shutdown hook, once. */
    static void install() {
        if (INSTALLED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(ShutdownSequence::run, "multiprocessing4j-shutdown"));
        }
    }

    /**
     * Sets what runs after the children have ended: the child runtime's end report.
     *
     * @param step the step
     */
    static void setFinalStep(Runnable step) {
        finalStep = step;
        install();
    }

    private static void run() {
        try {
            WarmStandby.endAll();
            ChildRegistry.endChildren();
        } finally {
            Runnable step = finalStep;
            if (step != null) {
                step.run();
            }
            Launchers.closeAll();
            ControlServer.shutdown();
        }
    }
}
