package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.exec.Batch;
import io.citadel.engine.internal.types.ColumnType;
import java.util.ArrayList;
import java.util.List;

/**
 * What a statement answers: rows (for queries and SHOW/EXPLAIN) with their column names and types,
 * the PostgreSQL command tag ({@code SELECT 3}, {@code INSERT 0 5}, {@code COPY 10}), and notices
 * for the client (COPY's rejected lines).
 *
 * <p>A query's rows are not all made at once: {@link #next} pulls them batch by batch from the
 * running plan, so a client that takes them as they come (pgwire, HTTP, a cursor) never has the
 * whole result on the heap. {@link #batches} and the other whole-result views drain what is left
 * into memory, for callers that need it all (the console, tests). A failure while rows are pulled
 * is an ordinary {@link io.citadel.engine.internal.types.SqlException}; {@link #close} stops the
 * query and gives its memory back.
 */
public final class QueryResult implements AutoCloseable {
  /** Where a result's batches come from. */
  interface Rows {
    /** The next batch, or null after the last. */
    Batch next();

    /** Stops producing; what is buffered is dropped. */
    void close();
  }

  private final String tag;
  private final List<String> names;
  private final ColumnType[] types;
  private final List<String> notices;
  private final String sql;
  private Rows rows;
  private List<Batch> materialized;
  private int taken;
  private long delivered;

  /** The result this one re-labels (see {@link #withNotices}), kept reachable with it. */
  private QueryResult relabelled;

  private QueryResult(
      String tag,
      List<String> names,
      ColumnType[] types,
      Rows rows,
      List<String> notices,
      String sql) {
    this.tag = tag;
    this.names = names;
    this.types = types;
    this.rows = rows;
    this.notices = notices;
    this.sql = sql;
  }

  QueryResult(
      String tag,
      List<String> names,
      ColumnType[] types,
      List<Batch> batches,
      List<String> notices) {
    this(tag, names, types, null, notices, null);
    this.materialized = new ArrayList<>(batches);
  }

  /** Closes the query of a result dropped without {@link #close}, so its threads end. */
  private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();

  /** Rows pulled from {@code rows} as the caller asks; {@code sql} names the query in logs. */
  static QueryResult streaming(
      List<String> names, ColumnType[] types, Rows rows, String sql, List<String> notices) {
    QueryResult r = new QueryResult(null, names, types, rows, notices, sql);
    CLEANER.register(r, rows::close);
    return r;
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

  /**
   * The command tag. For a query, {@code SELECT n} counts the rows handed out so far, so it is the
   * whole count once {@link #next} has answered null (or after {@link #batches}).
   */
  public String tag() {
    if (tag != null) {
      return tag;
    }
    long n = delivered;
    if (materialized != null) {
      for (Batch b : batches()) n += b.size;
    }
    return "SELECT " + n;
  }

  public List<String> names() {
    return names;
  }

  public ColumnType[] types() {
    return types;
  }

  /**
   * The next batch of rows, or null after the last. Whatever goes wrong while it is made reaches
   * the caller as a {@link io.citadel.engine.internal.types.SqlException} (see {@link
   * Session#guarded}); the result is closed then.
   */
  public Batch next() {
    if (materialized != null) {
      if (taken == materialized.size()) {
        return null;
      }
      Batch b = materialized.get(taken++);
      delivered += b.size;
      return b;
    }
    Batch b = pull();
    if (b != null) {
      delivered += b.size;
    }
    return b;
  }

  private Batch pull() {
    if (rows == null) {
      return null;
    }
    Batch b;
    try {
      b = Session.guarded(sql, rows::next);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    if (b == null) {
      close();
    }
    return b;
  }

  /** Stops the query if rows are still coming, and gives its memory back. */
  @Override
  public void close() {
    Rows r = rows;
    rows = null;
    if (r != null) {
      r.close();
    }
  }

  /** The same result with other notices. */
  QueryResult withNotices(List<String> others) {
    QueryResult r = new QueryResult(tag, names, types, rows, others, sql);
    r.materialized = materialized;
    r.taken = taken;
    r.delivered = delivered;
    r.relabelled = this; // the query's rows must outlive this object, not be cleaned with it
    return r;
  }

  public List<String> notices() {
    return notices;
  }

  /** The rows not handed out yet, all in memory (see the class comment). */
  public List<Batch> batches() {
    if (materialized == null) {
      List<Batch> all = new ArrayList<>();
      for (Batch b = pull(); b != null; b = pull()) {
        all.add(b);
      }
      materialized = all;
    }
    return materialized.subList(taken, materialized.size());
  }

  /** How many rows the result has (the ones not yet handed out are drained into memory). */
  public long rowCount() {
    long n = delivered;
    for (Batch b : batches()) n += b.size;
    return n;
  }

  /** Every row not yet handed out, each value boxed (see {@link ColumnType}). */
  public List<Object[]> rowsBoxed() {
    List<Object[]> out = new ArrayList<>();
    for (Batch b : batches()) {
      for (int i = 0; i < b.size; i++) {
        Object[] row = new Object[types.length];
        for (int c = 0; c < types.length; c++) row[c] = b.cols[c].get(i);
        out.add(row);
      }
    }
    return out;
  }

  /** Every row not yet handed out as PostgreSQL text values (null for NULL). */
  public List<String[]> rowsText() {
    List<String[]> out = new ArrayList<>();
    for (Batch b : batches()) {
      for (int i = 0; i < b.size; i++) {
        String[] row = new String[types.length];
        for (int c = 0; c < types.length; c++) row[c] = types[c].format(b.cols[c].get(i));
        out.add(row);
      }
    }
    return out;
  }
}
