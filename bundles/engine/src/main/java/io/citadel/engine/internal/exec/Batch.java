package io.citadel.engine.internal.exec;

/**
 * Rows flowing between operators, column by column. {@code rowIds} travel only under UPDATE and
 * DELETE, naming each row's place in storage.
 */
public final class Batch {
  public final Vec[] cols;
  public final int size;
  public final long[] rowIds;

  public Batch(Vec[] cols, int size, long[] rowIds) {
    this.cols = cols;
    this.size = size;
    this.rowIds = rowIds;
  }

  public Batch(Vec[] cols, int size) {
    this(cols, size, null);
  }

  /** The rows at {@code sel[0..n)}. Columns that are {@code null} (never read) stay so. */
  public Batch gather(int[] sel, int n) {
    Vec[] out = new Vec[cols.length];
    for (int i = 0; i < cols.length; i++) {
      out[i] = cols[i] == null ? null : cols[i].gather(sel, n);
    }
    long[] ids = null;
    if (rowIds != null) {
      ids = new long[n];
      for (int i = 0; i < n; i++) {
        ids[i] = rowIds[sel[i]];
      }
    }
    return new Batch(out, n, ids);
  }
}
