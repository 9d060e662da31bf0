package io.citadel.engine.internal.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the same statements on Citadel and on DuckDB over the same data; DuckDB's answers are the
 * expected ones. Rows are compared as sets (sorted) unless the query orders them, numbers within a
 * relative tolerance of 1e-9.
 */
class SqlAgainstDuckDbTest {
  @TempDir static Path dir;
  static Engine engine;
  static Session session;
  static Connection duck;

  @BeforeAll
  static void load() throws Exception {
    engine = Engine.open(dir.resolve("db"), new Engine.Options(2, 1000, 1L << 28, 1L << 20, 1000));
    session = engine.openSession("test");
    duck = DriverManager.getConnection("jdbc:duckdb:");
    String[] ddl = {
      "CREATE TABLE dim_date (d_datekey INTEGER NOT NULL, d_date DATE, d_year INTEGER, d_month TEXT)",
      "CREATE TABLE dim_part (p_partkey INTEGER NOT NULL, p_name TEXT, p_category TEXT, p_price DECIMAL(10,2))",
      "CREATE TABLE fact (f_id BIGINT, f_datekey INTEGER, f_partkey INTEGER, f_qty INTEGER, f_price DECIMAL(12,2),"
          + " f_discount DOUBLE, f_flag BOOLEAN, f_note TEXT, f_ts TIMESTAMP)"
    };
    for (String s : ddl) {
      both(s);
    }
    Random r = new Random(42);
    StringBuilder sb = new StringBuilder();
    for (int d = 0; d < 365; d++) {
      java.time.LocalDate date = java.time.LocalDate.of(2023, 1, 1).plusDays(d);
      sb.append(sb.length() == 0 ? "" : ",")
          .append("(")
          .append(d)
          .append(", DATE '")
          .append(date)
          .append("', ")
          .append(date.getYear())
          .append(", '")
          .append(date.getMonth().name().substring(0, 3))
          .append("')");
    }
    both("INSERT INTO dim_date VALUES " + sb);
    sb.setLength(0);
    String[] cats = {"MFGR#11", "MFGR#12", "MFGR#21", "MFGR#22", null};
    for (int p = 0; p < 200; p++) {
      String cat = cats[r.nextInt(cats.length)];
      sb.append(sb.length() == 0 ? "" : ",")
          .append("(")
          .append(p)
          .append(", 'part ")
          .append(p % 37)
          .append("', ")
          .append(cat == null ? "NULL" : "'" + cat + "'")
          .append(", ")
          .append(BigDecimal.valueOf(r.nextInt(100000), 2))
          .append(")");
    }
    both("INSERT INTO dim_part VALUES " + sb);
    Path csv = dir.resolve("fact.csv");
    List<String> lines = new ArrayList<>();
    lines.add("f_id,f_datekey,f_partkey,f_qty,f_price,f_discount,f_flag,f_note,f_ts");
    for (int i = 0; i < 5000; i++) {
      String note = r.nextInt(10) == 0 ? "" : "\"note, " + r.nextInt(50) + "\"";
      lines.add(
          i
              + ","
              + r.nextInt(400)
              + ","
              + r.nextInt(210)
              + ","
              + (r.nextInt(10) == 0 ? "" : r.nextInt(50))
              + ","
              + BigDecimal.valueOf(r.nextInt(1_000_000), 2)
              + ","
              + (r.nextInt(11) / 100.0)
              + ","
              + r.nextBoolean()
              + ","
              + note
              + ","
              + "2023-0"
              + (1 + r.nextInt(9))
              + "-1"
              + r.nextInt(10)
              + " 1"
              + r.nextInt(10)
              + ":0"
              + r.nextInt(10)
              + ":00");
    }
    Files.write(csv, lines);
    QueryResult q = session.execute("COPY fact FROM '" + csv + "' WITH (HEADER true)");
    assertEquals("COPY 5000", q.tag(), String.join("\n", q.notices()));
    try (Statement st = duck.createStatement()) {
      st.execute("COPY fact FROM '" + csv + "' (HEADER true)");
    }
    both(
        "INSERT INTO fact SELECT f_id + 100000, f_datekey, f_partkey, f_qty * 2, f_price, f_discount, f_flag, f_note, f_ts FROM fact WHERE f_id < 700");
    both("UPDATE fact SET f_qty = f_qty + 1, f_note = 'updated' WHERE f_id % 97 = 3");
    both("DELETE FROM fact WHERE f_id % 101 = 5");
  }

  @AfterAll
  static void close() throws Exception {
    session.close();
    engine.close();
    duck.close();
  }

