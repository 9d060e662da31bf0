package io.citadel.engine.internal.referee;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a server answered to one statement, as a client sees it: an error's SQLSTATE, or the
 * columns' names with the rows as the text the server sent, or an update count. Two answers are the
 * same when the SQLSTATEs are, or when the names, the counts and every value are; floating-point
 * values within a relative 1e-12 (the last digit of a sum depends on the order of its terms), rows
 * in any order unless the statement orders them.
 */
public record Answer(
    String sqlState,
    String error,
    List<String> names,
    List<Boolean> floating,
    List<List<String>> rows,
    long count) {

  private static final Pattern ORDERED = Pattern.compile("(?is).*\\border\\s+by\\b.*");
  private static final int MAX_ROWS = 10_000;

  public static Answer of(Connection c, String sql) {
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(60);
      boolean rs = s.execute(sql);
      if (!rs) {
        return new Answer(null, null, List.of(), List.of(), List.of(), s.getUpdateCount());
      }
      try (ResultSet r = s.getResultSet()) {
        ResultSetMetaData md = r.getMetaData();
        int n = md.getColumnCount();
        List<String> names = new ArrayList<>();
        List<Boolean> floating = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          names.add(md.getColumnLabel(i));
          int t = md.getColumnType(i);
          floating.add(t == Types.DOUBLE || t == Types.REAL || t == Types.FLOAT);
        }
        List<List<String>> rows = new ArrayList<>();
        while (r.next() && rows.size() < MAX_ROWS) {
          List<String> row = new ArrayList<>(n);
          for (int i = 1; i <= n; i++) {
            row.add(r.getString(i));
          }
          rows.add(row);
        }
        if (!ORDERED.matcher(sql).matches()) {
          rows.sort(
              (a, b) -> String.join("\u0001", nulls(a)).compareTo(String.join("\u0001", nulls(b))));
        }
        return new Answer(null, null, names, floating, rows, -1);
      }
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "?????" : e.getSQLState();
      return new Answer(state, e.getMessage(), List.of(), List.of(), List.of(), -1);
    } catch (RuntimeException e) {
      // the driver could not make sense of what the server sent: a protocol failure
      return new Answer("PROTO", e.toString(), List.of(), List.of(), List.of(), -1);
    }
  }

  private static List<String> nulls(List<String> row) {
    return row.stream().map(v -> v == null ? "\u0000" : v).toList();
  }

  public boolean failed() {
    return sqlState != null;
  }

  /** Whether {@code other} (Citadel's) gives the client what this one (the referee's) gives. */
  public boolean sameAs(Answer other) {
    if (failed() || other.failed()) {
      return failed() && other.failed() && sqlState.equals(other.sqlState);
    }
    if (count != other.count || !names.equals(other.names) || rows.size() != other.rows.size()) {
      return false;
    }
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < names.size(); c++) {
        if (!sameValue(rows.get(r).get(c), other.rows.get(r).get(c), floating.get(c))) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean sameValue(String a, String b, boolean floating) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.equals(b)) {
      return true;
    }
    if (!floating) {
      return false;
    }
    try {
      double x = Double.parseDouble(a);
      double y = Double.parseDouble(b);
      return Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    if (failed()) {
      return "ERROR " + sqlState + ": " + firstLine(error);
    }
    if (rows.isEmpty() && names.isEmpty()) {
      return "count " + count;
    }
    StringBuilder b = new StringBuilder(String.join(" | ", names));
    int shown = 0;
    for (List<String> row : rows) {
      if (shown++ == 8) {
        b.append("\n      ... ").append(rows.size() - 8).append(" more rows");
        break;
      }
      b.append("\n      ").append(String.join(" | ", row.stream().map(String::valueOf).toList()));
    }
    return b.toString();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
