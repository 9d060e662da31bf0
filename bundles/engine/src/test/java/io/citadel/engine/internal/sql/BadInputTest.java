package io.citadel.engine.internal.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.engine.internal.types.SqlException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad statements and bad files get a clear error with its SQLSTATE (and position where there is
 * one); the session keeps working and nothing stored is lost.
 */
class BadInputTest {
  @TempDir Path dir;
  Engine engine;
  Session s;

  @BeforeEach
  void open() throws Exception {
    engine = Engine.open(dir.resolve("db"), new Engine.Options(2, 1000, 1L << 26, 1L << 20, 3));
    s = engine.openSession("t");
    s.execute("CREATE TABLE t (a INTEGER NOT NULL, b TEXT, c DECIMAL(5,2), d DATE)");
    s.execute("INSERT INTO t VALUES (1, 'x', 1.50, DATE '2024-01-02'), (2, NULL, NULL, NULL)");
  }

  @AfterEach
  void close() throws Exception {
    engine.close();
  }

  private SqlException fails(String sql) {
    return assertThrows(SqlException.class, () -> s.execute(sql), sql);
  }

  /**
   * 5,000 nested parentheses: PostgreSQL answers them; Citadel answers them too, or refuses them
   * with 54001 and a message saying so (never a message-less syntax error), and goes on.
   */
  @Test
  void deeplyNestedParenthesesAnswerOrSayTheyAreTooDeep() {
    String deep = "(".repeat(5000) + "1" + ")".repeat(5000);
    try {
      assertEquals(1, ((Number) s.execute("SELECT " + deep).rowsBoxed().get(0)[0]).intValue());
    } catch (SqlException e) {
      assertEquals("54001", e.sqlState(), e.getMessage());
      assertTrue(e.getMessage().contains("nested too deeply"), e.getMessage());
    }
    assertEquals(2L, (Long) s.execute("SELECT COUNT(*) FROM t").rowsBoxed().get(0)[0]);
  }

  @Test
  void eachMistakeHasItsSqlState() {
    SqlException syntax = fails("SELEC a FROM t");
    assertEquals("42601", syntax.sqlState());
    assertEquals(1, syntax.position());
    SqlException col = fails("SELECT zz FROM t");
    assertEquals("42703", col.sqlState());
    assertEquals(8, col.position());
    assertEquals("42P01", fails("SELECT * FROM nope").sqlState());
    assertEquals("22012", fails("SELECT a / 0 FROM t").sqlState());
    assertEquals("22003", fails("SELECT a * 2147483647 * 2 FROM t").sqlState());
    assertEquals("22003", fails("INSERT INTO t (a) VALUES (99999999999)").sqlState());
    assertEquals("22003", fails("INSERT INTO t (a, c) VALUES (3, 123456.7)").sqlState());
    assertEquals("23502", fails("INSERT INTO t (b) VALUES ('no a')").sqlState());
    assertEquals("42P07", fails("CREATE TABLE t (a INTEGER)").sqlState());
    assertEquals("42601", fails("CREATE TABLE u (a INTEGER").sqlState());
    assertEquals("42703", fails("CREATE TABLE u (a WIBBLE)").sqlState());
    assertEquals("22P02", fails("SELECT CAST('abc' AS INTEGER)").sqlState());
    assertEquals("58P01", fails("COPY t FROM '/does/not/exist.csv'").sqlState());
    assertEquals(2L, (Long) s.execute("SELECT COUNT(*) FROM t").rowsBoxed().get(0)[0]);
  }

  @Test
  void copyReportsRejectedLinesAndAFailedCopyChangesNothing() throws Exception {
    Path good = dir.resolve("good.csv");
    Files.write(
        good,
        List.of(
            "3,abc,1.25,2024-02-03",
            "x,abc,1,2024-02-03",
            "4,\"q,uoted\",,",
            "5,too,many,fields,here",
            "6,,2.5,2024-13-01"));
    QueryResult r = s.execute("COPY t FROM '" + good + "'");
    assertEquals("COPY 2", r.tag());
    assertTrue(
        r.notices().get(0).startsWith("Loaded: 2 recs, Rejected: 3 recs"), r.notices().toString());
    assertTrue(r.notices().get(1).contains("line 2"), r.notices().toString());
    assertEquals(4L, (Long) s.execute("SELECT COUNT(*) FROM t").rowsBoxed().get(0)[0]);
    Path bad = dir.resolve("bad.csv");
    StringBuilder sb = new StringBuilder("7,a,1,2024-01-01\n");
    for (int i = 0; i < 10; i++) sb.append("garbage line ").append(i).append('\n');
    Files.writeString(bad, sb);
    SqlException e = fails("COPY t FROM '" + bad + "'");
    assertTrue(e.getMessage().contains("rejected"), e.getMessage());
    assertEquals(4L, (Long) s.execute("SELECT COUNT(*) FROM t").rowsBoxed().get(0)[0]);
  }

  @Test
  void randomStatementsNeverBreakTheEngine() {
    Random r = new Random(7);
    String[] parts = {
      "SELECT",
      "*",
      "FROM",
      "t",
      "WHERE",
      "a",
      "=",
      "'",
      "(",
      ")",
      "1",
      "/",
      "0",
      ",",
      "GROUP BY",
      "ORDER",
      "BY",
      "INSERT",
      "INTO",
      "VALUES",
      "DELETE",
      "UPDATE",
      "SET",
      "b",
      "NULL",
      "JOIN",
      "ON",
      ";",
      "--",
      "\"",
      "CAST",
      "AS"
    };
    for (int i = 0; i < 500; i++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + r.nextInt(12);
      for (int k = 0; k < n; k++) sb.append(parts[r.nextInt(parts.length)]).append(' ');
      try {
        s.execute(sb.toString());
      } catch (SqlException e) {
        assertTrue(e.sqlState().length() == 5, e.sqlState());
      }
    }
    // whatever the statements did, the table answers and its first row is untouched
    assertEquals(
        "x",
        s.execute("SELECT b FROM t WHERE a = 1").rowsBoxed().stream()
            .findFirst()
            .map(x -> (String) x[0])
            .orElse("x"));
  }
}