  static void both(String sql) throws Exception {
    session.execute(sql);
    try (Statement st = duck.createStatement()) {
      st.execute(sql);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT COUNT(*) FROM fact",
        "SELECT COUNT(*), COUNT(f_qty), SUM(f_qty), MIN(f_qty), MAX(f_qty), AVG(f_qty) FROM fact",
        "SELECT SUM(f_price), MIN(f_price), MAX(f_price), AVG(f_price) FROM fact",
        "SELECT f_flag, COUNT(*), SUM(f_discount) FROM fact GROUP BY f_flag",
        "SELECT f_note, COUNT(*) FROM fact GROUP BY f_note HAVING COUNT(*) > 80",
        "SELECT COUNT(DISTINCT f_partkey), COUNT(DISTINCT f_note) FROM fact",
        "SELECT f_id, f_qty * 3 - 1, f_price * 2, f_discount / 2 FROM fact WHERE f_id BETWEEN 10 AND 30",
        "SELECT f_id FROM fact WHERE f_partkey IN (1, 5, 7, 99) AND f_qty > 10",
        "SELECT f_id, f_note FROM fact WHERE f_note LIKE 'note, 1%'",
        "SELECT f_id FROM fact WHERE f_note NOT LIKE '%3%' AND f_qty IS NULL",
        "SELECT CASE WHEN f_qty < 10 THEN 'low' WHEN f_qty < 30 THEN 'mid' ELSE 'high' END AS b, COUNT(*) FROM fact GROUP BY 1",
        "SELECT d_year, d_month, SUM(f_qty) FROM fact, dim_date WHERE f_datekey = d_datekey GROUP BY d_year, d_month",
        "SELECT p_category, d_month, SUM(f_price * f_qty) AS rev FROM fact JOIN dim_date ON f_datekey = d_datekey"
            + " JOIN dim_part ON f_partkey = p_partkey WHERE p_category LIKE 'MFGR#1%' GROUP BY p_category, d_month ORDER BY rev DESC",
        "SELECT f_id, p_name FROM fact LEFT JOIN dim_part ON f_partkey = p_partkey WHERE f_id < 50",
        "SELECT COUNT(*) FROM fact LEFT JOIN dim_part ON f_partkey = p_partkey WHERE p_partkey IS NULL",
        "SELECT f_id FROM fact WHERE f_partkey IN (SELECT p_partkey FROM dim_part WHERE p_category = 'MFGR#22') AND f_id < 300",
        "SELECT f_id FROM fact WHERE f_partkey NOT IN (SELECT p_partkey FROM dim_part WHERE p_category IS NOT NULL) AND f_id < 600",
        "SELECT f_id FROM fact f WHERE EXISTS (SELECT 1 FROM dim_date d WHERE d.d_datekey = f.f_datekey AND d.d_month = 'MAR') AND f_id < 400",
        "SELECT f_id, f_qty FROM fact WHERE f_qty > (SELECT AVG(f_qty) FROM fact) AND f_id < 100",
        "SELECT p_category, (SELECT COUNT(*) FROM fact WHERE f_partkey = p_partkey) AS n FROM dim_part WHERE p_partkey < 20",
        "SELECT EXTRACT(YEAR FROM d_date), EXTRACT(MONTH FROM d_date), EXTRACT(DAY FROM d_date), EXTRACT(DOW FROM d_date), EXTRACT(QUARTER FROM d_date) FROM dim_date WHERE d_datekey < 40",
        "SELECT EXTRACT(HOUR FROM f_ts), COUNT(*) FROM fact GROUP BY 1",
        "SELECT f_id, f_ts FROM fact WHERE f_ts >= TIMESTAMP '2023-05-01 00:00:00' AND f_id < 200",
        "SELECT d_date + INTERVAL '3' DAY, d_date FROM dim_date WHERE d_date BETWEEN DATE '2023-02-25' AND DATE '2023-03-03'",
        "SELECT f_id, f_qty FROM fact ORDER BY f_qty DESC NULLS LAST, f_id LIMIT 15",
        "SELECT f_id FROM fact ORDER BY f_id LIMIT 10 OFFSET 20",
        "SELECT UPPER(p_name), CHAR_LENGTH(p_name), SUBSTRING(p_name FROM 2 FOR 3) FROM dim_part WHERE p_partkey < 10",
        "SELECT COALESCE(p_category, 'none'), COUNT(*) FROM dim_part GROUP BY 1",
        "SELECT f_partkey, MIN(f_note), MAX(f_note) FROM fact GROUP BY f_partkey",
        "SELECT 1 + 2, 'x' || 'y', CAST('12' AS INTEGER) * 2",
        "SELECT p_partkey FROM dim_part WHERE p_price > 500.50 AND p_price <= 800",
        "SELECT f_id FROM fact WHERE f_id < 10 UNION SELECT p_partkey FROM dim_part WHERE p_partkey < 15",
        "SELECT f_id FROM fact WHERE f_id < 5 UNION ALL SELECT f_id FROM fact WHERE f_id < 3",
        "SELECT f_datekey, COUNT(*) FROM fact WHERE f_flag GROUP BY f_datekey HAVING SUM(f_qty) > 100",
        "SELECT f_id, CAST(f_price AS DOUBLE) / 3, (f_qty - 1) * 2, f_qty % 7 FROM fact WHERE f_id < 40 AND f_qty IS NOT NULL",
        "SELECT f_note FROM fact WHERE f_note = 'updated'",
        "SELECT d_month, COUNT(*) FROM dim_date RIGHT JOIN fact ON d_datekey = f_datekey GROUP BY d_month",
      })
  void sameAnswerAsDuckDb(String sql) throws Exception {
    List<List<Object>> expected = duckRows(sql);
    List<List<Object>> actual = citadelRows(sql);
    boolean ordered = sql.contains("ORDER BY");
    if (!ordered) {
      expected.sort(ROWS);
      actual.sort(ROWS);
    }
    assertEquals(expected.size(), actual.size(), "row count of " + sql);
    for (int i = 0; i < expected.size(); i++) {
      List<Object> e = expected.get(i);
      List<Object> a = actual.get(i);
      for (int c = 0; c < e.size(); c++) {
        if (!same(e.get(c), a.get(c))) {
          fail("row " + i + " column " + c + " of " + sql + ": expected " + e + " but was " + a);
        }
      }
    }
  }

