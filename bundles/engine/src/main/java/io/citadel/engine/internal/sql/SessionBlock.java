package io.citadel.engine.internal.sql;

import io.citadel.engine.api.LoggedStatement;
import io.citadel.engine.api.SqlStatement;
import io.citadel.engine.api.WriteRefusedException;
import io.citadel.engine.api.WriteRouter;
import io.citadel.engine.internal.storage.Store;
import io.citadel.engine.internal.types.SqlException;
import java.util.ArrayList;
import java.util.List;

/**
 * A session's transaction block: BEGIN, COMMIT, ROLLBACK, SAVEPOINT, ROLLBACK TO and RELEASE, the
 * aborted state (25P02), and what a statement inside a block does. A block's writes run in a store
 * transaction that only the block sees and that commits at once; in an HA group they run here only
 * to be read back, and at COMMIT go through the group's log as one record (a script every member
 * applies whole).
 */
final class SessionBlock {
  private final Session session;
  private final Engine engine;

  SessionBlock(Session session, Engine engine) {
    this.session = session;
    this.engine = engine;
  }

  /** Whether a block is open (or failed and waiting for its end). */
  boolean isOpen() {
    return state != BlockState.IDLE;
  }

  /** A query failing while its rows are fetched aborts the block, as in PostgreSQL. */
  void failed() {
    if (state == BlockState.OPEN) {
      state = BlockState.FAILED;
    }
  }

  private enum BlockState {
    IDLE,
    OPEN,
    FAILED
  }

  private record Savepoint(String name, int mark, int statements) {}

  private BlockState state = BlockState.IDLE;
  private Store.Txn txn;
  private boolean holdsWriteLock;
  private final java.util.ArrayDeque<Savepoint> savepoints = new java.util.ArrayDeque<>();

  /**
   * In an HA group: the block's writes, sent through the log as one record at COMMIT, each with the
   * session's time zone when it ran (a SET TIME ZONE between two writes travels with them).
   */
  private final List<BlockWrite> blockWrites = new ArrayList<>();

  private record BlockWrite(String sql, String timeZone) {}

  /** The marker that starts a transaction sent through an HA group's log as one record. */
  static final String SCRIPT_BEGIN = "BEGIN;\n";

  static final String SCRIPT_END = ";\nCOMMIT";

  /** PostgreSQL's transaction status: 'I' idle, 'T' in a block, 'E' in a failed block. */
  char transactionStatus() {
    return switch (state) {
      case IDLE -> 'I';
      case OPEN -> 'T';
      case FAILED -> 'E';
    };
  }

  /** The statements that begin and end blocks; null for any other. */
  QueryResult control(Tokens t, long now) {
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
          if (state != BlockState.IDLE) {
            return QueryResult.command(
                "BEGIN", List.of("WARNING: there is already a transaction in progress"));
          }
          txn = engine.store().begin();
          state = BlockState.OPEN;
          return QueryResult.command("BEGIN", List.of());
        }
      case "commit", "end":
        {
          t.next();
          if (!t.accept("work")) {
            t.accept("transaction");
          }
          t.expectEnd();
          if (state == BlockState.IDLE) {
            return QueryResult.command(
                "COMMIT", List.of("WARNING: there is no transaction in progress"));
          }
          if (state == BlockState.FAILED) {
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
          if (state == BlockState.IDLE) {
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
          if (state == BlockState.IDLE) {
            throw new SqlException("25P01", "SAVEPOINT can only be used in transaction blocks");
          }
          if (state == BlockState.FAILED) {
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
          if (state == BlockState.FAILED) {
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
    if (state == BlockState.IDLE) {
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
    state = BlockState.OPEN;
  }

  private static SqlException aborted() {
    return new SqlException(
        "25P02", "current transaction is aborted, commands ignored until end of transaction block");
  }

  /** Ends the block: commit makes its writes durable and visible at once; rollback drops them. */
  void endBlock(boolean commit, long now) {
    try {
      if (!commit) {
        engine.store().rollback(txn, 0);
        return;
      }
      WriteRouter router = engine.writeRouter();
      if (!blockWrites.isEmpty() && router != null) {
        // the writes ran here only to be read back; the group's log applies them everywhere
        engine.store().rollback(txn, 0);
        String zone = blockWrites.get(0).timeZone();
        List<String> statements = new ArrayList<>();
        for (BlockWrite w : blockWrites) {
          if (!w.timeZone().equals(zone)) {
            zone = w.timeZone();
            statements.add("SET TIME ZONE '" + zone.replace("'", "''") + "'");
          }
          statements.add(w.sql());
        }
        String script = SCRIPT_BEGIN + String.join(";\n", statements) + SCRIPT_END;
        try {
          Session.result(
              router.submit(
                  new LoggedStatement(
                      script, session.user(), now, "", blockWrites.get(0).timeZone())));
        } catch (WriteRefusedException e) {
          throw new SqlException(e.sqlState(), e.getMessage());
        }
        return;
      }
      engine.store().commit(txn);
    } finally {
      session.cursors().transactionEnded(commit);
      state = BlockState.IDLE;
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
  QueryResult inBlock(String sql, long now) {
    if (state == BlockState.FAILED) {
      throw aborted();
    }
    SqlStatement statement = SqlStatement.of(sql);
    boolean writes = statement.changesData();
    if (writes && statement.kind() != SqlStatement.Kind.DML) {
      // DDL and COPY do not run inside a block: like MySQL, they commit it first
      endBlock(true, now);
      QueryResult r = session.route(sql, "");
      txn = engine.store().begin();
      state = BlockState.OPEN;
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
        session.refuseUnreplicatedWrite(router);
        session.admit(statement);
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
      QueryResult r = engine.store().within(txn, () -> session.executeAt(sql, now));
      if (writes && router != null) {
        blockWrites.add(
            new BlockWrite(Session.stripTrailingSemicolon(sql), session.timeZoneSetting()));
      }
      return r;
    } catch (RuntimeException | Error e) {
      state = BlockState.FAILED;
      throw e;
    }
  }

  /**
   * Runs a transaction that came through an HA group's log as one record: all of its statements or
   * none, with the writer's clock.
   */
  QueryResult script(String sql, long now) {
    String body = sql.substring(SCRIPT_BEGIN.length(), sql.length() - SCRIPT_END.length());
    Store.Txn t = engine.store().begin();
    boolean done = false;
    try {
      for (io.citadel.engine.api.SqlStatement.Piece piece :
          io.citadel.engine.api.SqlStatement.split(body)) {
        engine.store().within(t, () -> session.executeAt(piece.text(), now));
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

  /**
   * Before a COPY FROM STDIN inside a transaction block: the block is committed and a new one
   * begun, as for DDL (a notice says so); COPY loads outside any block.
   */
  void commitBlockForCopy() {
    if (state != BlockState.IDLE) {
      endBlock(true, System.currentTimeMillis());
      txn = engine.store().begin();
      state = BlockState.OPEN;
    }
  }
}
