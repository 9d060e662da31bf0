package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.exec.Batch;
import io.citadel.engine.internal.types.ColumnType;
import java.util.ArrayList;
import java.util.List;

/**
 * What a statement answers: rows (for queries and SHOW/EXPLAIN) with their column names and types,
 * the PostgreSQL command tag ({@code SELECT 3}, {@code INSERT 0 5}, {@code COPY 10}), and notices
 * for the client (COPY's rejected lines).
 */
public final class QueryResult {
  private final String tag;
  private final List<String> names;
  private final ColumnType[] types;
  private final List<Batch> batches;
  private final long rows;
  private final List<String> notices;

  QueryResult(
      String tag,
      List<String> names,
      ColumnType[] types,
      List<Batch> batches,
      List<String> notices) {
    this.names = names;
    this.types = types;
    this.batches = batches;
    long n = 0;
    for (Batch b : batches) n += b.size;
    this.rows = n;
    this.tag = tag == null ? "SELECT " + n : tag;
    this.notices = notices;
  }

  static QueryResult command(String tag, List<String> notices) {
    return new QueryResult(tag, null, null, List.of(), notices);
  }

  static QueryResult rows(List<String> names, ColumnType[] types, List<List<Object>> rows) {
    List<Batch> b = new ArrayList<>();
    if (!rows.isEmpty()) {
      io.citadel.engine.internal.exec.Vec[] cols =
          new io.citadel.engine.internal.exec.Vec[types.length];
      for (int c = 0; c < types.length; c++) {
        Object[] vals = new Object[rows.size()];
        for (int r = 0; r < rows.size(); r++) vals[r] = rows.get(r).get(c);
        cols[c] = io.citadel.engine.internal.exec.Vectors.fromBoxed(types[c], vals, rows.size());
      }
      b.add(new Batch(cols, rows.size()));
    }
    return new QueryResult(null, names, types, b, List.of());
  }

  /** Whether the statement returns rows (a row description goes first on the wire). */
  public boolean hasRows() {
    return names != null;
  }

  public String tag() {
    return tag;
  }

  public List<String> names() {
    return names;
  }

  public ColumnType[] types() {
    return types;
  }

  public long rowCount() {
    return rows;
  }

  /** The same result with other notices. */
  QueryResult withNotices(List<String> others) {
    return new QueryResult(tag, names, types, batches, others);
  }

  public List<String> notices() {
    return notices;
  }

  public List<Batch> batches() {
    return batches;
  }

  /** Every row, each value boxed (see {@link ColumnType}). */
  public List<Object[]> rowsBoxed() {
    List<Object[]> out = new ArrayList<>();
    for (Batch b : batches) {
      for (int i = 0; i < b.size; i++) {
        Object[] row = new Object[types.length];
        for (int c = 0; c < types.length; c++) row[c] = b.cols[c].get(i);
        out.add(row);
      }
    }
    return out;
  }

  /** Every row as PostgreSQL text values (null for NULL). */
  public List<String[]> rowsText() {
    List<String[]> out = new ArrayList<>();
    for (Batch b : batches) {
      for (int i = 0; i < b.size; i++) {
        String[] row = new String[types.length];
        for (int c = 0; c < types.length; c++) row[c] = types[c].format(b.cols[c].get(i));
        out.add(row);
      }
    }
    return out;
  }
}
