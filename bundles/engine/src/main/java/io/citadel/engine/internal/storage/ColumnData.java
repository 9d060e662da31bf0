package io.citadel.engine.internal.storage;

import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.TypeKind;

/**
 * The values of one column in one fragment: a primitive array (which may be longer than {@link
 * #rows()}; a tail fragment's arrays keep growing past what an older view covers) and a null
 * bitmap, {@code null} when there are no NULLs. Immutable as far as its {@code rows} go.
 */
public abstract class ColumnData {
  protected final int rows;
  protected final long[] nulls;

  ColumnData(int rows, long[] nulls) {
    this.rows = rows;
    this.nulls = nulls;
  }

  public int rows() {
    return rows;
  }

  public final boolean isNull(int row) {
    return nulls != null && (nulls[row >>> 6] & (1L << row)) != 0;
  }

  public final boolean hasNulls() {
    return nulls != null;
  }

  long[] nullBits() {
    return nulls;
  }

  /**
   * Copies the null flags of rows {@code [from, from + n)} into {@code dst}; answers whether any
   * was set (when none is, {@code dst} is left untouched).
   */
  public final boolean copyNulls(int from, int n, boolean[] dst) {
    if (nulls == null) {
      return false;
    }
    boolean any = false;
    for (int i = 0; i < n; i++) {
      int r = from + i;
      boolean isNull = (nulls[r >>> 6] & (1L << r)) != 0;
      dst[i] = isNull;
      any |= isNull;
    }
    return any;
  }

  /** Copies rows {@code from + sel[i]} for i in {@code [0, n)} widened to {@code long}s. */
  public abstract void gatherLongs(int from, int[] sel, int n, long[] dst);

  /** Copies rows {@code from + sel[i]} for i in {@code [0, n)} as {@code double}s. */
  public abstract void gatherDoubles(int from, int[] sel, int n, double[] dst);

  /** Null flags of rows {@code from + sel[i]}; answers whether any was set. */
  public final boolean gatherNulls(int from, int[] sel, int n, boolean[] dst) {
    if (nulls == null) {
      return false;
    }
    boolean any = false;
    for (int i = 0; i < n; i++) {
      int r = from + sel[i];
      boolean isNull = (nulls[r >>> 6] & (1L << r)) != 0;
      dst[i] = isNull;
      any |= isNull;
    }
    return any;
  }

  /** Copies rows {@code [from, from + n)} widened to {@code long}s. */
  public abstract void copyLongs(int from, int n, long[] dst);

  /** Copies rows {@code [from, from + n)} as {@code double}s. */
  public abstract void copyDoubles(int from, int n, double[] dst);

  /** The value at {@code row} as a {@code long} (integral, date, decimal and code storage). */
  public abstract long longAt(int row);

  /** The value at {@code row} as a {@code double}. */
  public abstract double doubleAt(int row);

  /** Bytes of heap the arrays hold, for the column cache. */
  public abstract long heapBytes();

  /** Which storage class a column of {@code type} uses. */
  public static Storage storageOf(ColumnType type) {
    TypeKind k = type.kind();
    return switch (k) {
      // a time of day is under 86,400,000 milliseconds; string-based values are dictionary codes
      case BOOLEAN, SMALLINT, INTEGER, DATE, TIME, TEXT, UUID, JSON, JSONB, BYTEA, NUMERIC ->
          Storage.INT;
      case BIGINT, TIMESTAMP, TIMESTAMPTZ, DECIMAL, INTERVAL -> Storage.LONG;
      case FLOAT -> Storage.FLOAT;
      case DOUBLE -> Storage.DOUBLE;
    };
  }

  /**
   * Of the rows {@code from + s} for {@code s} in {@code sel[0..n)} (or {@code 0..n} when {@code
   * sel} is null), writes into {@code out} the offsets {@code s} whose value is not NULL and lies
   * in {@code [lo, hi]}, reading the stored values in place.
   *
   * @return how many were written; -1, writing nothing, when this layout holds no whole numbers
   */
  public int selectRange(int from, int[] sel, int n, long lo, long hi, int[] out) {
    return -1;
  }

