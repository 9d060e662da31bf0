package io.citadel.engine.internal.storage;

/**
 * A horizontal slice of a table: up to the table's fragment size of rows, every column stored
 * apart. Fragments are numbered within their table; a row is named by (fragment, position).
 */
public abstract class Fragment {
  private final int seq;
  private final int rows;

  Fragment(int seq, int rows) {
    this.seq = seq;
    this.rows = rows;
  }

  public final int seq() {
    return seq;
  }

  public final int rows() {
    return rows;
  }

  /** The column's statistics, or {@code null} when the fragment predates the column. */
  public abstract ColumnStats stats(int columnId);

  /**
   * The column's values, loading them if they are not in memory; {@code null} when the fragment
   * predates the column (every row NULL).
   */
  public abstract ColumnData column(int columnId);

  /** Whether the fragment's data lives only in memory (the write-ahead log covers it). */
  public abstract boolean inMemory();

  public static long rowId(int fragmentSeq, int position) {
    return ((long) fragmentSeq << 32) | (position & 0xFFFFFFFFL);
  }

  public static int fragmentOf(long rowId) {
    return (int) (rowId >>> 32);
  }

  public static int positionOf(long rowId) {
    return (int) rowId;
  }
}
