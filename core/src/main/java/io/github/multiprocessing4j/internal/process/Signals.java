package io.github.multiprocessing4j.internal.process;

import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.IntConsumer;

/**
 * Records which signal made a child's JVM exit, so the parent can report {@code -N} and still
 * report {@code 128 + N} for a child that exits with that code by itself (SPEC L16). Uses
 * {@code sun.misc.Signal} reflectively: it is in {@code jdk.unsupported} on every JDK since 9,
 * and reflection keeps {@code -Werror} builds free of its warning. The handler is made with
 * {@link LambdaMetafactory}, not {@link java.lang.reflect.Proxy}: the lambda machinery is
 * already warm in a child (its target is a lambda), while a proxy class costs a cold JVM ~10 ms.
 */
final class Signals {

    private Signals() {
    }

    static boolean recordExitSignals(IntConsumer onSignal) {
        try {
            Class<?> signalType = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MethodHandle handle = lookup.findStatic(signalType, "handle",
                    MethodType.methodType(handlerType, signalType, handlerType));
            MethodHandle number = lookup.findVirtual(signalType, "getNumber", MethodType.methodType(int.class));
            MethodHandle onSignalHandle = lookup.findStatic(Signals.class, "onSignal",
                    MethodType.methodType(void.class, IntConsumer.class, MethodHandle.class, Object.class));
            CallSite site = LambdaMetafactory.metafactory(lookup, "handle",
                    MethodType.methodType(handlerType, IntConsumer.class, MethodHandle.class),
                    MethodType.methodType(void.class, signalType), onSignalHandle,
                    MethodType.methodType(void.class, signalType));
            Object handler = site.getTarget().invoke(onSignal, number);
            MethodHandle newSignal = lookup.findConstructor(signalType, MethodType.methodType(void.class, String.class));
            for (String name : new String[] {"TERM", "INT", "HUP"}) {
                handle.invoke(newSignal.invoke(name), handler);
            }
            return true;
        } catch (Throwable e) {
            if (e instanceof Error error && !(e instanceof LinkageError)) {
                throw error;
            }
            return false;
        }
    }

    private static void onSignal(IntConsumer onSignal, MethodHandle number, Object signal) throws Throwable {
        int n = (int) number.invoke(signal);
        onSignal.accept(n);
        // exit from a fresh thread: the signal dispatcher must not block in hooks
        Thread exit = new Thread(() -> System.exit(128 + n), "multiprocessing4j-signal-exit");
        exit.start();
    }
}
