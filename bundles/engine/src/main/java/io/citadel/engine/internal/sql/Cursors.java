package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.exec.Batch;
import io.citadel.engine.internal.types.SqlException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A session's SQL cursors: {@code DECLARE name [NO SCROLL] CURSOR [WITH[OUT] HOLD] FOR query},
 * {@code FETCH [FORWARD] [n | ALL | NEXT] [FROM | IN] name}, {@code MOVE} and {@code CLOSE name |
 * ALL}, as psql's {@code FETCH_COUNT} and psycopg2's named cursors send them. A cursor keeps its
 * query running and pulls rows only as they are fetched, so a client can walk a result far larger
 * than memory. Cursors read forward only; one is closed when its transaction ends, unless declared
 * WITH HOLD (it then reads the snapshot taken when it was declared until it is closed).
 */
final class Cursors implements AutoCloseable {
  private static final class Cursor {
    final QueryResult result;
    final boolean hold;
    Batch current;
    int row;

    Cursor(QueryResult result, boolean hold) {
      this.result = result;
      this.hold = hold;
    }
  }

  private final Map<String, Cursor> open = new LinkedHashMap<>();

  /** Whether the statement is one of the cursor statements this class runs. */
  static boolean matches(Tokens t) {
    return switch (t.peek().text()) {
      case "declare", "fetch", "move" -> true;
      case "close" -> t.peek(1).kind() != io.citadel.engine.api.SqlLexer.Kind.END;
      default -> false;
    };
  }

  /**
   * Runs a cursor statement.
   *
   * @param inBlock whether a transaction block is open (a cursor without HOLD needs one)
   * @param query runs a query, its rows still to be pulled
   */
  QueryResult run(Tokens t, boolean inBlock, Function<String, QueryResult> query) {
    String w = t.next().text();
    switch (w) {
      case "declare":
        return declare(t, inBlock, query);
      case "fetch", "move":
        {
          long count = count(t);
          if (!t.accept("from")) {
            t.accept("in");
          }
          String name = t.identifier("a cursor name");
          t.expectEnd();
          Cursor c = cursor(name);
          List<Batch> rows = new ArrayList<>();
          long n = take(c, count, w.equals("fetch") ? rows : null);
          String tag = (w.equals("fetch") ? "FETCH " : "MOVE ") + n;
          return w.equals("fetch")
              ? new QueryResult(tag, c.result.names(), c.result.types(), rows, List.of())
              : QueryResult.command(tag, List.of());
        }
      default: // close
        {
          if (t.accept("all")) {
            t.expectEnd();
            close();
            return QueryResult.command("CLOSE CURSOR ALL", List.of());
          }
          String name = t.identifier("a cursor name");
          t.expectEnd();
          cursor(name);
          open.remove(name).result.close();
          return QueryResult.command("CLOSE CURSOR", List.of());
        }
    }
  }

  private QueryResult declare(Tokens t, boolean inBlock, Function<String, QueryResult> query) {
    Tokens.Token at = t.peek();
    String name = t.identifier("a cursor name");
    while (!t.accept("cursor")) {
      if (t.accept("binary")) {
        throw new SqlException(
            SqlException.FEATURE_NOT_SUPPORTED,
            "binary cursors are not supported: declare the cursor without BINARY",
            at.pos());
      } else if (t.accept("scroll")) {
        throw new SqlException(
            SqlException.FEATURE_NOT_SUPPORTED,
            "scrollable cursors are not supported: cursors read forward only (NO SCROLL)",
            at.pos());
      } else if (!t.accept("insensitive") && !t.accept("asensitive")) {
        t.expect("no");
        t.expect("scroll");
      }
    }
    boolean hold = false;
    if (t.accept("with")) {
      t.expect("hold");
      hold = true;
    } else if (t.accept("without")) {
      t.expect("hold");
    }
    t.expect("for");
    if (!hold && !inBlock) {
      throw new SqlException("25P01", "DECLARE CURSOR can only be used in transaction blocks");
    }
    if (open.containsKey(name)) {
      throw new SqlException("42P03", "cursor \"" + name + "\" already exists", at.pos());
    }
    String first = t.peek().text();
    if (!List.of("select", "with", "values", "table", "(").contains(first)) {
      throw new SqlException(
          SqlException.SYNTAX_ERROR,
          "a cursor is declared FOR a query (SELECT, VALUES, WITH or TABLE)",
          t.peek().pos());
    }
    QueryResult r = query.apply(t.rest());
    if (!r.hasRows()) {
      throw new SqlException(SqlException.SYNTAX_ERROR, "a cursor's statement must return rows");
    }
    open.put(name, new Cursor(r, hold));
    return QueryResult.command("DECLARE CURSOR", List.of());
  }

