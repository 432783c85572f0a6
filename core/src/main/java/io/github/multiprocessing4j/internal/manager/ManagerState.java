package io.github.multiprocessing4j.internal.manager;

import io.github.multiprocessing4j.internal.codec.Payloads;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The state of one manager, hosted in the process that created it (or that serves it): its
 * dicts, lists and namespaces, and the shared objects (queues, locks, ...) its factories made.
 * Every operation holds this object's monitor, so each call on a proxy is atomic (SPEC M7).
 * Values are kept deserialized (a dict compares keys with {@code equals}) and returned as fresh
 * copies, so a proxy's caller never shares a mutable object with the manager: Python's proxies
 * return copies alike. After {@link #SHUTDOWN} the state is dropped and every call fails with
 * {@link IllegalStateException}.
 */
public final class ManagerState implements SharedObjects.Hosted {

    /** new(kind, name or null, initial contents as codec bytes or null) returns the object's id. */
    public static final int NEW = 1;
    /** newHandle(kind, name or null, arguments as codec bytes) returns the shared object, as codec bytes. */
    public static final int NEW_HANDLE = 2;
    /** call(objectId, method, arguments as codec bytes or null) returns codec bytes, or a failure as a String. */
    public static final int CALL = 3;
    /** shutdown(): drops the state and retires the shared objects the manager made. */
    public static final int SHUTDOWN = 4;
    /** name() returns the manager's name. */
    public static final int NAME = 5;

    /** A dict: Python's {@code manager.dict()}. */
    public static final int DICT = 1;
    /** A list: Python's {@code manager.list()}. */
    public static final int LIST = 2;
    /** A namespace: Python's {@code manager.Namespace()}. */
    public static final int NAMESPACE = 3;

    /** Makes the shared objects a manager hands out: queues, locks and the like. */
    @FunctionalInterface
    public interface Handles {

        /**
         * Makes one shared object, hosted in this process.
         *
         * @param kind which object, as the manager's factory names it ({@code "queue"}, ...)
         * @param args its arguments
         * @return the object's handle, serializable
         * @throws IllegalArgumentException for an unknown kind or bad arguments
         */
        Object make(String kind, List<?> args);
    }

    private final String name;
    private final Handles handles;
    private final Map<String, Object> objects = new HashMap<>();
    /** Named objects: the object's id, or the handle of a named shared object. */
    private final Map<String, Object> named = new HashMap<>();
    private final List<String> handleIds = new ArrayList<>();
    private long counter;
    private boolean shutDown;

    /**
     * Creates the state.
     *
     * @param name the manager's name, for messages
     * @param handles what makes its queues, locks and the like
     */
    public ManagerState(String name, Handles handles) {
        this.name = Objects.requireNonNull(name, "name");
        this.handles = Objects.requireNonNull(handles, "handles");
    }

    /**
     * Why calls fail once the manager has shut down.
     *
     * @param name the manager's name
     * @return the message
     */
    public static String shutDownMessage(String name) {
        return "the manager " + name + " has shut down: its proxies (dict, list, namespace, queue, lock, ...)"
                + " no longer work";
    }

    @Override
    public boolean mayBlock(int op, Object[] args) {
        return false;
    }

    @Override
    public synchronized Object invoke(int op, Object[] args, String caller) throws Exception {
        if (op == NAME) {
            return name;
        }
        if (op == SHUTDOWN) {
            shutDown();
            return null;
        }
        if (shutDown) {
            throw new IllegalStateException(shutDownMessage(name));
        }
        switch (op) {
            case NEW:
                return newObject((Integer) args[0], (String) args[1], (byte[]) args[2]);
            case NEW_HANDLE:
                return newHandle((String) args[0], (String) args[1], (byte[]) args[2]);
            case CALL:
                return call((String) args[0], (Integer) args[1], (byte[]) args[2]);
            default:
                throw new IllegalArgumentException("unknown manager operation " + op);
        }
    }

    private void shutDown() {
        if (shutDown) {
            return;
        }
        shutDown = true;
        objects.clear();
        named.clear();
        for (String id : handleIds) {
            SharedObjects.retire(id, shutDownMessage(name));
        }
        handleIds.clear();
    }

    private String newObject(int kind, String objectName, byte[] initial) {
        if (objectName != null) {
            Object existing = named.get(objectName);
            if (existing != null) {
                if (!(existing instanceof String id) || kindOf(objects.get(id)) != kind) {
                    throw new IllegalArgumentException("the manager's object \"" + objectName + "\" is a "
                            + describe(existing) + ", not a " + kindName(kind));
                }
                return id;
            }
        }
        Object contents = initial == null ? null : Payloads.deserialize(initial);
        Object object;
        switch (kind) {
            case DICT:
                object = contents == null ? new LinkedHashMap<>() : new LinkedHashMap<>((Map<?, ?>) contents);
                break;
            case LIST:
                object = contents == null ? new ArrayList<>() : new ArrayList<>((Collection<?>) contents);
                break;
            case NAMESPACE:
                object = new Namespace();
                break;
            default:
                throw new IllegalArgumentException("unknown manager object kind " + kind);
        }
        String id = "m" + (++counter);
        objects.put(id, object);
        if (objectName != null) {
            named.put(objectName, id);
        }
        return id;
    }

    private byte[] newHandle(String kind, String objectName, byte[] args) {
        if (objectName != null) {
            Object existing = named.get(objectName);
            if (existing != null) {
                if (existing instanceof String || !kind.equals(kindOfHandle(existing))) {
                    throw new IllegalArgumentException("the manager's object \"" + objectName + "\" is a "
                            + describe(existing) + ", not a " + kind);
                }
                return Payloads.serialize(existing);
            }
        }
        List<?> arguments = (List<?>) Payloads.deserialize(args);
        Object handle = SharedObjects.hostCollecting(() -> handles.make(kind, arguments), handleIds::add);
        if (objectName != null) {
            named.put(objectName, handle);
        }
        return Payloads.serialize(handle);
    }

    private static String kindOfHandle(Object handle) {
        return handle.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    private String describe(Object namedObject) {
        return namedObject instanceof String id ? kindName(kindOf(objects.get(id))) : kindOfHandle(namedObject);
    }

    private static int kindOf(Object object) {
        if (object instanceof Namespace) {
            return NAMESPACE;
        }
        return object instanceof Map ? DICT : LIST;
    }

    private static String kindName(int kind) {
        return kind == DICT ? "dict" : kind == LIST ? "list" : "namespace";
    }

    /** Performs a proxy's method; a failure of the method itself is returned, as a String. */
    private Object call(String objectId, int method, byte[] encodedArgs) {
        Object object = objects.get(objectId);
        if (object == null) {
            throw new IllegalStateException("the manager " + name + " has no object " + objectId);
        }
        try {
            List<?> args = encodedArgs == null ? List.of() : (List<?>) Payloads.deserialize(encodedArgs);
            Object result;
            if (object instanceof Namespace namespace) {
                result = namespace.call(method, args);
            } else if (object instanceof Map<?, ?> map) {
                result = dictCall(cast(map), method, args);
            } else {
                result = listCall(cast((List<?>) object), method, args);
            }
            return Payloads.serialize(result);
        } catch (RuntimeException e) {
            return ManagerCalls.encodeFailure(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object object) {
        return (T) object;
    }

    private static Object dictCall(Map<Object, Object> map, int method, List<?> a) {
        switch (method) {
            case Methods.SIZE:
                return map.size();
            case Methods.CLEAR:
                map.clear();
                return null;
            case Methods.SNAPSHOT:
                return new LinkedHashMap<>(map);
            case Methods.GET:
                return map.get(a.get(0));
            case Methods.GET_OR_DEFAULT:
                return map.getOrDefault(a.get(0), a.get(1));
            case Methods.PUT:
                return map.put(a.get(0), a.get(1));
            case Methods.REMOVE:
                return map.remove(a.get(0));
            case Methods.CONTAINS_KEY:
                return map.containsKey(a.get(0));
            case Methods.CONTAINS_VALUE:
                return map.containsValue(a.get(0));
            case Methods.PUT_ALL:
                map.putAll((Map<?, ?>) a.get(0));
                return null;
            case Methods.PUT_IF_ABSENT:
                return map.putIfAbsent(a.get(0), a.get(1));
            case Methods.REMOVE_IF_EQUAL:
                return map.remove(a.get(0), a.get(1));
            case Methods.REPLACE:
                return map.replace(a.get(0), a.get(1));
            case Methods.REPLACE_IF_EQUAL:
                return map.replace(a.get(0), a.get(1), a.get(2));
            default:
                throw new UnsupportedOperationException("unknown dict method " + method);
        }
    }

    private static Object listCall(List<Object> list, int method, List<?> a) {
        switch (method) {
            case Methods.SIZE:
                return list.size();
            case Methods.CLEAR:
                list.clear();
                return null;
            case Methods.SNAPSHOT:
                return new ArrayList<>(list);
            case Methods.GET:
                return list.get((Integer) a.get(0));
            case Methods.SET:
                return list.set((Integer) a.get(0), a.get(1));
            case Methods.ADD:
                return list.add(a.get(0));
            case Methods.ADD_AT:
                list.add((Integer) a.get(0), a.get(1));
                return null;
            case Methods.REMOVE_AT:
                return list.remove((int) (Integer) a.get(0));
            case Methods.REMOVE:
                return list.remove(a.get(0));
            case Methods.REMOVE_RANGE:
                list.subList((Integer) a.get(0), (Integer) a.get(1)).clear();
                return null;
            case Methods.INDEX_OF:
                return list.indexOf(a.get(0));
            case Methods.LAST_INDEX_OF:
                return list.lastIndexOf(a.get(0));
            case Methods.CONTAINS:
                return list.contains(a.get(0));
            case Methods.CONTAINS_ALL:
                return list.containsAll((Collection<?>) a.get(0));
            case Methods.ADD_ALL:
                return list.addAll((Collection<?>) a.get(0));
            case Methods.ADD_ALL_AT:
                return list.addAll((Integer) a.get(0), (Collection<?>) a.get(1));
            case Methods.REMOVE_ALL:
                return list.removeAll((Collection<?>) a.get(0));
            case Methods.RETAIN_ALL:
                return list.retainAll((Collection<?>) a.get(0));
            case Methods.REMOVE_IF:
                return list.removeIf(cast(a.get(0)));
            case Methods.SORT:
                list.sort(ManagerState.<Comparator<Object>>cast(a.get(0)));
                return null;
            case Methods.REPLACE_ALL:
                list.replaceAll(ManagerState.<UnaryOperator<Object>>cast(a.get(0)));
                return null;
            default:
                throw new UnsupportedOperationException("unknown list method " + method);
        }
    }

    /** The attributes of a namespace, in the order they were first set. */
    private static final class Namespace {
        private final Map<String, Object> attributes = new LinkedHashMap<>();

        Object call(int method, List<?> a) {
            switch (method) {
                case Methods.SNAPSHOT:
                    return new LinkedHashMap<>(attributes);
                case Methods.GET: {
                    String attribute = (String) a.get(0);
                    if (!attributes.containsKey(attribute)) {
                        throw new NoSuchElementException("the namespace has no attribute '" + attribute + "'");
                    }
                    return attributes.get(attribute);
                }
                case Methods.PUT:
                    attributes.put((String) a.get(0), a.get(1));
                    return null;
                case Methods.REMOVE: {
                    String attribute = (String) a.get(0);
                    if (!attributes.containsKey(attribute)) {
                        throw new NoSuchElementException("the namespace has no attribute '" + attribute + "'");
                    }
                    attributes.remove(attribute);
                    return null;
                }
                case Methods.CONTAINS_KEY:
                    return attributes.containsKey((String) a.get(0));
                default:
                    throw new UnsupportedOperationException("unknown namespace method " + method);
            }
        }
    }
}
