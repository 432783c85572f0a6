package io.github.multiprocessing4j.internal.manager;

import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractMap;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;

/**
 * A proxy of a manager's dict: Python's {@code DictProxy}, as a {@link ConcurrentMap}. Each
 * method is one atomic call on the manager (SPEC M7); {@code compute}, {@code merge} and the
 * other defaults of {@link ConcurrentMap} retry on {@link #replace(Object, Object, Object)}, so
 * they are atomic too. The views ({@link #keySet()}, {@link #values()}, {@link #entrySet()}) and
 * iteration are unmodifiable snapshots, not live views. Values are copies: changing a value
 * taken from the dict does not change the dict (Python alike).
 *
 * @param <K> the keys' type
 * @param <V> the values' type
 */
public final class DictProxy<K, V> extends AbstractMap<K, V> implements ConcurrentMap<K, V>, Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String managerId;
    private final String objectId;

    /**
     * A proxy of an object of a manager.
     *
     * @param managerId the manager's shared object id
     * @param objectId the dict's id in the manager
     */
    public DictProxy(String managerId, String objectId) {
        this.managerId = Objects.requireNonNull(managerId, "managerId");
        this.objectId = Objects.requireNonNull(objectId, "objectId");
    }

    private Object call(int method, Object... args) {
        return ManagerCalls.call(managerId, objectId, method, args);
    }

    @SuppressWarnings("unchecked")
    private V value(Object value) {
        return (V) value;
    }

    @SuppressWarnings("unchecked")
    private Map<K, V> snapshot() {
        return Collections.unmodifiableMap((Map<K, V>) call(Methods.SNAPSHOT));
    }

    /**
     * A copy of the whole dict, made in one atomic call: Python's {@code _getvalue()}.
     *
     * @return a new {@link LinkedHashMap}, in the dict's order
     */
    @SuppressWarnings("unchecked")
    public Map<K, V> copy() {
        return (Map<K, V>) call(Methods.SNAPSHOT);
    }

    @Override
    public int size() {
        return (Integer) call(Methods.SIZE);
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public boolean containsKey(Object key) {
        return (Boolean) call(Methods.CONTAINS_KEY, key);
    }

    @Override
    public boolean containsValue(Object value) {
        return (Boolean) call(Methods.CONTAINS_VALUE, value);
    }

    @Override
    public V get(Object key) {
        return value(call(Methods.GET, key));
    }

    @Override
    public V getOrDefault(Object key, V defaultValue) {
        return value(call(Methods.GET_OR_DEFAULT, key, defaultValue));
    }

    @Override
    public V put(K key, V value) {
        return value(call(Methods.PUT, key, value));
    }

    @Override
    public V remove(Object key) {
        return value(call(Methods.REMOVE, key));
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> map) {
        call(Methods.PUT_ALL, new LinkedHashMap<>(map));
    }

    @Override
    public void clear() {
        call(Methods.CLEAR);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        return value(call(Methods.PUT_IF_ABSENT, key, value));
    }

    @Override
    public boolean remove(Object key, Object value) {
        return (Boolean) call(Methods.REMOVE_IF_EQUAL, key, value);
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        return (Boolean) call(Methods.REPLACE_IF_EQUAL, key, oldValue, newValue);
    }

    @Override
    public V replace(K key, V value) {
        return value(call(Methods.REPLACE, key, value));
    }

    @Override
    public Set<K> keySet() {
        return snapshot().keySet();
    }

    @Override
    public Collection<V> values() {
        return snapshot().values();
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
        return snapshot().entrySet();
    }

    @Override
    public void forEach(BiConsumer<? super K, ? super V> action) {
        snapshot().forEach(action);
    }

    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof Map && snapshot().equals(other);
    }

    @Override
    public int hashCode() {
        return snapshot().hashCode();
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