  /** FETCH's direction: how many rows forward; Long.MAX_VALUE for ALL. */
  private static long count(Tokens t) {
    if (t.accept("next")) {
      return 1;
    }
    if (t.accept("all")) {
      return Long.MAX_VALUE;
    }
    if (t.accept("forward")) {
      if (t.accept("all")) {
        return Long.MAX_VALUE;
      }
      return t.peek().kind() == io.citadel.engine.api.SqlLexer.Kind.NUMBER
          ? t.integer("the row count")
          : 1;
    }
    for (String backward : List.of("prior", "first", "last", "absolute", "relative", "backward")) {
      if (t.peek().text().equals(backward)) {
        throw new SqlException(
            "55000",
            "cursor can only scan forward: "
                + backward.toUpperCase(java.util.Locale.ROOT)
                + " needs a scrollable cursor, which is not supported",
            t.peek().pos());
      }
    }
    if (t.peek().kind() == io.citadel.engine.api.SqlLexer.Kind.NUMBER) {
      int n = t.integer("the row count");
      if (n < 0) {
        throw new SqlException("55000", "cursor can only scan forward");
      }
      return n;
    }
    if (t.peek().kind() == io.citadel.engine.api.SqlLexer.Kind.SYMBOL
        && t.peek().text().equals("-")) {
      throw new SqlException("55000", "cursor can only scan forward", t.peek().pos());
    }
    return 1;
  }

  /** Moves up to {@code count} rows on, adding them to {@code into} unless it is null. */
  private static long take(Cursor c, long count, List<Batch> into) {
    long n = 0;
    while (n < count) {
      if (c.current == null || c.row == c.current.size) {
        c.current = c.result.next();
        c.row = 0;
        if (c.current == null) {
          break;
        }
      }
      int k = (int) Math.min(count - n, c.current.size - c.row);
      if (into != null) {
        if (c.row == 0 && k == c.current.size) {
          into.add(c.current);
        } else {
          int[] sel = new int[k];
          for (int i = 0; i < k; i++) sel[i] = c.row + i;
          into.add(c.current.gather(sel, k));
        }
      }
      c.row += k;
      n += k;
    }
    return n;
  }

  private Cursor cursor(String name) {
    Cursor c = open.get(name);
    if (c == null) {
      throw new SqlException("34000", "cursor \"" + name + "\" does not exist");
    }
    return c;
  }

  /** What FETCH from the named cursor returns, for Describe; null when it names none. */
  Session.Shape shapeOfFetch(Tokens t) {
    t.next();
    count(t);
    if (!t.accept("from")) {
      t.accept("in");
    }
    Cursor c = open.get(t.identifier("a cursor name"));
    return c == null ? null : new Session.Shape(c.result.names(), c.result.types());
  }

  /** The transaction ended: cursors without HOLD close, and all of them on a rollback. */
  void transactionEnded(boolean committed) {
    open.values()
        .removeIf(
            c -> {
              if (committed && c.hold) {
                return false;
              }
              c.result.close();
              return true;
            });
  }

  @Override
  public void close() {
    open.values().forEach(c -> c.result.close());
    open.clear();
  }
}
