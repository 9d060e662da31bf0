package io.citadel.engine.internal.storage;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stored fragments' columns loaded into memory, within a budget in bytes: the least recently used
 * columns are dropped first. The Warden sizes the budget; it can change while running. A column
 * dropped while a query still reads it stays alive until that query lets go of it.
 */
public final class ColumnCache {
  /** A cached column: which fragment, which column id. */
  record Key(StoredFragment fragment, int columnId) {}

  private final LinkedHashMap<Key, ColumnData> entries = new LinkedHashMap<>(256, 0.75f, true);
  private long bytes;
  private volatile long budget;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong evictions = new AtomicLong();

  public ColumnCache(long budgetBytes) {
    this.budget = budgetBytes;
  }

  public void setBudget(long budgetBytes) {
    this.budget = budgetBytes;
    synchronized (this) {
      evict();
    }
  }

  public long budget() {
    return budget;
  }

  public synchronized long bytes() {
    return bytes;
  }

  public synchronized int size() {
    return entries.size();
  }

  public long hits() {
    return hits.get();
  }

  public long misses() {
    return misses.get();
  }

  public long evictions() {
    return evictions.get();
  }

  synchronized ColumnData get(Key key) {
    ColumnData d = entries.get(key);
    if (d != null) {
      hits.incrementAndGet();
    } else {
      misses.incrementAndGet();
    }
    return d;
  }

  synchronized void put(Key key, ColumnData data) {
    ColumnData old = entries.put(key, data);
    if (old != null) {
      bytes -= old.heapBytes();
    }
    bytes += data.heapBytes();
    evict();
  }

  /** Drops every column of a fragment (its table or file went away). */
  synchronized void forget(StoredFragment fragment) {
    Iterator<Map.Entry<Key, ColumnData>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Key, ColumnData> e = it.next();
      if (e.getKey().fragment() == fragment) {
        bytes -= e.getValue().heapBytes();
        it.remove();
      }
    }
  }

  private void evict() {
    Iterator<Map.Entry<Key, ColumnData>> it = entries.entrySet().iterator();
    // keep at least the most recent entry, even when it alone exceeds the budget
    while (bytes > budget && entries.size() > 1 && it.hasNext()) {
      Map.Entry<Key, ColumnData> e = it.next();
      bytes -= e.getValue().heapBytes();
      it.remove();
      evictions.incrementAndGet();
    }
  }
}
