package io.github.multiprocessing4j.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.IntConsumer;

/**
 * Records which signal made a child's JVM exit, so the parent can report {@code -N} and still
 * report {@code 128 + N} for a child that exits with that code by itself (SPEC L16). Uses
 * {@code sun.misc.Signal} reflectively: it is in {@code jdk.unsupported} on every JDK since 9,
 * and reflection keeps {@code -Werror} builds free of its warning.
 */
final class Signals {

    private Signals() {
    }

    /**
     * Replaces the JVM's handlers of TERM, INT and HUP by: record the signal, then exit with
     * {@code 128 + N} exactly as the JVM's own handler does (shutdown hooks run).
     *
     * @param onSignal called with the signal number before the JVM exits
     * @return whether the handlers could be installed
     */
    static boolean recordExitSignals(IntConsumer onSignal) {
        try {
            Class<?> signalType = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Method handle = signalType.getMethod("handle", signalType, handlerType);
            Method number = signalType.getMethod("getNumber");
            for (String name : new String[] {"TERM", "INT", "HUP"}) {
                Object signal = signalType.getConstructor(String.class).newInstance(name);
                InvocationHandler invocation = (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "handle" -> {
                            int n = (int) number.invoke(args[0]);
                            onSignal.accept(n);
                            // exit from a fresh thread: the signal dispatcher must not block in hooks
                            Thread exit = new Thread(() -> System.exit(128 + n), "multiprocessing4j-signal-exit");
                            exit.start();
                            return null;
                        }
                        case "hashCode" -> {
                            return System.identityHashCode(proxy);
                        }
                        case "equals" -> {
                            return proxy == args[0];
                        }
                        case "toString" -> {
                            return "multiprocessing4j signal recorder";
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    }
                };
                Object handler = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType},
                        invocation);
                handle.invoke(null, signal, handler);
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }
}
