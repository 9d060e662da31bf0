package io.citadel.engine.internal.sql;

import io.citadel.engine.api.WriteRefusedException;
import io.citadel.engine.api.WriteRouter;
import io.citadel.engine.internal.auth.UserStore;
import io.citadel.engine.internal.exec.ExecContext;
import io.citadel.engine.internal.storage.BulkLoad;
import io.citadel.engine.internal.storage.ColumnDef;
import io.citadel.engine.internal.storage.Store;
import io.citadel.engine.internal.storage.TableDef;
import io.citadel.engine.internal.types.SqlException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's COPY statements: FROM a server file (superusers only, as in PostgreSQL), FROM STDIN
 * and TO STDOUT through the protocol, all columns through the bulk loader or some of them through
 * {@link CopyColumns}; in an HA group a client's rows are staged on the group's shared storage and
 * a COPY FROM that file goes through the group's log.
 */
public final class SessionCopy {
  private static final Logger LOG = LoggerFactory.getLogger(SessionCopy.class);

  private final Session session;
  private final Engine engine;

  SessionCopy(Session session, Engine engine) {
    this.session = session;
    this.engine = engine;
  }

  /** A COPY naming a server file (COPY FROM STDIN and TO STDOUT come through the protocol). */
  QueryResult run(String sql, long now) {
    CopyStatement c = CopyStatement.parse(sql);
    if (c.viaClient()) {
      throw new SqlException(
          SqlException.FEATURE_NOT_SUPPORTED,
          "COPY "
              + (c.from() ? "FROM STDIN" : "TO STDOUT")
              + " needs a client that speaks the PostgreSQL COPY protocol (psql, pgjdbc's"
              + " CopyManager, psycopg2); over HTTP give a server file");
    }
    requireReadPrivilege(engine, session.user(), Path.of(c.file()), session.id() == 0);
    if (namesSomeColumns(c)) {
      engine.lockWrites(session.id() == 0);
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
                  session.dispatch(
                      "SELECT CAST((" + expr + ") AS " + col.type().sqlName() + ")", now);
              return r.rowsBoxed().get(0)[0];
            });
    return QueryResult.command("COPY " + n, List.of());
  }

  private CsvLoader.Options loaderOptions(CopyStatement c) {
    long maxReject = c.maxReject() != null ? c.maxReject() : engine.options().maxReject();
    return c.csv()
        ? new CsvLoader.Options(
            c.delimiter(), c.header(), c.quote(), c.nullString(), maxReject, session.zone())
        // text format arrives converted to CSV by TextCopyFormat
        : new CsvLoader.Options((byte) ',', c.header(), (byte) '"', "", maxReject, session.zone());
  }

  /** The COPY ... FROM STDIN or TO STDOUT in {@code sql}, or null for any other statement. */
  public CopyStatement clientCopyOf(String sql) {
    return Session.guarded(
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
  public QueryResult fromClient(CopyStatement c, InputStream rows) {
    return Session.guarded(
        "COPY " + c.table() + " FROM STDIN",
        () -> {
          if (!engine.group().isEmpty()) {
            return copyThroughTheGroup(c, rows);
          }
          session.block().commitBlockForCopy();
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
    session.refuseUnreplicatedWrite(router);
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
      io.citadel.sdk.DurableFiles.move(part, staged);
    } catch (IOException e) {
      throw new SqlException(
          SqlException.IO_ERROR,
          "could not stage COPY FROM STDIN's rows under " + folder + ": " + e.getMessage(),
          0,
          e);
    }
    return session.route(c.asCsv().fromFile(staged.toString()), "");
  }

  /**
   * Reading a file on the server is the server's privilege, as in PostgreSQL: superusers only; the
   * rows that a client's COPY FROM STDIN had staged in its HA group's staging folder are the
   * client's own. An HA group checks this before a COPY is logged, and every member again where it
   * applies it ({@code fromLog}), against the users as they are at that offset, so all decide
   * alike. A user the database does not know may read a file only in a session the embedding code
   * opened in-process, never in a statement from a log.
   */
  static void requireReadPrivilege(Engine engine, String user, Path file, boolean fromLog) {
    UserStore.User known = engine.users().get(user);
    if (known == null ? !fromLog : known.superuser()) {
      return;
    }
    WriteRouter router = engine.writeRouter();
    Path normal = file.toAbsolutePath().normalize();
    if (router != null
        && router.stagingFolder().map(f -> normal.startsWith(f.toAbsolutePath())).orElse(false)) {
      return;
    }
    throw new SqlException(
        SqlException.INSUFFICIENT_PRIVILEGE,
        known == null
            ? "permission denied: role \"" + user + "\" does not exist"
            : "permission denied: only a superuser may COPY from a file on the server");
  }

  /** How many columns a COPY FROM STDIN takes (CopyInResponse says so). */
  public int width(CopyStatement c) {
    return Session.guarded(
        "COPY",
        () ->
            c.columns().isEmpty()
                ? engine.store().require(c.table()).def().columns().size()
                : c.columns().size());
  }

  /** The query whose rows COPY ... TO STDOUT sends. */
  static String query(CopyStatement c) {
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

  /** Loads a CSV file; the table gets all its good rows or, on failure, none. */
  QueryResult copyFrom(String table, Path file, CsvLoader.Options options) {
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
    ExecContext ctx = session.context(System.currentTimeMillis(), false);
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
}