  /** Removes the NULL rows from the first {@code k} offsets of {@code out}; the new count. */
  final int dropNulls(int from, int[] out, int k) {
    int kept = 0;
    for (int i = 0; i < k; i++) {
      if (!nullAt(from + out[i])) {
        out[kept++] = out[i];
      }
    }
    return kept;
  }

  /** Whether stored row {@code row} is NULL. */
  final boolean nullAt(int row) {
    return nulls != null && (nulls[row >>> 6] & (1L << row)) != 0;
  }

  /** The four physical layouts. */
  public enum Storage {
    INT,
    LONG,
    FLOAT,
    DOUBLE
  }

  public static final class Ints extends ColumnData {
    final int[] values;

    Ints(int rows, long[] nulls, int[] values) {
      super(rows, nulls);
      this.values = values;
    }

    public int[] values() {
      return values;
    }

    @Override
    public void copyLongs(int from, int n, long[] dst) {
      int[] v = values;
      for (int i = 0; i < n; i++) {
        dst[i] = v[from + i];
      }
    }

    @Override
    public void copyDoubles(int from, int n, double[] dst) {
      int[] v = values;
      for (int i = 0; i < n; i++) {
        dst[i] = v[from + i];
      }
    }

    @Override
    public int selectRange(int from, int[] sel, int n, long lo, long hi, int[] out) {
      if (lo > Integer.MAX_VALUE || hi < Integer.MIN_VALUE || lo > hi) {
        return 0;
      }
      // x in [l, h] as one unsigned comparison: x - l <= h - l
      int l = (int) Math.max(lo, Integer.MIN_VALUE);
      int width = (int) Math.min(hi, Integer.MAX_VALUE) - l;
      int[] v = values;
      int k = 0;
      if (sel == null) {
        for (int i = 0; i < n; i++) {
          out[k] = i;
          k += Integer.compareUnsigned(v[from + i] - l, width) <= 0 ? 1 : 0;
        }
      } else {
        for (int i = 0; i < n; i++) {
          int s = sel[i];
          out[k] = s;
          k += Integer.compareUnsigned(v[from + s] - l, width) <= 0 ? 1 : 0;
        }
      }
      return nulls == null ? k : dropNulls(from, out, k);
    }

    /** Copies rows {@code from + sel[i]} as ints (dictionary codes). */
    public void gatherInts(int from, int[] sel, int n, int[] dst) {
      int[] v = values;
      for (int i = 0; i < n; i++) {
        dst[i] = v[from + sel[i]];
      }
    }

    /** Copies rows as ints (dictionary codes). */
    public void copyInts(int from, int n, int[] dst) {
      System.arraycopy(values, from, dst, 0, n);
    }

    @Override
    public void gatherLongs(int from, int[] sel, int n, long[] dst) {
      int[] v = values;
      for (int i = 0; i < n; i++) {
        dst[i] = (long) v[from + sel[i]];
      }
    }

    @Override
    public void gatherDoubles(int from, int[] sel, int n, double[] dst) {
      int[] v = values;
      for (int i = 0; i < n; i++) {
        dst[i] = v[from + sel[i]];
      }
    }

    @Override
    public long longAt(int row) {
      return values[row];
    }

    @Override
    public double doubleAt(int row) {
      return values[row];
    }

    @Override
    public long heapBytes() {
      return 4L * values.length + (nulls == null ? 0 : 8L * nulls.length);
    }
  }

  static final class Longs extends ColumnData {
    final long[] values;

    Longs(int rows, long[] nulls, long[] values) {
      super(rows, nulls);
      this.values = values;
    }

