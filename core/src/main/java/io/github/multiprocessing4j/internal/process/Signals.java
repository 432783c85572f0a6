package io.github.multiprocessing4j.internal.process;

import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.IntUnaryOperator;

/**
 * Which signal made this JVM exit. A child needs it so the parent can report {@code -N} and
 * still report {@code 128 + N} for a child that exits with that code by itself (SPEC L16); every
 * JVM that has children needs it because SIGTERM ends a process promptly, without waiting for its
 * non-daemon children, while a normal exit and SIGINT wait for them (SPEC L23).
 *
 * <p>Uses {@code sun.misc.Signal} reflectively: it is in {@code jdk.unsupported} on every JDK
 * since 9, and reflection keeps {@code -Werror} builds free of its warning. The handlers are made
 * with {@link LambdaMetafactory}, not {@link java.lang.reflect.Proxy}: the lambda machinery is
 * already warm in a child (its target is a lambda), while a proxy class costs a cold JVM ~10 ms.
 */
final class Signals {

    /** SIGHUP's number on Linux and macOS. */
    static final int SIGHUP = 1;
    /** SIGINT's number on Linux and macOS. */
    static final int SIGINT = 2;
    /** SIGTERM's number on Linux and macOS. */
    static final int SIGTERM = 15;

    /** The last of TERM, INT and HUP that reached a handler of ours; 0 if none. */
    private static volatile int received;
    private static final AtomicBoolean HANDLED = new AtomicBoolean();

    private Signals() {
    }

    /**
     * In a child: TERM, INT and HUP make the JVM exit, running its shutdown hooks, with the
     * status {@code exitStatus} gives for the signal's number, after {@code onSignal} has been
     * told the number.
     *
     * @param onSignal told the signal's number first, on the signal dispatcher's thread
     * @param exitStatus the JVM's exit status for a signal's number
     * @return whether the handlers are installed (false where {@code sun.misc.Signal} is missing)
     */
    static boolean handleExitSignals(IntConsumer onSignal, IntUnaryOperator exitStatus) {
        HANDLED.set(true);
        try {
            Reflected signals = new Reflected();
            Object handler = signals.handler(signal -> {
                int n = signals.number(signal);
                received = n;
                onSignal.accept(n);
                // exit from a fresh thread: the signal dispatcher must not block in hooks
                Thread exit = new Thread(() -> System.exit(exitStatus.applyAsInt(n)), "multiprocessing4j-signal-exit");
                exit.start();
            });
            for (String name : new String[] {"TERM", "INT", "HUP"}) {
                signals.handle(name, handler);
            }
            return true;
        } catch (Throwable e) {
            rethrowIfFatal(e);
            return false;
        }
    }

    /**
     * In a JVM that starts children and whose signals are not handled by
     * {@link #handleExitSignals} already: records TERM and HUP, then passes them on to the handler
     * they had (the JDK's own: exit with {@code 128 + N}, running the shutdown hooks). Where Java
     * code does not handle them ({@code -Xrs}) or ignores them, they are left alone. Once per JVM.
     */
    static void recordTerminationSignals() {
        if (!HANDLED.compareAndSet(false, true)) {
            return;
        }
        try {
            Reflected signals = new Reflected();
            for (String name : new String[] {"TERM", "HUP"}) {
                AtomicReference<Object> previous = new AtomicReference<>();
                Object handler = signals.handler(signal -> {
                    received = signals.number(signal);
                    signals.passOn(previous.get(), signal);
                });
                previous.set(signals.handle(name, handler));
                if (signals.isNative(previous.get())) {
                    // the OS's action, or ignored: not ours to change
                    signals.handle(name, previous.get());
                }
            }
        } catch (Throwable e) {
            rethrowIfFatal(e);
        }
    }

    /**
     * Whether this JVM is exiting because of SIGTERM or SIGHUP, whose default action in Python
     * ends a process at once: its non-daemon children are not waited for (SPEC L23). SIGINT,
     * Python's {@code KeyboardInterrupt}, is a normal exit.
     *
     * @return true after SIGTERM or SIGHUP
     */
    static boolean endsPromptly() {
        int n = received;
        return n == SIGTERM || n == SIGHUP;
    }

    private static void rethrowIfFatal(Throwable e) {
        if (e instanceof Error error && !(e instanceof LinkageError)) {
            throw error;
        }
    }

    /** {@code sun.misc.Signal} and {@code sun.misc.SignalHandler}, through method handles. */
    private static final class Reflected {

        private final MethodHandles.Lookup lookup = MethodHandles.lookup();
        private final Class<?> signalType;
        private final Class<?> handlerType;
        private final MethodHandle handle;
        private final MethodHandle number;
        private final MethodHandle newSignal;
        private final MethodHandle invokeHandler;
        private final Object defaultAction;
        private final Object ignore;

        Reflected() throws ReflectiveOperationException {
            signalType = Class.forName("sun.misc.Signal");
            handlerType = Class.forName("sun.misc.SignalHandler");
            handle = lookup.findStatic(signalType, "handle", MethodType.methodType(handlerType, signalType, handlerType));
            number = lookup.findVirtual(signalType, "getNumber", MethodType.methodType(int.class));
            newSignal = lookup.findConstructor(signalType, MethodType.methodType(void.class, String.class));
            invokeHandler = lookup.findVirtual(handlerType, "handle", MethodType.methodType(void.class, signalType));
            defaultAction = handlerType.getField("SIG_DFL").get(null);
            ignore = handlerType.getField("SIG_IGN").get(null);
        }

        /** A {@code SignalHandler} whose {@code handle(Signal)} runs {@code body}. */
        Object handler(Consumer<Object> body) throws Throwable {
            MethodHandle accept = lookup.findVirtual(Consumer.class, "accept",
                    MethodType.methodType(void.class, Object.class));
            CallSite site = LambdaMetafactory.metafactory(lookup, "handle",
                    MethodType.methodType(handlerType, Consumer.class),
                    MethodType.methodType(void.class, signalType), accept,
                    MethodType.methodType(void.class, signalType));
            return site.getTarget().invoke(body);
        }

        /** Installs {@code handler} for the signal and returns the one it replaces. */
        Object handle(String name, Object handler) throws Throwable {
            return handle.invoke(newSignal.invoke(name), handler);
        }

        int number(Object signal) {
            try {
                return (int) number.invoke(signal);
            } catch (Throwable e) {
                throw new IllegalStateException("sun.misc.Signal.getNumber() failed", e);
            }
        }

        boolean isNative(Object handler) {
            return handler == defaultAction || handler == ignore || !handlerType.isInstance(handler)
                    || handler.getClass().getName().equals("sun.misc.NativeSignalHandler");
        }

        /** What the signal would have done without us. */
        void passOn(Object before, Object signal) {
            if (before == null || before == defaultAction) {
                System.exit(128 + number(signal));
            } else if (before != ignore && !isNative(before)) {
                try {
                    invokeHandler.invoke(before, signal);
                } catch (Throwable e) {
                    rethrowIfFatal(e);
                    throw new IllegalStateException("the previous handler of " + signal + " failed", e);
                }
            }
        }
    }
}
