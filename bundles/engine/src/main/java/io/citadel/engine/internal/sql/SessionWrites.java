package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.exec.Batch;
import io.citadel.engine.internal.exec.ExecContext;
import io.citadel.engine.internal.exec.PhysicalNode;
import io.citadel.engine.internal.exec.Types;
import io.citadel.engine.internal.exec.Vec;
import io.citadel.engine.internal.storage.Store;
import io.citadel.engine.internal.storage.TableDef;
import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.sql.SqlNode;

/**
 * A session's INSERT, UPDATE and DELETE as Calcite plans them, with the clauses Calcite's grammar
 * lacks: {@code ON CONFLICT DO NOTHING / DO UPDATE} (the held-back rows become UPDATEs of the rows
 * holding their keys) and {@code RETURNING} (over the rows the statement wrote).
 */
final class SessionWrites {
  private final Session session;
  private final Engine engine;

  SessionWrites(Session session, Engine engine) {
    this.session = session;
    this.engine = engine;
  }

  /** The rows a statement wrote (RETURNING's input), while one with RETURNING runs. */
  private List<Batch> captured;

  private void capture(TableDef def, Object[][] cols, int n) {
    if (captured != null && n > 0) {
      captured.add(CheckConstraints.batch(def, cols, n));
    }
  }

  /** INSERT ... ON CONFLICT and INSERT, UPDATE or DELETE ... RETURNING. */
  QueryResult withClauses(DmlClauses clauses, long now) {
    SqlNode node = SqlPlanner.parse(clauses.core());
    engine.lockWrites(session.id() == 0);
    List<Batch> previous = captured;
    captured = clauses.returning() != null ? new ArrayList<>() : null;
    try {
      QueryResult r = modify(session.planner(), node, clauses.core(), now, clauses);
      if (clauses.returning() == null) {
        return r;
      }
      return returning(node, clauses.returning(), r.tag(), now);
    } finally {
      captured = previous;
      engine.writeLock().unlock();
    }
  }

  private QueryResult returning(SqlNode node, String list, String tag, long now) {
    String table = targetTable(node);
    SqlPlanner planner = session.planner();
    Map.Entry<List<String>, List<org.apache.calcite.rex.RexNode>> p =
        planner.projectOver(table, list);
    io.citadel.engine.internal.exec.ExprCompiler compiler =
        new io.citadel.engine.internal.exec.ExprCompiler(planner.rexBuilder(), now)
            .withUser(planner.user())
            .withZone(planner.zone());
    List<io.citadel.engine.internal.exec.Expr> exprs = new ArrayList<>();
    ColumnType[] types = new ColumnType[p.getValue().size()];
    for (int i = 0; i < types.length; i++) {
      org.apache.calcite.rex.RexNode rex = p.getValue().get(i);
      exprs.add(compiler.compile(rex));
      types[i] = Types.of(rex.getType());
    }
    List<Batch> out = new ArrayList<>();
    for (Batch b : captured) {
      Vec[] cols = new Vec[exprs.size()];
      for (int i = 0; i < cols.length; i++) {
        Vec v = exprs.get(i).eval(b);
        cols[i] =
            v.type.equals(types[i])
                ? v
                : io.citadel.engine.internal.exec.ExprCompilerAccess.cast(v, types[i]);
      }
      out.add(new Batch(cols, b.size));
    }
    return new QueryResult(tag, p.getKey(), types, out, List.of());
  }

  static String targetTable(SqlNode node) {
    SqlNode target =
        switch (node.getKind()) {
          case INSERT -> ((org.apache.calcite.sql.SqlInsert) node).getTargetTable();
          case UPDATE -> ((org.apache.calcite.sql.SqlUpdate) node).getTargetTable();
          case DELETE -> ((org.apache.calcite.sql.SqlDelete) node).getTargetTable();
          default ->
              throw new SqlException(
                  SqlException.SYNTAX_ERROR, "RETURNING needs INSERT, UPDATE or DELETE");
        };
    if (target instanceof org.apache.calcite.sql.SqlCall c
        && c.getKind() == org.apache.calcite.sql.SqlKind.AS) {
      target = c.operand(0);
    }
    List<String> names = ((org.apache.calcite.sql.SqlIdentifier) target).names;
    return names.get(names.size() - 1);
  }

