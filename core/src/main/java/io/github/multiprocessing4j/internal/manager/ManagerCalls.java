package io.github.multiprocessing4j.internal.manager;

import io.github.multiprocessing4j.internal.codec.Payloads;
import io.github.multiprocessing4j.internal.shared.Shared;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * A proxy's calls on its manager, from any process: arguments encoded by the caller (so a value
 * that cannot be encoded fails there, SPEC M2), the exceptions of the Java collection contracts
 * carried back as themselves.
 */
public final class ManagerCalls {

    private static final Map<String, Function<String, RuntimeException>> KNOWN = Map.of(
            IndexOutOfBoundsException.class.getName(), IndexOutOfBoundsException::new,
            ArrayIndexOutOfBoundsException.class.getName(), IndexOutOfBoundsException::new,
            NoSuchElementException.class.getName(), NoSuchElementException::new,
            UnsupportedOperationException.class.getName(), UnsupportedOperationException::new,
            NullPointerException.class.getName(), NullPointerException::new,
            ClassCastException.class.getName(), ClassCastException::new,
            IllegalArgumentException.class.getName(), IllegalArgumentException::new,
            IllegalStateException.class.getName(), IllegalStateException::new,
            ArithmeticException.class.getName(), ArithmeticException::new);

    /** A namespace's attribute: {@code get(name)}. */
    public static final int NS_GET = Methods.GET;
    /** Sets a namespace's attribute: {@code set(name, value)}. */
    public static final int NS_SET = Methods.PUT;
    /** Removes a namespace's attribute: {@code delete(name)}. */
    public static final int NS_DELETE = Methods.REMOVE;
    /** Whether a namespace has an attribute: {@code has(name)}. */
    public static final int NS_HAS = Methods.CONTAINS_KEY;
    /** A namespace's attributes, as a map. */
    public static final int NS_SNAPSHOT = Methods.SNAPSHOT;

    private ManagerCalls() {
    }

    /**
     * Calls a method of a manager's object.
     *
     * @param managerId the manager's shared object id
     * @param objectId the object's id in the manager
     * @param method the method
     * @param args its arguments: any encodable values
     * @return the result, a copy
     * @throws IllegalArgumentException if an argument cannot be encoded (naming its class)
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     * @throws RuntimeException what the collection's contract throws (index out of range, ...)
     */
    public static Object call(String managerId, String objectId, int method, Object... args) {
        byte[] encoded = args.length == 0 ? null : Payloads.serialize(new ArrayList<>(Arrays.asList(args)));
        Object reply = Shared.quickCall(managerId, ManagerState.CALL, objectId, method, encoded);
        if (reply instanceof String failure) {
            throw decodeFailure(failure);
        }
        return Payloads.deserialize((byte[]) reply);
    }

    /**
     * Creates an object in a manager.
     *
     * @param managerId the manager's shared object id
     * @param kind {@link ManagerState#DICT}, {@link ManagerState#LIST} or {@link ManagerState#NAMESPACE}
     * @param name its name, or null for an unnamed one
     * @param initial its first contents (a map or a collection), or null
     * @return the object's id in the manager
     */
    public static String create(String managerId, int kind, String name, Object initial) {
        byte[] encoded = initial == null ? null : Payloads.serialize(initial);
        return (String) Shared.quickCall(managerId, ManagerState.NEW, kind, name, encoded);
    }

    /**
     * Has a manager make a shared object (a queue, a lock, ...) and returns its handle.
     *
     * @param managerId the manager's shared object id
     * @param kind which object
     * @param name its name, or null
     * @param args its arguments
     * @return the handle
     */
    public static Object createHandle(String managerId, String kind, String name, Object... args) {
        byte[] encoded = Payloads.serialize(new ArrayList<>(Arrays.asList(args)));
        return Payloads.deserialize((byte[]) Shared.quickCall(managerId, ManagerState.NEW_HANDLE, kind, name, encoded));
    }

    static String encodeFailure(RuntimeException e) {
        return e.getClass().getName() + "\n" + e.getMessage();
    }

    static RuntimeException decodeFailure(String failure) {
        int newline = failure.indexOf('\n');
        String type = failure.substring(0, newline);
        String message = failure.substring(newline + 1);
        Function<String, RuntimeException> known = KNOWN.get(type);
        return known != null ? known.apply("null".equals(message) ? null : message)
                : new IllegalStateException(type + ": " + message);
    }
}
