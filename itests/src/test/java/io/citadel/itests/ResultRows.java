package io.citadel.itests;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A query's answer in a form two databases can be compared by: each row as text, whole numbers
 * exact whatever their width, decimals without trailing zeros, floating-point values to 9
 * significant digits.
 */
public final class ResultRows {
  private ResultRows() {}

  /** Reads every row and closes the result set. */
  public static List<String> text(ResultSet rs) throws SQLException {
    List<String> out = new ArrayList<>();
    try (rs) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.append(i > 1 ? " | " : "").append(value(rs.getObject(i)));
        }
        out.add(row.toString());
      }
    }
    return out;
  }

  private static String value(Object v) {
    if (v == null) {
      return "NULL";
    }
    if (v instanceof Double || v instanceof Float) {
      return String.format(Locale.ROOT, "%.9g", ((Number) v).doubleValue());
    }
    if (v instanceof BigDecimal b) {
      return b.signum() == 0 ? "0" : b.stripTrailingZeros().toPlainString();
    }
    if (v instanceof Number n) {
      return Long.toString(n.longValue());
    }
    return v.toString();
  }
}
