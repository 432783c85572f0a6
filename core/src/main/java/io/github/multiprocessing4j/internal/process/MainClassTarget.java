package io.github.multiprocessing4j.internal.process;

import io.github.multiprocessing4j.SerializableRunnable;
import java.io.Serial;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * The target of {@code ChildProcess.ofMain}: runs {@code className.main(args)} in the child,
 * loading the class there (it need not be loadable in the parent's class loader at run time).
 */
public final class MainClassTarget implements SerializableRunnable {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String className;
    private final String[] args;

    /**
     * Creates the target.
     *
     * @param className the main class's binary name
     * @param args the arguments
     */
    public MainClassTarget(String className, String[] args) {
        this.className = className;
        this.args = args.clone();
    }

    @Override
    public void run() throws Exception {
        Method main;
        try {
            Class<?> type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
            main = type.getMethod("main", String[].class);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("main class " + className
                    + " is not on the child's class path: add its jar or directory to the class path", e);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(className + " has no public static void main(String[])", e);
        }
        if (!Modifier.isStatic(main.getModifiers())) {
            throw new IllegalStateException(className + ".main(String[]) is not static");
        }
        try {
            main.invoke(null, (Object) args.clone());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(className + ".main(String[]) is not accessible", e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception exception) {
                throw exception;
            }
            throw (Error) e.getCause();
        }
    }

    @Override
    public String toString() {
        return className + ".main" + java.util.Arrays.toString(args);
    }
}
