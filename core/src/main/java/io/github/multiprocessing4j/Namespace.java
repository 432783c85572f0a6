package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.manager.ManagerCalls;
import java.io.Serial;
import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A proxy of a manager's namespace: Python's {@code manager.Namespace()}, an object with named
 * attributes that every process of the tree reads and writes ({@code ns.x = 1} is
 * {@code ns.set("x", 1)}, {@code ns.x} is {@code ns.get("x")}). Each call is atomic (SPEC M7);
 * values are copies, so changing a value taken from the namespace does not change it (Python
 * alike). Serializable: pass it to children by capturing it in their targets.
 */
public final class Namespace implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The id of the manager's state in its hosting process. */
    private final String managerId;
    /** The namespace's id in the manager. */
    private final String objectId;

    Namespace(String managerId, String objectId) {
        this.managerId = managerId;
        this.objectId = objectId;
    }

    private Object call(int method, Object... args) {
        return ManagerCalls.call(managerId, objectId, method, args);
    }

    /**
     * An attribute's value: Python's {@code ns.name}.
     *
     * @param name the attribute
     * @param <T> the type the caller expects
     * @return a copy of its value, possibly null if null was set
     * @throws java.util.NoSuchElementException if the namespace has no such attribute (Python's
     *     {@code AttributeError})
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    @SuppressWarnings("unchecked")
    public <T> T get(String name) {
        return (T) call(ManagerCalls.NS_GET, Objects.requireNonNull(name, "name"));
    }

    /**
     * Sets an attribute: Python's {@code ns.name = value}.
     *
     * @param name the attribute
     * @param value its value: any value a {@link Queue} carries, or null
     * @throws IllegalArgumentException if the value cannot be serialized (naming its class)
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public void set(String name, Object value) {
        call(ManagerCalls.NS_SET, Objects.requireNonNull(name, "name"), value);
    }

    /**
     * Removes an attribute: Python's {@code del ns.name}.
     *
     * @param name the attribute
     * @throws java.util.NoSuchElementException if the namespace has no such attribute
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public void delete(String name) {
        call(ManagerCalls.NS_DELETE, Objects.requireNonNull(name, "name"));
    }

    /**
     * Whether the namespace has an attribute: Python's {@code hasattr(ns, name)}.
     *
     * @param name the attribute
     * @return true if it is set (to null, too)
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public boolean has(String name) {
        return (Boolean) call(ManagerCalls.NS_HAS, Objects.requireNonNull(name, "name"));
    }

    /**
     * The attributes' names, in the order they were first set.
     *
     * @return a snapshot, unmodifiable
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    public Set<String> names() {
        return asMap().keySet();
    }

    /**
     * The attributes and their values, read in one atomic call: Python's {@code vars(ns)}.
     *
     * @return a snapshot, unmodifiable, in the order the attributes were first set
     * @throws IllegalStateException if the manager has shut down or cannot be reached
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> asMap() {
        return java.util.Collections.unmodifiableMap((Map<String, Object>) call(ManagerCalls.NS_SNAPSHOT));
    }

    /**
     * Python's {@code repr}: {@code Namespace(a=1, b='x')}, here with Java's {@code toString} of
     * the values.
     *
     * @return the attributes, in one atomic read
     */
    @Override
    public String toString() {
        return asMap().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ", "Namespace(", ")"));
    }
}
