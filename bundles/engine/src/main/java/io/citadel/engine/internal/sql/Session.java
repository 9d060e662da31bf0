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
import io.citadel.engine.internal.storage.Store;
import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import java.nio.file.Path;
import java.util.ArrayList;
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
  private final SessionSettings settings;
  private final SessionWrites writes;
  private volatile ExecContext running;

  private final Cursors cursors = new Cursors();
  private final SessionCopy copy;

  /** The query whose rows are still being pulled (by a client, a cursor), if any. */
  private volatile ExecContext streaming;

  private volatile String runningSql;
  private volatile long runningSince;

  Session(Engine engine, long id, String user) {
    this.engine = engine;
    this.id = id;
    this.user = user;
    this.copy = new SessionCopy(this, engine);
    this.settings = new SessionSettings(engine);
    this.writes = new SessionWrites(this, engine);
  }

  /** This session's COPY statements. */
  public SessionCopy copy() {
    return copy;
  }

  /** The query whose rows COPY ... TO STDOUT sends. */
  public static String copyQuery(CopyStatement c) {
    return SessionCopy.query(c);
  }

  /**
   * Before a COPY FROM STDIN inside a transaction block: the block is committed and a new one
   * begun, as for DDL (a notice says so); COPY loads outside any block.
   */
  void commitBlockForCopy() {
    if (block != BlockState.IDLE) {
      endBlock(true, System.currentTimeMillis());
      txn = engine.store().begin();
      block = BlockState.OPEN;
    }
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
    return settings.values();
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

  QueryResult route(String sql, String idempotencyKey) {
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

  void refuseUnreplicatedWrite(WriteRouter router) {
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

  QueryResult dispatch(String sql, long now) {
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
        return writes.withClauses(clauses, now);
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
        return copy.run(sql, now);
      case "show":
        return settings.show(t);
      case "describe", "desc":
        t.next();
        t.accept("table");
        return settings.describe(t.identifier("a table name"));
      case "set":
        return settings.set(t);
      case "reset":
        return settings.reset(t);

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
          return writes.modify(
              new SqlPlanner(engine.store(), engine.users()).as(user), node, sql, now);
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

  ExecContext context(long now, boolean rowIds) {
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
                  SessionWrites.targetTable(SqlPlanner.parse(clauses.core())), clauses.returning());
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
}
