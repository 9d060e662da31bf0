package io.citadel.engine.internal.sql;

import io.citadel.engine.api.LoggedStatement;
import io.citadel.engine.api.Outcome;
import io.citadel.engine.api.SqlStatement;
import io.citadel.engine.api.WriteRefusedException;
import io.citadel.engine.api.WriteRouter;
import io.citadel.engine.internal.exec.Batch;
import io.citadel.engine.internal.exec.ExecContext;
import io.citadel.engine.internal.exec.PhysicalNode;
import io.citadel.engine.internal.exec.Types;
import io.citadel.engine.internal.exec.Vec;
import io.citadel.engine.internal.storage.BulkLoad;
import io.citadel.engine.internal.storage.ColumnDef;
import io.citadel.engine.internal.storage.Store;
import io.citadel.engine.internal.storage.Table;
import io.citadel.engine.internal.storage.TableDef;
import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.Settings;
import io.citadel.engine.internal.types.SqlException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's connection to the engine: runs one statement at a time, keeps the client's settings
 * (SET), and can be cancelled from another thread.
 */
public final class Session implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Session.class);

  private final Engine engine;
  private final long id;
  private final String user;
  private final Map<String, String> settings = new LinkedHashMap<>();
  private volatile ExecContext running;

  private final Cursors cursors = new Cursors();

  /** The query whose rows are still being pulled (by a client, a cursor), if any. */
  private volatile ExecContext streaming;

  private volatile String runningSql;
  private volatile long runningSince;

  Session(Engine engine, long id, String user) {
    this.engine = engine;
    this.id = id;
    this.user = user;
  }

  // ------------------------------------------------------------------ transaction blocks

  private enum BlockState {
    IDLE,
    OPEN,
    FAILED
  }

  private record Savepoint(String name, int mark, int statements) {}

  private BlockState block = BlockState.IDLE;
  private Store.Txn txn;
  private boolean holdsWriteLock;
  private final java.util.ArrayDeque<Savepoint> savepoints = new java.util.ArrayDeque<>();

  /** In an HA group: the block's writes, sent through the log as one record at COMMIT. */
  private final List<String> blockWrites = new ArrayList<>();

  /** The marker that starts a transaction sent through an HA group's log as one record. */
  static final String SCRIPT_BEGIN = "BEGIN;\n";

  static final String SCRIPT_END = ";\nCOMMIT";

  /** PostgreSQL's transaction status: 'I' idle, 'T' in a block, 'E' in a failed block. */
  public char transactionStatus() {
    return switch (block) {
      case IDLE -> 'I';
      case OPEN -> 'T';
      case FAILED -> 'E';
    };
  }

  /** The statements that begin and end blocks; null for any other. */
  private QueryResult control(Tokens t, long now) {
    String w = t.peek().text();
    switch (w) {
      case "begin", "start":
        {
          t.next();
          if (w.equals("start")) {
            t.expect("transaction");
          } else if (!t.accept("work")) {
            t.accept("transaction");
          }
          transactionModes(t);
          if (block != BlockState.IDLE) {
            return QueryResult.command(
                "BEGIN", List.of("WARNING: there is already a transaction in progress"));
          }
          txn = engine.store().begin();
          block = BlockState.OPEN;
          return QueryResult.command("BEGIN", List.of());
        }
      case "commit", "end":
        {
          t.next();
          if (!t.accept("work")) {
            t.accept("transaction");
          }
          t.expectEnd();
          if (block == BlockState.IDLE) {
            return QueryResult.command(
                "COMMIT", List.of("WARNING: there is no transaction in progress"));
          }
          if (block == BlockState.FAILED) {
            endBlock(false, now);
            return QueryResult.command("ROLLBACK", List.of());
          }
          endBlock(true, now);
          return QueryResult.command("COMMIT", List.of());
        }
      case "rollback", "abort":
        {
          t.next();
          if (!t.accept("work")) {
            t.accept("transaction");
          }
          if (t.accept("to")) {
            t.accept("savepoint");
            String name = t.identifier("a savepoint name");
            t.expectEnd();
            rollbackTo(name, true);
            return QueryResult.command("ROLLBACK", List.of());
          }
          t.expectEnd();
          if (block == BlockState.IDLE) {
            return QueryResult.command(
                "ROLLBACK", List.of("WARNING: there is no transaction in progress"));
          }
          endBlock(false, now);
          return QueryResult.command("ROLLBACK", List.of());
        }
      case "savepoint":
        {
          t.next();
          String name = t.identifier("a savepoint name");
          t.expectEnd();
          if (block == BlockState.IDLE) {
            throw new SqlException("25P01", "SAVEPOINT can only be used in transaction blocks");
          }
          if (block == BlockState.FAILED) {
            throw aborted();
          }
          savepoints.push(new Savepoint(name, txn.mark(), blockWrites.size()));
          return QueryResult.command("SAVEPOINT", List.of());
        }
      case "release":
        {
          t.next();
          t.accept("savepoint");
          String name = t.identifier("a savepoint name");
          t.expectEnd();
          if (block == BlockState.FAILED) {
            throw aborted();
          }
          rollbackTo(name, false);
          return QueryResult.command("RELEASE", List.of());
        }
      default:
        return null;
    }
  }

  /** ISOLATION LEVEL ..., READ WRITE, READ ONLY, [NOT] DEFERRABLE: accepted, as the block runs. */
  private static void transactionModes(Tokens t) {
    while (!t.atEnd()) {
      if (t.accept("isolation")) {
        t.expect("level");
        if (t.accept("read")) {
          t.next();
        } else if (t.accept("repeatable")) {
          t.expect("read");
        } else {
          t.expect("serializable");
        }
      } else if (t.accept("read")) {
        t.next();
      } else if (t.accept("not")) {
        t.expect("deferrable");
      } else if (!t.accept("deferrable")) {
        throw t.error("expected a transaction mode");
      }
      t.accept(",");
    }
  }

  /** Undoes the block's writes since savepoint {@code name}, or (release) forgets the savepoint. */
  private void rollbackTo(String name, boolean undo) {
    if (block == BlockState.IDLE) {
      throw new SqlException(
          "25P01",
          (undo ? "ROLLBACK TO SAVEPOINT" : "RELEASE SAVEPOINT")
              + " can only be used in transaction blocks");
    }
    Savepoint found = null;
    for (Savepoint p : savepoints) {
      if (p.name().equals(name)) {
        found = p;
        break;
      }
    }
    if (found == null) {
      throw new SqlException("3B001", "savepoint \"" + name + "\" does not exist");
    }
    while (savepoints.peek() != found) {
      savepoints.pop();
    }
    if (!undo) {
      savepoints.pop();
      return;
    }
    engine.store().rollback(txn, found.mark());
    while (blockWrites.size() > found.statements()) {
      blockWrites.remove(blockWrites.size() - 1);
    }
    block = BlockState.OPEN;
  }

  private static SqlException aborted() {
    return new SqlException(
        "25P02", "current transaction is aborted, commands ignored until end of transaction block");
  }

  /** Ends the block: commit makes its writes durable and visible at once; rollback drops them. */
  private void endBlock(boolean commit, long now) {
    try {
      if (!commit) {
        engine.store().rollback(txn, 0);
        return;
      }
      WriteRouter router = engine.writeRouter();
      if (!blockWrites.isEmpty() && router != null) {
        // the writes ran here only to be read back; the group's log applies them everywhere
        engine.store().rollback(txn, 0);
        String script = SCRIPT_BEGIN + String.join(";\n", blockWrites) + SCRIPT_END;
        try {
          result(router.submit(new LoggedStatement(script, user, now, "")));
        } catch (WriteRefusedException e) {
          throw new SqlException(e.sqlState(), e.getMessage());
        }
        return;
      }
      engine.store().commit(txn);
    } finally {
      cursors.transactionEnded(commit);
      block = BlockState.IDLE;
      txn = null;
      savepoints.clear();
      blockWrites.clear();
      if (holdsWriteLock) {
        holdsWriteLock = false;
        engine.writeLock().unlock();
      }
    }
  }

  /** A statement inside a block. */
  private QueryResult inBlock(String sql, long now) {
    if (block == BlockState.FAILED) {
      throw aborted();
    }
    SqlStatement statement = SqlStatement.of(sql);
    boolean writes = statement.changesData();
    if (writes && statement.kind() != SqlStatement.Kind.DML) {
      // DDL and COPY do not run inside a block: like MySQL, they commit it first
      endBlock(true, now);
      QueryResult r = route(sql, "");
      txn = engine.store().begin();
      block = BlockState.OPEN;
      List<String> notices = new ArrayList<>(r.notices());
      notices.add(
          "the open transaction was committed before this "
              + statement.verb()
              + ", which cannot run inside a transaction block here; a new one is open");
      return r.withNotices(notices);
    }
    try {
      WriteRouter router = engine.writeRouter();
      if (writes) {
        refuseUnreplicatedWrite(router);
        admit(statement);
        if (router != null) {
          if (statement.returning()) {
            throw new SqlException(
                SqlException.FEATURE_NOT_SUPPORTED,
                "RETURNING is not supported on a member of an HA group yet");
          }
        } else if (!holdsWriteLock) {
          engine.lockWrites(false);
          holdsWriteLock = true;
        }
      }
      QueryResult r = engine.store().within(txn, () -> executeAt(sql, now));
      if (writes && router != null) {
        blockWrites.add(stripTrailingSemicolon(sql));
      }
      return r;
    } catch (RuntimeException | Error e) {
      block = BlockState.FAILED;
      throw e;
    }
  }

  /**
   * Runs a transaction that came through an HA group's log as one record: all of its statements or
   * none, with the writer's clock.
   */
  private QueryResult script(String sql, long now) {
    String body = sql.substring(SCRIPT_BEGIN.length(), sql.length() - SCRIPT_END.length());
    Store.Txn t = engine.store().begin();
    boolean done = false;
    try {
      for (io.citadel.engine.api.SqlStatement.Piece piece :
          io.citadel.engine.api.SqlStatement.split(body)) {
        engine.store().within(t, () -> executeAt(piece.text(), now));
      }
      engine.store().commit(t);
      done = true;
      return QueryResult.command("COMMIT", List.of());
    } finally {
      if (!done) {
        engine.store().rollback(t, 0);
      }
    }
  }

  public long id() {
    return id;
  }

  public String user() {
    return user;
  }

  public String runningSql() {
    return runningSql;
  }

  public long runningSince() {
    return runningSince;
  }

  public Map<String, String> settings() {
    return settings;
  }

  /** Cancels the statement running now, if any. */
  public void cancel() {
    ExecContext c = running;
    if (c != null) {
      c.cancel();
    }
    ExecContext s = streaming;
    if (s != null) {
      s.cancel();
    }
  }

  @Override
  public void close() {
    cancel();
    cursors.close();
    if (block != BlockState.IDLE) {
      try {
        endBlock(false, System.currentTimeMillis());
      } catch (RuntimeException e) {
        LOG.warn("Rolling back session {}'s open transaction failed", id, e);
      }
    }
    engine.closed(this);
  }

  /**
   * Runs one statement (a trailing semicolon is allowed). While a {@link WriteRouter} is set on the
   * engine, a statement that changes state goes to it instead and runs when the group's log brings
   * it back.
   */
  public QueryResult execute(String sql) {
    return execute(sql, "");
  }

  /**
   * Runs one statement; a state-changing one that carries an {@code idempotencyKey} goes through
   * the HA group's log with it, and is applied there once however often it is sent with that key.
   */
  public QueryResult execute(String sql, String idempotencyKey) {
    return guarded(sql, () -> route(sql, idempotencyKey));
  }

  /**
   * Runs {@code work} so that whatever goes wrong in it reaches the client as an ERROR with a
   * SQLSTATE and the session goes on: a bug in the planner or the executor (an assertion, a Calcite
   * internal error) is XX000, a statement nested too deeply 54001, memory exhausted 53200. Only the
   * JVM's own failures ({@link VirtualMachineError} other than those two) still escape.
   */
  static <T> T guarded(String sql, java.util.function.Supplier<T> work) {
    try {
      return work.get();
    } catch (SqlException e) {
      throw e;
    } catch (StackOverflowError e) {
      throw new SqlException(
          "54001", "stack depth limit exceeded: the statement is nested too deeply");
    } catch (OutOfMemoryError e) {
      throw new SqlException("53200", "out of memory while running the statement");
    } catch (VirtualMachineError e) {
      throw e;
    } catch (RuntimeException | Error e) {
      LOG.warn("Statement failed unexpectedly: {}", sql, e);
      throw new SqlException(SqlException.INTERNAL, "internal error: " + e, 0, e);
    }
  }

  private QueryResult route(String sql, String idempotencyKey) {
    long now = System.currentTimeMillis();
    String text = stripTrailingSemicolon(sql);
    if (!text.isEmpty() && !text.startsWith(SCRIPT_BEGIN.strip())) {
      Tokens t;
      try {
        t = new Tokens(text);
      } catch (SqlException e) {
        t = null;
      }
      if (t != null) {
        QueryResult c = control(t, now);
        if (c != null) {
          return c;
        }
      }
    }
    if (block != BlockState.IDLE) {
      return inBlock(sql, now);
    }
    WriteRouter router = engine.writeRouter();
    SqlStatement statement = SqlStatement.of(sql);
    if (!statement.changesData()) {
      return executeAt(sql, now);
    }
    refuseUnreplicatedWrite(router);
    admit(statement);
    if (router != null && statement.returning()) {
      throw new SqlException(
          SqlException.FEATURE_NOT_SUPPORTED,
          "RETURNING is not supported on a member of an HA group yet: the write travels through"
              + " the group's log, which carries no rows back; run the statement without it");
    }
    if (router != null) {
      engine.countStatement();
      runningSql = sql;
      runningSince = now;
      try {
        return result(router.submit(new LoggedStatement(sql, user, now, idempotencyKey)));
      } catch (WriteRefusedException e) {
        throw new SqlException(e.sqlState(), e.getMessage());
      } finally {
        runningSql = null;
      }
    }
    // one writer at a time: a statement waits (bounded) for another session's open transaction
    engine.lockWrites(id == 0);
    try {
      return executeAt(sql, now);
    } finally {
      engine.writeLock().unlock();
    }
  }

  private void refuseUnreplicatedWrite(WriteRouter router) {
    if (router == null && !engine.group().isEmpty()) {
      throw new SqlException(
          WriteRefusedException.READ_ONLY,
          "this server is a member of HA group \""
              + engine.group()
              + "\" and its replication service is not running: writes are refused until it is"
              + " (reads work)");
    }
  }

  /**
   * Refuses a client's write that its volume's quota leaves no room for, before it reaches the
   * group's log or the store: nothing is written. Statements that only free space always run, so an
   * operator can get a volume under its quota. Writes applied from an HA group's log were judged
   * where a client sent them and are not judged again.
   */
  private void admit(SqlStatement statement) {
    Engine.SpaceGuard guard = engine.spaceGuard();
    if (guard == null) {
      return;
    }
    long bytes = growth(statement);
    if (bytes >= 0) {
      guard.admit(bytes);
    }
  }

  /**
   * About how many bytes a statement adds: the file's size for COPY FROM a file, the statement's
   * text for INSERT and UPDATE, nothing for other DDL; -1 for DELETE, DROP and TRUNCATE, which only
   * free space.
   */
  static long growth(SqlStatement statement) {
    String verb = statement.verb();
    if (verb.equals("DELETE") || verb.equals("TRUNCATE") || verb.startsWith("DROP ")) {
      return -1;
    }
    if (statement.kind() == SqlStatement.Kind.DML) {
      return statement.text().length();
    }
    return copySource(statement)
        .map(
            p -> {
              try {
                return java.nio.file.Files.size(p);
              } catch (java.io.IOException | SecurityException e) {
                return 0L; // the COPY itself names the file's problem
              }
            })
        .orElse(0L);
  }

  /** Runs one statement here, with {@code now} as its clock, whatever the router. */
  QueryResult executeAt(String sql, long now) {
    if (sql.startsWith(SCRIPT_BEGIN) && sql.endsWith(SCRIPT_END)) {
      return script(sql, now);
    }
    String s =
        withCastsRewritten(
            PgCasts.unnestCalls(
                PgCasts.lateralCalls(PgCasts.dollarQuotes(stripTrailingSemicolon(sql)))));
    engine.countStatement();
    runningSql = s;
    runningSince = now;
    try {
      return dispatch(s, now);
    } finally {
      running = null;
      runningSql = null;
    }
  }

  private static QueryResult result(Outcome o) {
    if (o.isFailure()) {
      throw new SqlException(o.sqlState(), o.error());
    }
    return QueryResult.command(o.tag(), o.notices());
  }

  /**
   * Whether a statement changes the database (and so travels through an HA group's log): see {@link
   * SqlStatement#changesData}.
   */
  public static boolean changesState(String sql) {
    return SqlStatement.of(sql).changesData();
  }

  /** The file of a {@code COPY <table> FROM '<file>'}, or empty. */
  public static java.util.Optional<Path> copySource(String sql) {
    return copySource(SqlStatement.of(sql));
  }

  private static java.util.Optional<Path> copySource(SqlStatement statement) {
    try {
      return statement.copyFile().map(Path::of);
    } catch (java.nio.file.InvalidPathException e) {
      return java.util.Optional.empty();
    }
  }

  private static String withCastsRewritten(String sql) {
    return PgCasts.present(sql) ? PgCasts.rewrite(sql) : sql;
  }

  static String stripTrailingSemicolon(String sql) {
    String s = sql.strip();
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    return s;
  }

  private QueryResult dispatch(String sql, long now) {
    if (sql.isEmpty()) {
      return QueryResult.command("", List.of());
    }
    Tokens t = new Tokens(sql);
    if (UserStatements.matches(t)) {
      return UserStatements.run(engine.users(), user, t);
    }
    if (Cursors.matches(t)) {
      return cursors.run(t, block != BlockState.IDLE, query -> dispatch(query, now));
    }
    String w = t.peek().text();
    if (w.equals("insert") || w.equals("update") || w.equals("delete")) {
      DmlClauses clauses = DmlClauses.of(sql);
      if (clauses != null) {
        return withClauses(clauses, now);
      }
    }
    switch (w) {
      case "create":
        if (Relations.isCreateView(t)) {
          return Relations.createView(this, engine, sql, t);
        }
        if (t.peek(1).text().equals("table")) {
          QueryResult ctas = Relations.createTableAs(this, engine, sql, t, now);
          if (ctas != null) {
            return ctas;
          }
        }
        return Ddl.create(engine, t);
      case "drop":
        if (t.peek(1).text().equals("view")) {
          return Relations.dropView(engine, t);
        }
        return Ddl.drop(engine, t);
      case "alter":
        return Ddl.alter(engine, t);
      case "truncate":
        return Ddl.truncate(engine, t);
      case "copy":
        return copy(sql, now);
      case "show":
        return show(t);
      case "describe", "desc":
        t.next();
        t.accept("table");
        return describe(t.identifier("a table name"));
      case "set":
        return set(t);
      case "reset":
        t.next();
        settings.remove(t.identifier("a setting"));
        return QueryResult.command("RESET", List.of());

      case "explain":
        t.next();
        return explain(sql.substring(t.peek().pos() - 1), now);
      case "insert":
        engine.lockWrites(id == 0);
        try {
          Integer n = LiteralInsert.tryRun(engine.store(), t);
          if (n != null) {
            return QueryResult.command("INSERT 0 " + n, List.of());
          }
        } finally {
          engine.writeLock().unlock();
        }
        return sqlStatement(sql, now);
      default:
        return sqlStatement(sql, now);
    }
  }

  // --------------------------------------------------------------------------- Calcite statements

  private QueryResult sqlStatement(String sql, long now) {
    SqlNode node = SqlPlanner.parse(sql);
    if (node instanceof SqlExplain ex) {
      return explain(sql.substring(sql.toLowerCase(Locale.ROOT).indexOf("for") + 3), now);
    }
    if (node instanceof org.apache.calcite.sql.SqlInsert insert && insert.isUpsert()) {
      throw new SqlException(
          SqlException.SYNTAX_ERROR,
          "syntax error at or near \"UPSERT\": use INSERT ... ON CONFLICT (key) DO UPDATE",
          1);
    }
    switch (node.getKind()) {
      case INSERT, UPDATE, DELETE:
        engine.lockWrites(id == 0);
        try {
          return modify(new SqlPlanner(engine.store(), engine.users()).as(user), node, sql, now);
        } finally {
          engine.writeLock().unlock();
        }
      default:
        if (!node.getKind().belongsTo(org.apache.calcite.sql.SqlKind.QUERY)) {
          throw new SqlException(
              SqlException.FEATURE_NOT_SUPPORTED, node.getKind() + " statements are not supported");
        }
        return query(new SqlPlanner(engine.store(), engine.users()).as(user), node, sql, now);
    }
  }

  private ExecContext context(long now, boolean rowIds) {
    Engine.Options o = engine.options();
    ExecContext ctx =
        new ExecContext(
            engine.pool(),
            o.threads(),
            now,
            rowIds,
            new io.citadel.engine.internal.exec.QueryMemory(
                o.queryMemoryBytes(), o.queryMemoryRule()));
    running = ctx;
    return ctx;
  }

  /** The names and types of the columns a statement returns, without running it. */
  public record Shape(List<String> names, ColumnType[] types) {}

  /**
   * What {@code sql} would return, planned but not run: null for a statement that returns no rows.
   * SHOW, DESCRIBE and EXPLAIN only read, so they are run to find out.
   */
  public Shape shapeOf(String sql) {
    return guarded(sql, () -> plannedShape(sql));
  }

  private Shape plannedShape(String sql) {
    String s =
        withCastsRewritten(
            PgCasts.unnestCalls(
                PgCasts.lateralCalls(PgCasts.dollarQuotes(stripTrailingSemicolon(sql)))));
    if (s.isEmpty()) {
      return null;
    }
    Tokens t = new Tokens(s);
    switch (t.peek().text()) {
      case "show", "describe", "desc", "explain":
        QueryResult r = execute(s);
        return r.hasRows() ? new Shape(r.names(), r.types()) : null;
      case "select", "with", "values", "table", "(":
        break;
      case "fetch":
        return cursors.shapeOfFetch(t);
      case "insert", "update", "delete":
        {
          DmlClauses clauses = DmlClauses.of(s);
          if (clauses == null || clauses.returning() == null) {
            return null;
          }
          SqlPlanner planner = new SqlPlanner(engine.store(), engine.users()).as(user);
          var p =
              planner.projectOver(
                  targetTable(SqlPlanner.parse(clauses.core())), clauses.returning());
          ColumnType[] types = new ColumnType[p.getValue().size()];
          for (int i = 0; i < types.length; i++) {
            types[i] = Types.of(p.getValue().get(i).getType());
          }
          return new Shape(p.getKey(), types);
        }
      default:
        return null;
    }
    SqlNode node = SqlPlanner.parse(s);
    if (!node.getKind().belongsTo(org.apache.calcite.sql.SqlKind.QUERY)) {
      return null;
    }
    SqlPlanner planner = new SqlPlanner(engine.store(), engine.users()).as(user);
    RelRoot root = planner.plan(node, s);
    return shape(planner, root);
  }

  private static Shape shape(SqlPlanner planner, RelRoot root) {
    List<String> names = planner.columnNames(root);
    ColumnType[] types = new ColumnType[names.size()];
    for (int i = 0; i < types.length; i++) {
      types[i] = Types.of(root.validatedRowType.getFieldList().get(i).getType());
      if (types[i].kind() == io.citadel.engine.internal.types.TypeKind.TEXT) {
        types[i] = documentType(root, i, types[i]);
      }
    }
    return new Shape(names, types);
  }

  /**
   * A json or jsonb column's type for a result column that is that column's value unchanged:
   * Calcite has no document type and plans them as text, but a client (psycopg2, SQLAlchemy)
   * decodes a json result column into objects by its type.
   */
  private static ColumnType documentType(RelRoot root, int i, ColumnType planned) {
    try {
      org.apache.calcite.rel.metadata.RelColumnOrigin origin =
          root.rel
              .getCluster()
              .getMetadataQuery()
              .getColumnOrigin(root.rel, root.fields.get(i).getKey());
      if (origin == null || origin.isDerived()) {
        return planned;
      }
      CitadelTable table = origin.getOriginTable().unwrap(CitadelTable.class);
      if (table == null) {
        return planned;
      }
      ColumnType stored =
          table.version().def().columns().get(origin.getOriginColumnOrdinal()).type();
      return stored.kind() == io.citadel.engine.internal.types.TypeKind.JSON
              || stored.kind() == io.citadel.engine.internal.types.TypeKind.JSONB
          ? stored
          : planned;
    } catch (RuntimeException e) {
      return planned; // no origin to be had: text describes it well enough
    }
  }

  /**
   * Plans and opens the query: what must see all its input (hash tables, aggregates, sorts) runs
   * now; the last pipeline's rows are made as the caller pulls them (see {@link QueryResult}).
   */
  private QueryResult query(SqlPlanner planner, SqlNode node, String sql, long now) {
    RelRoot root = planner.plan(node, sql);
    PhysicalNode plan = new Translator(planner, now).translate(root.rel);
    ExecContext ctx = context(now, false);
    ExecContext.Stream stream = ctx.stream(plan.open(ctx));
    stream.prime();
    int[] idx = root.fields.stream().mapToInt(Map.Entry::getKey).toArray();
    Shape shape = shape(planner, root);
    ColumnType[] types = shape.types();
    streaming = ctx;
    QueryResult.Rows rows =
        new QueryResult.Rows() {
          @Override
          public Batch next() {
            try {
              Batch b = stream.next();
              return b == null ? null : output(b, idx, types);
            } catch (RuntimeException | Error e) {
              // as in PostgreSQL, a query failing while its rows are fetched aborts the block
              if (block == BlockState.OPEN) {
                block = BlockState.FAILED;
              }
              throw e;
            }
          }

          @Override
          public void close() {
            stream.close();
            if (streaming == ctx) {
              streaming = null;
            }
          }
        };
    return QueryResult.streaming(shape.names(), types, rows, sql, List.of());
  }

  /** The root's fields of {@code b}, cast to the types the client is told. */
  private static Batch output(Batch b, int[] idx, ColumnType[] types) {
    Vec[] cols = new Vec[idx.length];
    for (int i = 0; i < cols.length; i++) {
      Vec v = b.cols[idx[i]];
      cols[i] =
          v.type.equals(types[i])
              ? v
              : io.citadel.engine.internal.exec.ExprCompilerAccess.cast(v, types[i]);
    }
    return new Batch(cols, b.size);
  }

  private QueryResult explain(String inner, long now) {
    SqlNode node = SqlPlanner.parse(inner);
    SqlPlanner planner = new SqlPlanner(engine.store(), engine.users()).as(user);
    RelRoot root = planner.plan(node, inner);
    RelNode rel = root.rel instanceof TableModify m ? m.getInput() : root.rel;
    PhysicalNode plan = new Translator(planner, now).translate(rel);
    List<List<Object>> rows = new ArrayList<>();
    if (root.rel instanceof TableModify m) {
      rows.add(List.of(m.getOperation() + " " + String.join(".", m.getTable().getQualifiedName())));
    }
    for (String line : plan.explain().split("\n")) {
      rows.add(List.of("  " + line + "  [cpu]"));
    }
    rows.add(List.of("Calcite plan:"));
    for (String line : SqlPlanner.explain(rel).split("\n")) {
      rows.add(List.of("  " + line));
    }
    return QueryResult.rows(List.of("QUERY PLAN"), new ColumnType[] {ColumnType.TEXT}, rows);
  }

  // ------------------------------------------------------------- ON CONFLICT and RETURNING

  /** The rows a statement wrote (RETURNING's input), while one with RETURNING runs. */
  private List<Batch> captured;

  private void capture(TableDef def, Object[][] cols, int n) {
    if (captured != null && n > 0) {
      captured.add(CheckConstraints.batch(def, cols, n));
    }
  }

  /** INSERT ... ON CONFLICT and INSERT, UPDATE or DELETE ... RETURNING. */
  private QueryResult withClauses(DmlClauses clauses, long now) {
    SqlNode node = SqlPlanner.parse(clauses.core());
    engine.lockWrites(id == 0);
    List<Batch> previous = captured;
    captured = clauses.returning() != null ? new ArrayList<>() : null;
    try {
      QueryResult r =
          modify(
              new SqlPlanner(engine.store(), engine.users()).as(user),
              node,
              clauses.core(),
              now,
              clauses);
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
    SqlPlanner planner = new SqlPlanner(engine.store(), engine.users()).as(user);
    Map.Entry<List<String>, List<org.apache.calcite.rex.RexNode>> p =
        planner.projectOver(table, list);
    io.citadel.engine.internal.exec.ExprCompiler compiler =
        new io.citadel.engine.internal.exec.ExprCompiler(planner.rexBuilder(), now);
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

  private static String targetTable(SqlNode node) {
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
      QueryResult q = executeAt(sql, now);
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
    return switch (type.kind()) {
      case TEXT -> "'" + text.replace("'", "''") + "'";
      case BOOLEAN -> text.startsWith("t") ? "TRUE" : "FALSE";
      case DATE -> "DATE '" + text + "'";
      case TIMESTAMP -> "TIMESTAMP '" + text + "'";
      case DECIMAL -> "CAST(" + text + " AS " + type.sqlName() + ")";
      case FLOAT, DOUBLE -> "CAST('" + text + "' AS DOUBLE)";
      default -> "CAST(" + text + " AS " + type.sqlName() + ")";
    };
  }

  private static String quoteIdent(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  private QueryResult modify(SqlPlanner planner, SqlNode node, String sql, long now) {
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
    ExecContext ctx = context(now, !insert);
    List<Batch> batches = ctx.collect(plan.open(ctx), m.getOperation() + "'s rows");
    int n = 0;
    for (Batch b : batches) n += b.size;
    int width = def.columns().size();
    switch (m.getOperation()) {
      case INSERT:
        {
          Object[][] cols = columns(batches, def, n, null, null);
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
            if (batches.isEmpty() || batches.get(0).cols.length < width) {
              throw new SqlException(
                  SqlException.FEATURE_NOT_SUPPORTED, "RETURNING is not supported on this DELETE");
            }
            capture(def, columns(batches, def, n, null, null), n);
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
          Object[][] cols = columns(batches, def, n, source, plan.types());
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

  /** The rows as table columns, each value converted to its column's type. */
  private static Object[][] columns(
      List<Batch> batches, TableDef def, int n, int[] source, ColumnType[] srcTypes) {
    int width = def.columns().size();
    Object[][] cols = new Object[width][n];
    int at = 0;
    for (Batch b : batches) {
      for (int c = 0; c < width; c++) {
        int s = source == null ? c : source[c];
        Vec v = b.cols[s];
        ColumnType target = def.columns().get(c).type();
        for (int i = 0; i < b.size; i++) {
          cols[c][at + i] = target.assign(v.get(i), v.type);
        }
      }
      at += b.size;
    }
    return cols;
  }

  // --------------------------------------------------------------------------- utility statements

  private QueryResult copy(String sql, long now) {
    CopyStatement c = CopyStatement.parse(sql);
    if (c.viaClient()) {
      throw new SqlException(
          SqlException.FEATURE_NOT_SUPPORTED,
          "COPY "
              + (c.from() ? "FROM STDIN" : "TO STDOUT")
              + " needs a client that speaks the PostgreSQL COPY protocol (psql, pgjdbc's"
              + " CopyManager, psycopg2); over HTTP give a server file");
    }
    // Reading a server-side file is the server's privilege, as in PostgreSQL: superusers only.
    // (Sessions opened in-process for users the store does not know are the embedding code's.)
    // (The rows of a client's COPY FROM STDIN that an HA group staged are the client's own; the
    // group's replication has checked that the file lies under its shared storage.)
    var known = engine.users().get(user);
    if (known != null
        && !known.superuser()
        && !(!engine.group().isEmpty() && staged(Path.of(c.file())))) {
      throw new SqlException(
          SqlException.INSUFFICIENT_PRIVILEGE,
          "permission denied: only a superuser may COPY from a file on the server");
    }
    if (namesSomeColumns(c)) {
      engine.lockWrites(id == 0);
      try (InputStream in = java.nio.file.Files.newInputStream(Path.of(c.file()))) {
        return copyColumns(c, in, now);
      } catch (IOException e) {
        throw new SqlException(
            SqlException.IO_ERROR, "could not read " + c.file() + ": " + e.getMessage(), 0, e);
      } finally {
        engine.writeLock().unlock();
      }
    }
    return copyFrom(c.table(), Path.of(c.file()), loaderOptions(c));
  }

  /** Whether a COPY names columns other than all of the table's, in order. */
  private boolean namesSomeColumns(CopyStatement c) {
    if (c.columns().isEmpty()) {
      return false;
    }
    TableDef def = engine.store().require(c.table()).def();
    return !c.columns().equals(def.columns().stream().map(ColumnDef::name).toList());
  }

  /** A COPY of some columns: see {@link CopyColumns}. */
  private QueryResult copyColumns(CopyStatement c, InputStream rows, long now) throws IOException {
    TableDef def = engine.store().require(c.table()).def();
    InputStream in = c.csv() ? rows : new TextCopyFormat(rows, c.delimiter(), c.nullString());
    int n =
        CopyColumns.load(
            engine.store(),
            def,
            c.columns(),
            in,
            loaderOptions(c),
            col -> {
              String expr = def.constraints().defaults().get(col.id());
              QueryResult r =
                  dispatch("SELECT CAST((" + expr + ") AS " + col.type().sqlName() + ")", now);
              return r.rowsBoxed().get(0)[0];
            });
    return QueryResult.command("COPY " + n, List.of());
  }

  private CsvLoader.Options loaderOptions(CopyStatement c) {
    long maxReject = c.maxReject() != null ? c.maxReject() : engine.options().maxReject();
    return c.csv()
        ? new CsvLoader.Options(c.delimiter(), c.header(), c.quote(), c.nullString(), maxReject)
        // text format arrives converted to CSV by TextCopyFormat
        : new CsvLoader.Options((byte) ',', c.header(), (byte) '"', "", maxReject);
  }

  /** The COPY ... FROM STDIN or TO STDOUT in {@code sql}, or null for any other statement. */
  public CopyStatement clientCopyOf(String sql) {
    return guarded(
        sql,
        () -> {
          if (!CopyStatement.is(sql)) {
            return null;
          }
          CopyStatement c = CopyStatement.parse(sql);
          return c.viaClient() ? c : null;
        });
  }

  /**
   * Runs a COPY ... FROM STDIN with the rows the client streams: the table gets every good row or,
   * on failure, none; the report is COPY FROM a file's. In an HA group, or inside a transaction
   * block, this says what to do instead.
   */
  public QueryResult copyFromClient(CopyStatement c, InputStream rows) {
    return guarded(
        "COPY " + c.table() + " FROM STDIN",
        () -> {
          if (!engine.group().isEmpty()) {
            return copyThroughTheGroup(c, rows);
          }
          if (block != BlockState.IDLE) {
            endBlock(true, System.currentTimeMillis());
            txn = engine.store().begin();
            block = BlockState.OPEN;
          }
          engine.lockWrites(false);
          try {
            if (namesSomeColumns(c)) {
              try {
                return copyColumns(c, rows, System.currentTimeMillis());
              } catch (IOException e) {
                throw new SqlException(
                    SqlException.IO_ERROR, "could not read STDIN: " + e.getMessage(), 0, e);
              }
            }
            InputStream in =
                c.csv() ? rows : new TextCopyFormat(rows, c.delimiter(), c.nullString());
            return load(c.table(), "STDIN", in, loaderOptions(c));
          } finally {
            engine.writeLock().unlock();
          }
        });
  }

  /**
   * COPY FROM STDIN on a member of an HA group: the client's rows are written to a new file in the
   * group's staging folder (on its shared storage), made durable, and a COPY FROM that file goes
   * through the group's log like any write, so every member loads the same rows or none does.
   */
  private QueryResult copyThroughTheGroup(CopyStatement c, InputStream rows) {
    WriteRouter router = engine.writeRouter();
    refuseUnreplicatedWrite(router);
    Path folder =
        router
            .stagingFolder()
            .orElseThrow(
                () ->
                    new SqlException(
                        WriteRefusedException.NOT_PERMITTED,
                        "COPY FROM STDIN on a member of HA group \""
                            + engine.group()
                            + "\" needs ha-shared-data: its rows are staged there for every"
                            + " member"));
    engine.store().require(c.table());
    Path staged;
    try {
      java.nio.file.Files.createDirectories(folder);
      String name = java.util.UUID.randomUUID() + ".csv";
      Path part = folder.resolve(name + ".part");
      try (java.nio.channels.FileChannel ch =
          java.nio.channels.FileChannel.open(
              part,
              java.nio.file.StandardOpenOption.CREATE_NEW,
              java.nio.file.StandardOpenOption.WRITE)) {
        // staged as CSV, the form a COPY FROM a server file reads (text format converted)
        InputStream in = c.csv() ? rows : new TextCopyFormat(rows, c.delimiter(), c.nullString());
        byte[] buf = new byte[1 << 16];
        int r;
        while ((r = in.read(buf)) >= 0) {
          java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(buf, 0, r);
          while (bb.hasRemaining()) {
            ch.write(bb);
          }
        }
        ch.force(true);
      }
      staged = folder.resolve(name);
      java.nio.file.Files.move(part, staged, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new SqlException(
          SqlException.IO_ERROR,
          "could not stage COPY FROM STDIN's rows under " + folder + ": " + e.getMessage(),
          0,
          e);
    }
    return route(c.asCsv().fromFile(staged.toString()), "");
  }

  /** A file the group staged for a COPY FROM STDIN (see {@link #copyThroughTheGroup}). */
  private static boolean staged(Path file) {
    for (Path part : file.normalize()) {
      if (part.toString().equals(".citadel-copy")) {
        return true;
      }
    }
    return false;
  }

  /** How many columns a COPY FROM STDIN takes (CopyInResponse says so). */
  public int copyWidth(CopyStatement c) {
    return guarded(
        "COPY",
        () ->
            c.columns().isEmpty()
                ? engine.store().require(c.table()).def().columns().size()
                : c.columns().size());
  }

  /** The query whose rows COPY ... TO STDOUT sends. */
  public static String copyQuery(CopyStatement c) {
    if (c.query() != null) {
      return c.query();
    }
    String cols =
        c.columns().isEmpty()
            ? "*"
            : String.join(
                ", ",
                c.columns().stream().map(x -> "\"" + x.replace("\"", "\"\"") + "\"").toList());
    return "SELECT " + cols + " FROM \"" + c.table().replace("\"", "\"\"") + "\"";
  }

  private static boolean bool(Tokens t) {
    String v = t.next().text();
    return v.equals("true") || v.equals("on") || v.equals("1");
  }

  private static byte singleByte(String s, String what) {
    if (s.length() != 1 || s.charAt(0) > 127 || s.charAt(0) == '\n' || s.charAt(0) == '\r') {
      throw new SqlException(
          SqlException.INVALID_PARAMETER, "COPY " + what + " must be a single one-byte character");
    }
    return (byte) s.charAt(0);
  }

  /** Loads a CSV file; the table gets all its good rows or, on failure, none. */
  public QueryResult copyFrom(String table, Path file, CsvLoader.Options options) {
    Store store = engine.store();
    store.require(table);
    if (!file.isAbsolute()) {
      throw new SqlException(
          SqlException.INVALID_PARAMETER, "COPY needs an absolute file path, got " + file);
    }
    if (Files.isDirectory(file)) {
      throw new SqlException(SqlException.UNDEFINED_FILE, "\"" + file + "\" is a directory");
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return load(table, file.toString(), in, options);
    } catch (NoSuchFileException e) {
      throw new SqlException(
          SqlException.UNDEFINED_FILE,
          "could not open file \"" + file + "\" for reading: No such file");
    } catch (IOException e) {
      throw new SqlException(
          SqlException.IO_ERROR, "could not read file \"" + file + "\": " + e.getMessage(), 0, e);
    }
  }

  /** Loads CSV rows from {@code in} into {@code table}: all the good rows, or none on failure. */
  private QueryResult load(String table, String source, InputStream in, CsvLoader.Options options) {
    Store store = engine.store();
    store.require(table);
    long start = System.nanoTime();
    ExecContext ctx = context(System.currentTimeMillis(), false);
    CsvLoader.Result r;
    try (BulkLoad load = store.beginLoad(table)) {
      r =
          new CsvLoader(load, options)
              .run(
                  in,
                  ctx::isCancelled,
                  rows -> LOG.info("COPY {} from {}: {} rows so far", table, source, rows));
      load.commit();
    } catch (TextCopyFormat.BadRow e) {
      throw new SqlException(SqlException.INVALID_TEXT, e.getMessage());
    } catch (IOException e) {
      throw new SqlException(
          SqlException.IO_ERROR, "could not read " + source + ": " + e.getMessage(), 0, e);
    }
    double secs = (System.nanoTime() - start) / 1e9;
    List<String> notices = new ArrayList<>();
    notices.add(
        String.format(
            Locale.ROOT,
            "Loaded: %d recs, Rejected: %d recs in %.3f secs",
            r.loaded(),
            r.rejected(),
            secs));
    for (String rej : r.firstRejections()) {
      notices.add("Rejected " + rej);
    }
    return QueryResult.command("COPY " + r.loaded(), notices);
  }

  private QueryResult show(Tokens t) {
    t.expect("show");
    if (t.accept("tables")) {
      t.expectEnd();
      List<List<Object>> rows = new ArrayList<>();
      List<Table> tables = new ArrayList<>(engine.store().tables());
      tables.sort(Comparator.comparing(x -> x.def().name()));
      for (Table tb : tables) {
        rows.add(
            List.of(tb.def().name(), (long) tb.def().columns().size(), tb.version().liveRows()));
      }
      return QueryResult.rows(
          List.of("table_name", "columns", "rows"),
          new ColumnType[] {ColumnType.TEXT, ColumnType.BIGINT, ColumnType.BIGINT},
          rows);
    }
    if (t.accept("all")) {
      t.expectEnd();
      List<List<Object>> rows = new ArrayList<>();
      for (String n : Settings.DEFAULTS.keySet()) {
        rows.add(List.of(n, Settings.get(settings, n)));
      }
      return QueryResult.rows(
          List.of("name", "setting"), new ColumnType[] {ColumnType.TEXT, ColumnType.TEXT}, rows);
    }
    String name = t.identifier("a setting name");
    if (name.equals("transaction") && t.accept("isolation")) {
      t.expect("level");
      name = "transaction_isolation";
    }
    String v = Settings.get(settings, name);
    if (v == null) {
      throw new SqlException(
          SqlException.UNDEFINED_OBJECT, "unrecognized configuration parameter \"" + name + "\"");
    }
    return QueryResult.rows(
        List.of(Settings.spelled(name)), new ColumnType[] {ColumnType.TEXT}, List.of(List.of(v)));
  }

  private QueryResult describe(String table) {
    TableDef def = engine.store().require(table).def();
    List<List<Object>> rows = new ArrayList<>();
    for (ColumnDef c : def.columns()) {
      rows.add(List.of(c.name(), c.type().sqlName(), c.notNull() ? "NO" : "YES"));
    }
    return QueryResult.rows(
        List.of("column_name", "data_type", "is_nullable"),
        new ColumnType[] {ColumnType.TEXT, ColumnType.TEXT, ColumnType.TEXT},
        rows);
  }

  private QueryResult set(Tokens t) {
    t.expect("set");
    boolean session = t.accept("session");
    if (session && t.accept("characteristics")) {
      // pgjdbc's setTransactionIsolation: SET SESSION CHARACTERISTICS AS TRANSACTION ...
      t.expect("as");
      t.expect("transaction");
      return isolation(t, "default_transaction_isolation");
    }
    if (!session && t.peek().text().equals("transaction")) {
      t.next();
      return isolation(t, "transaction_isolation");
    }
    t.accept("local");
    String name = t.identifier("a setting name");
    if (!t.accept("=")) {
      t.expect("to");
    }
    StringBuilder v = new StringBuilder();
    while (!t.atEnd()) {
      Tokens.Token tok = t.next();
      if (v.length() > 0 && !tok.text().equals(","))
        v.append(tok.kind() == io.citadel.engine.api.SqlLexer.Kind.SYMBOL ? "" : " ");
      v.append(tok.text());
    }
    String value = v.toString().strip();
    if (name.equals("execution_mode")
        && !List.of("auto", "gpu", "cpu", "default").contains(value.toLowerCase(Locale.ROOT))) {
      throw new SqlException(
          SqlException.INVALID_PARAMETER,
          "execution_mode must be auto, gpu or cpu, got \"" + value + "\"");
    }
    settings.put(name, value);
    return QueryResult.command("SET", List.of());
  }

  /**
   * ISOLATION LEVEL ... (and READ WRITE): READ COMMITTED is what Citadel gives, and READ
   * UNCOMMITTED, which PostgreSQL runs as READ COMMITTED; the stronger levels are refused rather
   * than claimed.
   */
  private QueryResult isolation(Tokens t, String setting) {
    String level = null;
    while (!t.atEnd()) {
      if (t.accept("isolation")) {
        t.expect("level");
        StringBuilder l = new StringBuilder(t.identifier("an isolation level"));
        if (!l.toString().equals("serializable")) {
          l.append(' ').append(t.identifier("an isolation level"));
        }
        level = l.toString();
      } else if (t.accept("read")) {
        if (t.accept("only")) {
          settings.put("transaction_read_only", "on");
        } else {
          t.expect("write");
        }
      } else {
        t.accept(",");
        if (!t.atEnd() && !t.peek().text().equals("isolation") && !t.peek().text().equals("read")) {
          throw t.error("expected ISOLATION LEVEL or READ WRITE");
        }
      }
    }
    if (level != null) {
      if (!level.equals("read committed") && !level.equals("read uncommitted")) {
        throw new SqlException(
            SqlException.FEATURE_NOT_SUPPORTED,
            "isolation level "
                + level.toUpperCase(Locale.ROOT)
                + " is not supported: Citadel gives READ COMMITTED");
      }
      settings.put(setting, level);
    }
    return QueryResult.command("SET", List.of());
  }
}