  @Test
  void explainSaysWhereEachPartRuns() {
    QueryResult r =
        session.execute(
            "EXPLAIN SELECT d_year, SUM(f_qty) FROM fact JOIN dim_date ON f_datekey = d_datekey GROUP BY d_year");
    String text = String.join("\n", r.rowsText().stream().map(x -> x[0]).toList());
    org.junit.jupiter.api.Assertions.assertTrue(text.contains("StarJoin dimensions=1"), text);
    org.junit.jupiter.api.Assertions.assertTrue(text.contains("[cpu]"), text);
  }

  private static final Comparator<List<Object>> ROWS =
      (x, y) -> {
        for (int i = 0; i < x.size(); i++) {
          int c = String.valueOf(norm(x.get(i))).compareTo(String.valueOf(norm(y.get(i))));
          if (c != 0) return c;
        }
        return 0;
      };

  static Object norm(Object o) {
    if (o instanceof Number n) {
      double d = n.doubleValue();
      return String.format("%.6e", d);
    }
    return o;
  }

  static boolean same(Object e, Object a) {
    if (e == null || a == null) {
      return e == a;
    }
    if (e instanceof Number x && a instanceof Number y) {
      double d1 = x.doubleValue();
      double d2 = y.doubleValue();
      return Math.abs(d1 - d2) <= 1e-9 * Math.max(1, Math.max(Math.abs(d1), Math.abs(d2)));
    }
    return String.valueOf(e).equals(String.valueOf(a));
  }

  static List<List<Object>> duckRows(String sql) throws Exception {
    List<List<Object>> rows = new ArrayList<>();
    try (Statement st = duck.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int c = 1; c <= md.getColumnCount(); c++) {
          Object o = rs.getObject(c);
          if (o instanceof java.sql.Timestamp ts) {
            o = ts.toLocalDateTime();
          }
          if (o instanceof java.time.LocalDateTime ldt) {
            o = ldt.toLocalDate() + " " + ldt.toLocalTime().withNano(0);
            if (((String) o).length() == 16) o = o + ":00";
            if (((String) o).endsWith(" 00:00:00")) o = ((String) o).substring(0, 10);
          } else if (o instanceof java.sql.Date d) {
            o = d.toLocalDate().toString();
          } else if (o instanceof java.time.LocalDate d) {
            o = d.toString();
          } else if (o instanceof Boolean b) {
            o = b ? 1L : 0L;
          } else if (o instanceof java.math.BigInteger bi) {
            o = bi.longValue();
          }
          row.add(o);
        }
        rows.add(row);
      }
    }
    return rows;
  }

  static List<List<Object>> citadelRows(String sql) {
    QueryResult r = session.execute(sql);
    List<List<Object>> rows = new ArrayList<>();
    for (Object[] row : r.rowsBoxed()) {
      List<Object> out = new ArrayList<>();
      for (int c = 0; c < row.length; c++) {
        Object v = row[c];
        var t = r.types()[c];
        if (v != null) {
          switch (t.kind()) {
            case DECIMAL -> v = BigDecimal.valueOf((Long) v, t.scale());
            // avg is a numeric here, as in PostgreSQL, and a double in DuckDB: same() compares
            // them as numbers
            case NUMERIC -> v = new BigDecimal((String) v);
            case DATE, TIMESTAMP -> {
              v = t.format(v);
              if (((String) v).endsWith(" 00:00:00")) v = ((String) v).substring(0, 10);
            }
            default -> {}
          }
        }
        out.add(v);
      }
      rows.add(out);
    }
    return rows;
  }
}
