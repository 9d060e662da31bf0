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
  private final SessionBlock block;
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
    this.block = new SessionBlock(this, engine);
  }

  /** PostgreSQL's transaction status: 'I' idle, 'T' in a block, 'E' in a failed block. */
  public char transactionStatus() {
    return block.transactionStatus();
  }

  /** This session's transaction block. */
  SessionBlock block() {
    return block;
  }

  Cursors cursors() {
    return cursors;
  }

  /** This session's COPY statements. */
  public SessionCopy copy() {
    return copy;
  }

  /** The query whose rows COPY ... TO STDOUT sends. */
  public static String copyQuery(CopyStatement c) {
    return SessionCopy.query(c);
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

  /**
   * A setting from the client's start-up packet, which RESET returns to.
   *
   * @throws SqlException 22023 when it is a TimeZone that is no time zone
   */
  public void startupSetting(String name, String value) {
    settings.startup(name.toLowerCase(java.util.Locale.ROOT), value);
  }

  /** The session's time zone (its TimeZone setting): what timestamptz values are shown in. */
  public java.time.ZoneId zone() {
    return settings.zone();
  }

  /** The session's TimeZone setting as SHOW answers it; it travels with its writes. */
  String timeZoneSetting() {
    return io.citadel.engine.internal.types.Settings.get(settings.values(), "timezone");
  }

  /** A planner for this session's statements: its user, its time zone. */
  SqlPlanner planner() {
    return new SqlPlanner(engine.store(), engine.users()).as(user).inZone(zone());
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
    if (block.isOpen()) {
      try {
        block.endBlock(false, System.currentTimeMillis());
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
    if (!text.isEmpty() && !text.startsWith(SessionBlock.SCRIPT_BEGIN.strip())) {
      Tokens t;
      try {
        t = new Tokens(text);
      } catch (SqlException e) {
        t = null;
      }
      if (t != null) {
        QueryResult c = block.control(t, now);
        if (c != null) {
          return c;
        }
      }
    }
    if (block.isOpen()) {
      return block.inBlock(sql, now);
    }
    WriteRouter router = engine.writeRouter();
    SqlStatement statement = SqlStatement.of(sql);
    if (!statement.changesData()) {
      return executeAt(sql, now);
    }
    if (statement.verb().equals("UPSERT")) {
      // no member could run it: refused here, before it reaches an HA group's log
      throw upsertRefused();
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
      String logged = forLog(statement);
      engine.countStatement();
      runningSql = sql;
      runningSince = now;
      try {
        return result(
            router.submit(
                new LoggedStatement(logged, user, now, idempotencyKey, timeZoneSetting())));
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

  /**
   * What a write is logged as, once this session's user may run it: a statement the user has no
   * privilege for is refused here and never reaches the group's log (each member checks again where
   * it applies it, against the users at that offset). Passwords travel as SCRAM verifiers.
   */
  private String forLog(SqlStatement statement) {
    return switch (statement.kind()) {
      case ROLES -> UserStatements.forLog(engine.users(), user, statement.text());
      case COPY_FROM_FILE -> {
        copySource(statement)
            .ifPresent(file -> SessionCopy.requireReadPrivilege(engine, user, file, true));
        yield statement.text();
      }
      default -> statement.text();
    };
  }

  /** Calcite parses UPSERT, PostgreSQL does not; the engine takes PostgreSQL's ON CONFLICT. */
  private static SqlException upsertRefused() {
    return new SqlException(
        SqlException.SYNTAX_ERROR,
        "syntax error at or near \"UPSERT\": use INSERT ... ON CONFLICT (key) DO UPDATE",
        1);
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
  void admit(SqlStatement statement) {
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
   * free space, and for users and roles, which are never judged.
   */
  static long growth(SqlStatement statement) {
    String verb = statement.verb();
    if (statement.kind() == SqlStatement.Kind.ROLES) {
      return -1; // users take no space worth judging, and an operator must be able to manage them
    }
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
    if (sql.startsWith(SessionBlock.SCRIPT_BEGIN) && sql.endsWith(SessionBlock.SCRIPT_END)) {
      return block.script(sql, now);
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

  static QueryResult result(Outcome o) {
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
    return path(SqlStatement.copyFileOf(sql));
  }

  private static java.util.Optional<Path> copySource(SqlStatement statement) {
    return path(statement.copyFile());
  }

  private static java.util.Optional<Path> path(java.util.Optional<String> file) {
    try {
      return file.map(Path::of);
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
      return cursors.run(t, block.isOpen(), query -> dispatch(query, now));
    }
    String w = t.peek().text();
    if (w.equals("insert") || w.equals("update") || w.equals("delete")) {
      DmlClauses clauses = DmlClauses.of(t);
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
          Integer n = LiteralInsert.tryRun(engine.store(), t, zone());
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
      throw upsertRefused();
    }
    switch (node.getKind()) {
      case INSERT, UPDATE, DELETE:
        engine.lockWrites(id == 0);
        try {
          return writes.modify(planner(), node, sql, now);
        } finally {
          engine.writeLock().unlock();
        }
      default:
        if (!node.getKind().belongsTo(org.apache.calcite.sql.SqlKind.QUERY)) {
          throw new SqlException(
              SqlException.FEATURE_NOT_SUPPORTED, node.getKind() + " statements are not supported");
        }
        return query(planner(), node, sql, now);
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

  /**
   * The names and types of the columns a statement returns, without running it; {@code computed}
   * flags the decimal columns whose type modifier Calcite derived (arithmetic, a constant), which
   * PostgreSQL would give none (null when nothing is known of them).
   */
  public record Shape(List<String> names, ColumnType[] types, boolean[] computed) {
    public Shape(List<String> names, ColumnType[] types) {
      this(names, types, null);
    }
  }

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
          SqlPlanner planner = planner();
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
    SqlPlanner planner = planner();
    RelRoot root = planner.plan(node, s);
    return shape(planner, root);
  }

  private static Shape shape(SqlPlanner planner, RelRoot root) {
    List<String> names = planner.columnNames(root);
    ColumnType[] types = new ColumnType[names.size()];
    boolean[] computed = new boolean[types.length];
    for (int i = 0; i < types.length; i++) {
      types[i] = Types.of(root.validatedRowType.getFieldList().get(i).getType());
      io.citadel.engine.internal.types.TypeKind k = types[i].kind();
      if (k == io.citadel.engine.internal.types.TypeKind.TEXT) {
        types[i] = documentType(root, i, types[i]);
      } else if ((k == io.citadel.engine.internal.types.TypeKind.NUMERIC && types[i].precision() > 0
              || k == io.citadel.engine.internal.types.TypeKind.DECIMAL)
          && !keepsTypeModifier(root, i)) {
        computed[i] = true;
        if (k == io.citadel.engine.internal.types.TypeKind.NUMERIC) {
          types[i] = ColumnType.NUMERIC;
        }
      }
    }
    return new Shape(names, types, computed);
  }

  /**
   * Whether a numeric result column keeps its type modifier, as in PostgreSQL: a column's value or
   * a cast to {@code numeric(p, s)} does; the result of arithmetic (whose modifier Calcite derives)
   * is a numeric without one.
   */
  private static boolean keepsTypeModifier(RelRoot root, int i) {
    int field = root.fields.get(i).getKey();
    if (root.rel instanceof org.apache.calcite.rel.core.Project p
        && p.getProjects().get(field) instanceof org.apache.calcite.rex.RexCall c
        && (c.isA(org.apache.calcite.sql.SqlKind.CAST)
            || c.getOperator().getName().equals("PG_INPUT"))) {
      return true;
    }
    return DocumentTypes.passedColumn(root.rel, field) != null;
  }

  /**
   * A json or jsonb column's type for a result column that is that column's value unchanged:
   * Calcite has no document type and plans them as text, but a client (psycopg2, SQLAlchemy)
   * decodes a json result column into objects by its type.
   */
  private static ColumnType documentType(RelRoot root, int i, ColumnType planned) {
    ColumnType passed = DocumentTypes.passedColumn(root.rel, root.fields.get(i).getKey());
    if (passed != null && passed.isBlankPadded()) {
      return passed; // a char(n) column shown as it is: blank-padded, typed bpchar
    }
    io.citadel.engine.internal.types.TypeKind kind =
        DocumentTypes.kind(root.rel, root.fields.get(i).getKey());
    if (kind != null) {
      return kind == io.citadel.engine.internal.types.TypeKind.JSON
          ? ColumnType.JSON
          : ColumnType.JSONB;
    }
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
              block.failed();
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
    SqlPlanner planner = planner();
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
