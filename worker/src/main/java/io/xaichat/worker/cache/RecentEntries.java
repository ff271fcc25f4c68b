package io.xaichat.worker.cache;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most recently used entries of a map, at most {@code capacity} of them, safe to share between threads: the
 * bounded memories of the worker's hot paths (job shapes, plans, cache keys, validated values, reply topics) are
 * all this, so that none of them grows with the traffic.
 */
public final class RecentEntries<K, V> {
    private final Map<K, V> entries;

    public RecentEntries(int capacity) {
        this.entries = new LinkedHashMap<>(Math.min(capacity, 64), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The value under {@code key}, or null; marks it as used. */
    public synchronized V get(K key) {
        return entries.get(key);
    }

    public synchronized void put(K key, V value) {
        entries.put(key, value);
    }

    /** Puts {@code value} unless {@code key} is present; true when it was absent. */
    public synchronized boolean putIfAbsent(K key, V value) {
        return entries.putIfAbsent(key, value) == null;
    }

    public synchronized void remove(K key) {
        entries.remove(key);
    }
}