    @Override
    public int selectRange(int from, int[] sel, int n, long lo, long hi, int[] out) {
      if (lo > hi) {
        return 0;
      }
      long width = hi - lo;
      long[] v = values;
      int k = 0;
      if (sel == null) {
        for (int i = 0; i < n; i++) {
          out[k] = i;
          k += Long.compareUnsigned(v[from + i] - lo, width) <= 0 ? 1 : 0;
        }
      } else {
        for (int i = 0; i < n; i++) {
          int s = sel[i];
          out[k] = s;
          k += Long.compareUnsigned(v[from + s] - lo, width) <= 0 ? 1 : 0;
        }
      }
      return nulls == null ? k : dropNulls(from, out, k);
    }

    @Override
    public void copyLongs(int from, int n, long[] dst) {
      System.arraycopy(values, from, dst, 0, n);
    }

    @Override
    public void copyDoubles(int from, int n, double[] dst) {
      long[] v = values;
      for (int i = 0; i < n; i++) {
        dst[i] = v[from + i];
      }
    }

    @Override
    public void gatherLongs(int from, int[] sel, int n, long[] dst) {
      long[] v = values;
      for (int i = 0; i < n; i++) {
        dst[i] = (long) v[from + sel[i]];
      }
    }

    @Override
    public void gatherDoubles(int from, int[] sel, int n, double[] dst) {
      long[] v = values;
      for (int i = 0; i < n; i++) {
        dst[i] = v[from + sel[i]];
      }
    }

    @Override
    public long longAt(int row) {
      return values[row];
    }

    @Override
    public double doubleAt(int row) {
      return values[row];
    }

    @Override
    public long heapBytes() {
      return 8L * values.length + (nulls == null ? 0 : 8L * nulls.length);
    }
  }

  static final class Floats extends ColumnData {
    final float[] values;

    Floats(int rows, long[] nulls, float[] values) {
      super(rows, nulls);
      this.values = values;
    }

    @Override
    public void copyLongs(int from, int n, long[] dst) {
      for (int i = 0; i < n; i++) {
        dst[i] = (long) values[from + i];
      }
    }

    @Override
    public void copyDoubles(int from, int n, double[] dst) {
      float[] v = values;
      for (int i = 0; i < n; i++) {
        dst[i] = v[from + i];
      }
    }

    @Override
    public void gatherLongs(int from, int[] sel, int n, long[] dst) {
      float[] v = values;
      for (int i = 0; i < n; i++) {
        dst[i] = (long) v[from + sel[i]];
      }
    }

    @Override
    public void gatherDoubles(int from, int[] sel, int n, double[] dst) {
      float[] v = values;
      for (int i = 0; i < n; i++) {
        dst[i] = v[from + sel[i]];
      }
    }

    @Override
    public long longAt(int row) {
      return (long) values[row];
    }

    @Override
    public double doubleAt(int row) {
      return values[row];
    }

    @Override
    public long heapBytes() {
      return 4L * values.length + (nulls == null ? 0 : 8L * nulls.length);
    }
  }

  static final class Doubles extends ColumnData {
    final double[] values;

    Doubles(int rows, long[] nulls, double[] values) {
      super(rows, nulls);
      this.values = values;
    }

    @Override
    public void copyLongs(int from, int n, long[] dst) {
      for (int i = 0; i < n; i++) {
        dst[i] = (long) values[from + i];
      }
    }

    @Override
    public void copyDoubles(int from, int n, double[] dst) {
      System.arraycopy(values, from, dst, 0, n);
    }

    @Override
    public void gatherLongs(int from, int[] sel, int n, long[] dst) {
      double[] v = values;
      for (int i = 0; i < n; i++) {
        dst[i] = (long) v[from + sel[i]];
      }
    }

    @Override
    public void gatherDoubles(int from, int[] sel, int n, double[] dst) {
      double[] v = values;
      for (int i = 0; i < n; i++) {
        dst[i] = v[from + sel[i]];
      }
    }

    @Override
    public long longAt(int row) {
      return (long) values[row];
    }

    @Override
    public double doubleAt(int row) {
      return values[row];
    }

    @Override
    public long heapBytes() {
      return 8L * values.length + (nulls == null ? 0 : 8L * nulls.length);
    }
  }
}
