package io.citadel.engine.internal.storage;

import io.citadel.engine.internal.types.ColumnType;
import java.util.Arrays;

/**
 * Appends values to one column of a fragment that is still being filled. {@link #view()} hands out
 * an immutable {@link ColumnData} over the rows appended so far; later appends write only past
 * those rows (or into new arrays), so a view stays valid while the builder grows. Not thread-safe:
 * one writer at a time, views published through a lock or volatile.
 */
public final class ColumnBuilder {
  private final ColumnType type;
  private final ColumnData.Storage storage;
  private final Dictionary dictionary;
  private int rows;
  private long[] nulls;
  private int[] ints;
  private long[] longs;
  private float[] floats;
  private double[] doubles;
  private int nullCount;
  private boolean hasRange;
  private long min;
  private long max;

  public ColumnBuilder(ColumnType type, Dictionary dictionary, int initialCapacity) {
    this.type = type;
    this.storage = ColumnData.storageOf(type);
    this.dictionary = dictionary;
    int cap = Math.max(16, initialCapacity);
    switch (storage) {
      case INT -> ints = new int[cap];
      case LONG -> longs = new long[cap];
      case FLOAT -> floats = new float[cap];
      case DOUBLE -> doubles = new double[cap];
    }
  }

  public ColumnType type() {
    return type;
  }

  public int rows() {
    return rows;
  }

  private int capacity() {
    return switch (storage) {
      case INT -> ints.length;
      case LONG -> longs.length;
      case FLOAT -> floats.length;
      case DOUBLE -> doubles.length;
    };
  }

  private void ensure(int extra) {
    int need = rows + extra;
    int cap = capacity();
    if (need <= cap) {
      return;
    }
    int n = Math.max(need, cap + (cap >> 1));
    switch (storage) {
      case INT -> ints = Arrays.copyOf(ints, n);
      case LONG -> longs = Arrays.copyOf(longs, n);
      case FLOAT -> floats = Arrays.copyOf(floats, n);
      case DOUBLE -> doubles = Arrays.copyOf(doubles, n);
    }
    if (nulls != null) {
      nulls = Arrays.copyOf(nulls, (n + 63) >>> 6);
    }
  }

  /** Appends a boxed physical value of this column's type (see {@link ColumnType}). */
  public void append(Object value) {
    if (value == null) {
      appendNull();
    } else if (type.kind().isStringBased()) {
      appendLong(dictionary.encode((String) value));
    } else if (storage == ColumnData.Storage.FLOAT || storage == ColumnData.Storage.DOUBLE) {
      appendDouble(((Number) value).doubleValue());
    } else {
      appendLong(((Number) value).longValue());
    }
  }

  /** Appends the first {@code n} rows of {@code data}, a column of this type (text as codes). */
  void appendAll(ColumnData data, int n) {
    appendRange(data, 0, n);
  }

  /** Appends rows {@code from} (inclusive) to {@code to} of {@code data}, as {@link #appendAll}. */
  void appendRange(ColumnData data, int from, int to) {
    ensure(to - from);
    for (int r = from; r < to; r++) {
      if (data.isNull(r)) {
        appendNull();
      } else if (storage == ColumnData.Storage.FLOAT || storage == ColumnData.Storage.DOUBLE) {
        appendDouble(data.doubleAt(r));
      } else {
        appendLong(data.longAt(r));
      }
    }
  }

  /** Appends a text value through the dictionary. */
  public void appendText(String value) {
    appendLong(dictionary.encode(value));
  }

  public void appendNull() {
    ensure(1);
    int words = (capacity() + 63) >>> 6;
    if (nulls == null) {
      nulls = new long[words];
    } else if (nulls.length < words) {
      nulls = Arrays.copyOf(nulls, words);
    }
    // Views share this bitmap, but cover only rows below this one: setting its bit changes
    // nothing they see.
    int r = rows;
    nulls[r >>> 6] |= 1L << r;
    nullCount++;
    rows = r + 1;
  }

  public void appendLong(long v) {
    ensure(1);
    int r = rows;
    switch (storage) {
      case INT -> ints[r] = (int) v;
      case LONG -> longs[r] = v;
      case FLOAT -> floats[r] = v;
      case DOUBLE -> doubles[r] = v;
    }
    if (!type.kind().isStringBased()) {
      if (storage == ColumnData.Storage.FLOAT || storage == ColumnData.Storage.DOUBLE) {
        track(Double.doubleToRawLongBits(v), v);
      } else {
        track(v);
      }
    }
    rows = r + 1;
  }

  public void appendDouble(double v) {
    ensure(1);
    int r = rows;
    switch (storage) {
      case FLOAT -> floats[r] = (float) v;
      case DOUBLE -> doubles[r] = v;
      default -> throw new IllegalStateException("double into " + type);
    }
    track(Double.doubleToRawLongBits(v), v);
    rows = r + 1;
  }

  private void track(long v) {
    if (!hasRange) {
      hasRange = true;
      min = v;
      max = v;
    } else if (v < min) {
      min = v;
    } else if (v > max) {
      max = v;
    }
  }

  private void track(long bits, double v) {
    if (Double.isNaN(v)) {
      return;
    }
    if (!hasRange) {
      hasRange = true;
      min = bits;
      max = bits;
    } else if (v < Double.longBitsToDouble(min)) {
      min = bits;
    } else if (v > Double.longBitsToDouble(max)) {
      max = bits;
    }
  }

  public ColumnStats stats() {
    return new ColumnStats(nullCount, hasRange, min, max);
  }

  /** An immutable view over the rows appended so far. */
  public ColumnData view() {
    return switch (storage) {
      case INT -> new ColumnData.Ints(rows, nulls, ints);
      case LONG -> new ColumnData.Longs(rows, nulls, longs);
      case FLOAT -> new ColumnData.Floats(rows, nulls, floats);
      case DOUBLE -> new ColumnData.Doubles(rows, nulls, doubles);
    };
  }
}
