package io.github.multiprocessing4j.internal.process;

import io.github.multiprocessing4j.internal.channel.ControlServer;
import io.github.multiprocessing4j.internal.remote.RemoteChannel;
import io.github.multiprocessing4j.internal.launch.Launchers;
import io.github.multiprocessing4j.internal.memory.SessionMemory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every JVM that uses multiprocessing4j does when it exits (main returned,
 * {@code System.exit}, SIGTERM, SIGINT): end its children as SPEC L23 says (after SIGTERM
 * without waiting for the non-daemon ones), let the child runtime report how this process ended
 * (L16), then release launchers and the control channel. A JVM killed with SIGKILL runs none of
 * this: L24 is handled by the children themselves.
 */
final class ShutdownSequence {

    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    private static volatile Runnable finalStep;
    /** Whether this JVM started children: a plain child that did not skips their clean-up. */
    private static volatile boolean startedChildren;

    private ShutdownSequence() {
    }

    /** Registers the shutdown hook, once, in a JVM that starts children. */
    static void install() {
        startedChildren = true;
        register();
        Signals.recordTerminationSignals();
    }

    private static void register() {
        if (INSTALLED.compareAndSet(false, true)) {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(ShutdownSequence::run, "multiprocessing4j-shutdown"));
                SessionMemory.endAfterChildren();
            } catch (IllegalStateException e) {
                // "Shutdown in progress": the JVM was told to end (SIGTERM to a child still
                // booting, e.g. a pool closed at once) before it got here; it ends without us,
                // and its exit status says how (SPEC L16), instead of a stack trace on its stderr
                Log.LOGGER.debug("the JVM is already shutting down: no shutdown sequence", e);
            }
        }
    }

    /**
     * Sets what runs after the children have ended: the child runtime's end report.
     *
     * @param step the step
     */
    static void setFinalStep(Runnable step) {
        finalStep = step;
        register();
    }

    private static void run() {
        boolean parent = startedChildren;
        try {
            if (parent) {
                WarmStandby.endAll();
                ChildRegistry.endChildren(!Signals.endsPromptly());
            }
        } finally {
            Runnable step = finalStep;
            if (step != null) {
                step.run();
            }
            if (parent) {
                ImageTrainings.endAll();
                Launchers.closeAll();
                RemoteChannel.shutdown();
                ControlServer.shutdown();
            }
            // after the children ended: they may use the session's blocks until then
            SessionMemory.end();
        }
    }

    /** Loaded only when something is logged: the start path of a child does not load SLF4J for this. */
    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(ShutdownSequence.class);
    }
}