  /**
   * The rows ON CONFLICT held back, applied as DO UPDATE says: each becomes an UPDATE of the row
   * holding its key, {@code excluded.column} standing for the proposed value. Answers how many rows
   * were updated. A key proposed twice in one statement is refused (21000), as in PostgreSQL.
   */
  private int conflictUpdates(TableDef def, DmlClauses clauses, Store.Upsert u, long now) {
    List<Integer> keyIds = conflictKey(def, clauses);
    Map<List<Object>, Boolean> seen = new java.util.HashMap<>();
    int updated = 0;
    for (int r = 0; r < u.conflictingRows(); r++) {
      List<Object> key = new ArrayList<>();
      StringBuilder where = new StringBuilder();
      for (int id : keyIds) {
        int c = def.indexOfId(id);
        Object v = u.conflicting()[c][r];
        key.add(v);
        where
            .append(where.length() == 0 ? "" : " AND ")
            .append(quoteIdent(def.columns().get(c).name()))
            .append(" = ")
            .append(literal(def.columns().get(c).type(), v));
      }
      if (seen.put(key, true) != null) {
        throw new SqlException(
            SqlException.CARDINALITY,
            "ON CONFLICT DO UPDATE command cannot affect row a second time");
      }
      String set = excluded(def, clauses.doUpdate(), u.conflicting(), r);
      String sql = "UPDATE " + quoteIdent(def.name()) + " SET " + set + " WHERE " + where;
      if (clauses.updateWhere() != null) {
        sql += " AND (" + excluded(def, clauses.updateWhere(), u.conflicting(), r) + ")";
      }
      QueryResult q = session.executeAt(sql, now);
      updated += Integer.parseInt(q.tag().substring(q.tag().lastIndexOf(' ') + 1));
    }
    return updated;
  }

  private static List<Integer> conflictKey(TableDef def, DmlClauses clauses) {
    if (!clauses.conflictTarget().isEmpty()) {
      List<Integer> ids = new ArrayList<>();
      for (String name : clauses.conflictTarget()) {
        int c = def.indexOf(name);
        if (c < 0) {
          throw new SqlException(
              SqlException.UNDEFINED_COLUMN, "column \"" + name + "\" does not exist");
        }
        ids.add(def.columns().get(c).id());
      }
      return ids;
    }
    List<io.citadel.engine.internal.storage.Constraints.Key> keys = def.constraints().keys();
    if (keys.isEmpty()) {
      throw new SqlException(
          "42P10", "ON CONFLICT DO UPDATE requires inference specification or constraint name");
    }
    return keys.get(0).columns();
  }

  /** {@code text} with each {@code excluded.column} replaced by row r's proposed value. */
  private static String excluded(TableDef def, String text, Object[][] rows, int r) {
    Tokens t = new Tokens(text);
    StringBuilder out = new StringBuilder();
    int copied = 0;
    for (int k = 0; t.peek(k).kind() != io.citadel.engine.api.SqlLexer.Kind.END; k++) {
      Tokens.Token tok = t.peek(k);
      if (tok.kind() == io.citadel.engine.api.SqlLexer.Kind.WORD
          && tok.text().equals("excluded")
          && t.peek(k + 1).text().equals(".")) {
        Tokens.Token col = t.peek(k + 2);
        int c = def.indexOf(col.text());
        if (c < 0) {
          throw new SqlException(
              SqlException.UNDEFINED_COLUMN, "column excluded." + col.text() + " does not exist");
        }
        out.append(text, copied, tok.pos() - 1);
        out.append(literal(def.columns().get(c).type(), rows[c][r]));
        int end =
            col.pos()
                - 1
                + col.text().length()
                + (col.kind() == io.citadel.engine.api.SqlLexer.Kind.QUOTED_IDENT ? 2 : 0);
        copied = end;
        k += 2;
      }
    }
    out.append(text.substring(copied));
    return out.toString();
  }

  /** A value as a typed SQL literal. */
  static String literal(ColumnType type, Object v) {
    if (v == null) {
      return "NULL";
    }
    String text = type.format(v);
    String quoted = "'" + text.replace("'", "''") + "'";
    return switch (type.kind()) {
      case TEXT, JSON, JSONB -> quoted;
      case BOOLEAN -> text.startsWith("t") ? "TRUE" : "FALSE";
      case DATE -> "DATE " + quoted;
      case TIMESTAMP -> "TIMESTAMP " + quoted;
      case FLOAT, DOUBLE -> "CAST(" + quoted + " AS DOUBLE)";
      // read back by PostgreSQL's input rules (see PG_INPUT)
      case UUID, BYTEA, TIME, TIMESTAMPTZ -> "CAST(" + quoted + " AS " + type.sqlName() + ")";
      default -> "CAST(" + text + " AS " + type.sqlName() + ")";
    };
  }

