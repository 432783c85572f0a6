package io.github.multiprocessing4j.internal.shared;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A map whose values are held weakly, and whose entries go once their values have been
 * collected: each put and each look-up first removes the entries whose references the collector
 * has cleared. A process that creates a queue or pipe per request keeps no entry per object it
 * has dropped (the soak's parent, which only creates, kept three a cycle for ever: CB10).
 *
 * @param <K> the keys
 * @param <V> the values
 */
final class WeakValues<K, V> {

    private final ConcurrentHashMap<K, Entry<K, V>> map = new ConcurrentHashMap<>();
    private final ReferenceQueue<V> cleared = new ReferenceQueue<>();

    /** A value's reference, which knows its key. */
    private static final class Entry<K, V> extends WeakReference<V> {
        final K key;

        Entry(K key, V value, ReferenceQueue<V> queue) {
            super(value, queue);
            this.key = key;
        }
    }

    /**
     * The value of a key, if it is still reachable.
     *
     * @param key the key
     * @return the value, or null
     */
    V get(K key) {
        expunge();
        Entry<K, V> entry = map.get(key);
        return entry == null ? null : entry.get();
    }

    /**
     * Maps a key to a value, weakly.
     *
     * @param key the key
     * @param value the value, not null
     */
    void put(K key, V value) {
        expunge();
        map.put(key, new Entry<>(key, value, cleared));
    }

    /**
     * The entries, those whose values were collected but not yet removed included.
     *
     * @return the number of entries
     */
    int size() {
        return map.size();
    }

    /** Removes the entries whose values were collected (an entry replaced since stays). */
    @SuppressWarnings("unchecked")
    void expunge() {
        Entry<K, V> entry;
        while ((entry = (Entry<K, V>) cleared.poll()) != null) {
            map.remove(entry.key, entry);
        }
    }
}
