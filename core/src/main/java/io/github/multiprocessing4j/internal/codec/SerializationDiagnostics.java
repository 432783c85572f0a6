package io.github.multiprocessing4j.internal.codec;

import io.github.multiprocessing4j.TargetNotSerializableException;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns a {@link NotSerializableException}, which names only a class, into a message that says
 * where that class sits in the target: which captured value of which lambda, which field
 * (SPEC L10). Python's pickling errors name the object; we name the path to it.
 */
public final class SerializationDiagnostics {

    private static final int MAX_OBJECTS = 10_000;

    private SerializationDiagnostics() {
    }

    /**
     * Explains why a process object cannot be serialized.
     *
     * @param process the user's process object, searched for the path to the offending value
     * @param name the process's name, for the message
     * @param e what serialization threw
     * @return the exception to throw at {@code start()}, never null
     */
    public static TargetNotSerializableException explain(Object process, String name, NotSerializableException e) {
        String message = "process '" + name + "' cannot be sent to the child: " + whatIsNotSerializable(process, e)
                + ". Make it Serializable, mark the field transient, or capture something serializable instead.";
        return new TargetNotSerializableException(message, e.getMessage(), e);
    }

    /**
     * Explains why an object that must travel to another process cannot be serialized.
     *
     * @param root the user's object, searched for the path to the offending value
     * @param what what could not be sent, the start of the message: "task X cannot be sent to a
     *     worker process"
     * @param advice more advice for the end of the message, or ""
     * @param e what serialization threw
     * @return the exception to throw, never null
     */
    public static TargetNotSerializableException explain(Object root, String what, String advice,
                                                         NotSerializableException e) {
        String message = what + ": " + whatIsNotSerializable(root, e)
                + ". Make it Serializable, mark the field transient, or capture something serializable instead."
                + (advice.isEmpty() ? "" : " " + advice);
        return new TargetNotSerializableException(message, e.getMessage(), e);
    }

    /**
     * Names what cannot be serialized in a user's object and where it sits: for a pool's task or
     * function, the user's own lambda, its captured value or field, never the library's wrapper.
     *
     * @param root the user's object, searched for the path to the offending value
     * @param e what serialization threw
     * @return for example {@code "app.Db is not serializable, found at Main$$Lambda$14/0x.. ->
     *     captured value #1 of lambda app.Main.lambda$main$0"}
     */
    public static String whatIsNotSerializable(Object root, NotSerializableException e) {
        String offending = e.getMessage();
        String path = findPath(root, offending);
        return offending + " is not serializable" + (path == null ? "" : ", found at " + path);
    }

    /** Breadth-first search for the first non-serializable object; returns the path to it. */
    private static String findPath(Object root, String offendingClass) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Node> queue = new ArrayDeque<>();
        queue.add(new Node(root, root.getClass().getSimpleName()));
        while (!queue.isEmpty() && seen.size() < MAX_OBJECTS) {
            Node node = queue.poll();
            Object value = node.value();
            if (value == null || !seen.add(value)) {
                continue;
            }
            Class<?> type = value.getClass();
            if (!(value instanceof Serializable) && (offendingClass == null || type.getName().equals(offendingClass))) {
                return node.path();
            }
            SerializedLambda lambda = serializedForm(value);
            if (lambda != null) {
                String name = "lambda " + lambda.getImplClass().replace('/', '.') + "." + lambda.getImplMethodName();
                for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
                    queue.add(new Node(lambda.getCapturedArg(i),
                            node.path() + " -> captured value #" + (i + 1) + " of " + name));
                }
            } else if (type.isArray() && !type.getComponentType().isPrimitive()) {
                for (int i = 0; i < Array.getLength(value); i++) {
                    queue.add(new Node(Array.get(value, i), node.path() + "[" + i + "]"));
                }
            } else if (value instanceof Collection<?> collection) {
                int i = 0;
                for (Object element : collection) {
                    queue.add(new Node(element, node.path() + " -> element #" + i++));
                }
            } else if (value instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    queue.add(new Node(entry.getKey(), node.path() + " -> key " + entry.getKey()));
                    queue.add(new Node(entry.getValue(), node.path() + " -> value of key " + entry.getKey()));
                }
            } else {
                addFields(value, node.path(), queue);
            }
        }
        return null;
    }

    private static void addFields(Object value, String path, Deque<Node> queue) {
        for (Class<?> type = value.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            if (type.getName().startsWith("java.")) {
                return;
            }
            for (Field field : type.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers) || field.getType().isPrimitive()) {
                    continue;
                }
                try {
                    field.setAccessible(true);
                    queue.add(new Node(field.get(value),
                            path + " -> field '" + field.getName() + "' of " + type.getName()));
                } catch (RuntimeException | IllegalAccessException e) {
                    // a field we may not read: the exception's class name must do
                }
            }
        }
    }

    private static SerializedLambda serializedForm(Object value) {
        if (!value.getClass().isSynthetic()) {
            return null;
        }
        try {
            Method writeReplace = value.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            return writeReplace.invoke(value) instanceof SerializedLambda lambda ? lambda : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private record Node(Object value, String path) {
    }
}