  static String quoteIdent(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** A plain INSERT, UPDATE or DELETE Calcite planned. */
  QueryResult modify(SqlPlanner planner, SqlNode node, String sql, long now) {
    return modify(planner, node, sql, now, null);
  }

  private QueryResult modify(
      SqlPlanner planner, SqlNode node, String sql, long now, DmlClauses clauses) {
    RelRoot root = planner.plan(node, sql);
    if (!(root.rel instanceof TableModify m)) {
      throw new SqlException(SqlException.INTERNAL, "expected a table modification plan");
    }
    List<String> qn = m.getTable().getQualifiedName();
    String table = qn.get(qn.size() - 1);
    Store store = engine.store();
    TableDef def = store.require(table).def();
    boolean insert = m.getOperation() == TableModify.Operation.INSERT;
    PhysicalNode plan = new Translator(planner, now).translate(m.getInput());
    ExecContext ctx = session.context(now, !insert);
    List<Batch> batches = ctx.collect(plan.open(ctx), m.getOperation() + "'s rows");
    int n = 0;
    for (Batch b : batches) n += b.size;
    int width = def.columns().size();
    switch (m.getOperation()) {
      case INSERT:
        {
          Object[][] cols = columns(batches, def, n, null, session.zone());
          if (clauses != null && clauses.hasConflict()) {
            List<Integer> target =
                clauses.conflictTarget().isEmpty() ? null : conflictKey(def, clauses);
            Store.Upsert u = store.insertNew(table, cols, n, target);
            capture(def, u.inserted(), u.insertedRows());
            int count = u.insertedRows();
            if (clauses.doUpdate() != null && u.conflictingRows() > 0) {
              count += conflictUpdates(def, clauses, u, now);
            }
            return QueryResult.command("INSERT 0 " + count, List.of());
          }
          store.insert(table, cols, n);
          capture(def, cols, n);
          return QueryResult.command("INSERT 0 " + n, List.of());
        }
      case DELETE:
        {
          long[] ids = rowIds(batches, n);
          if (captured != null) {
            if (!batches.isEmpty() && batches.get(0).cols.length < width) {
              throw new SqlException(
                  SqlException.FEATURE_NOT_SUPPORTED, "RETURNING is not supported on this DELETE");
            }
            capture(def, columns(batches, def, n, null, session.zone()), n);
          }
          int deleted = store.delete(table, ids);
          return QueryResult.command("DELETE " + deleted, List.of());
        }
      case UPDATE:
        {
          long[] ids = rowIds(batches, n);
          List<String> targets = m.getUpdateColumnList();
          int[] source = new int[width];
          for (int c = 0; c < width; c++) source[c] = c;
          for (int k = 0; k < targets.size(); k++) {
            int c = def.indexOf(targets.get(k));
            source[c] = width + k;
          }
          Object[][] cols = columns(batches, def, n, source, session.zone());
          store.write(table, ids, cols, n, null);
          capture(def, cols, n);
          return QueryResult.command("UPDATE " + n, List.of());
        }
      default:
        throw new SqlException(
            SqlException.FEATURE_NOT_SUPPORTED, m.getOperation() + " is not supported");
    }
  }

  private static long[] rowIds(List<Batch> batches, int n) {
    long[] ids = new long[n];
    int at = 0;
    for (Batch b : batches) {
      if (b.rowIds == null) {
        throw new SqlException(
            SqlException.FEATURE_NOT_SUPPORTED,
            "this WHERE clause cannot be used in UPDATE or DELETE");
      }
      System.arraycopy(b.rowIds, 0, ids, at, b.size);
      at += b.size;
    }
    return ids;
  }

  /**
   * The rows as table columns, each value converted to its column's type (a timestamptz's local
   * time in the session's zone).
   */
  private static Object[][] columns(
      List<Batch> batches, TableDef def, int n, int[] source, java.time.ZoneId zone) {
    int width = def.columns().size();
    Object[][] cols = new Object[width][n];
    int at = 0;
    for (Batch b : batches) {
      for (int c = 0; c < width; c++) {
        int s = source == null ? c : source[c];
        Vec v = b.cols[s];
        ColumnType target = def.columns().get(c).type();
        for (int i = 0; i < b.size; i++) {
          cols[c][at + i] = target.assign(v.get(i), v.type, zone);
        }
      }
      at += b.size;
    }
    return cols;
  }
}
