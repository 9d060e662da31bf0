package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.SqlException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one query holds on the heap, against its limit: every operator that keeps rows (a hash
 * join's built side, a sort's input, an aggregate's groups, the rows buffered for the client)
 * reserves their bytes here first, and a query that would pass the limit fails with 53200 naming
 * it, before the JVM runs short. The figures are estimates of the arrays held, close enough to stop
 * a query long before it can harm the node, not an exact account of every object.
 */
public final class QueryMemory {
  private final long limit;
  private final String source;
  private final AtomicLong used = new AtomicLong();
  private final AtomicLong peak = new AtomicLong();

  /**
   * @param limit bytes one query may hold; {@code Long.MAX_VALUE} for no limit
   * @param source where the limit comes from, for the error message (the setting to change)
   */
  public QueryMemory(long limit, String source) {
    this.limit = limit;
    this.source = source;
  }

  public static QueryMemory unlimited() {
    return new QueryMemory(Long.MAX_VALUE, "no limit");
  }

  public long limit() {
    return limit;
  }

  public long used() {
    return used.get();
  }

  /** The most this query held at once. */
  public long peak() {
    return peak.get();
  }

  /**
   * Takes {@code bytes} more for {@code what} (an operator's name).
   *
   * @throws SqlException 53200 when the query would pass its limit; nothing is taken then
   */
  public void reserve(long bytes, String what) {
    if (bytes <= 0) {
      return;
    }
    long now = used.addAndGet(bytes);
    if (now > limit) {
      used.addAndGet(-bytes);
      throw new SqlException(
          SqlException.OUT_OF_MEMORY,
          "out of memory: the query needs more than its limit of "
              + mib(limit)
              + " ("
              + source
              + ") for "
              + what
              + "; it held "
              + mib(now - bytes)
              + " already. Narrow the query (a WHERE, fewer groups, a LIMIT) or raise the limit",
          0);
    }
    peak.accumulateAndGet(now, Math::max);
  }

  public void release(long bytes) {
    if (bytes > 0) {
      used.addAndGet(-bytes);
    }
  }

  static String mib(long bytes) {
    return bytes >= 10L << 20
        ? (bytes >> 20) + " MB"
        : String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1048576.0);
  }

  /** About how many bytes {@code b}'s column arrays take. */
  public static long bytes(Batch b) {
    long n = 16;
    for (Vec v : b.cols) {
      if (v != null) {
        n += bytes(v);
      }
    }
    return b.rowIds == null ? n : n + 8L * b.rowIds.length;
  }

  /** About how many bytes {@code v}'s arrays take (a dictionary is shared and not counted). */
  public static long bytes(Vec v) {
    long n = 16;
    if (v.longs != null) n += 8L * v.longs.length;
    if (v.doubles != null) n += 8L * v.doubles.length;
    if (v.codes != null) n += 4L * v.codes.length;
    if (v.nulls != null) n += v.nulls.length;
    if (v.strings != null) {
      n += 8L * v.strings.length;
      for (int i = 0; i < v.size; i++) {
        String s = v.strings[i];
        if (s != null) {
          n += 40 + s.length();
        }
      }
    }
    return n;
  }
}
