package io.citadel.engine.internal.referee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * COPY FROM STDIN and COPY TO STDOUT with the real clients, against Citadel and a real PostgreSQL
 * server side by side: pgjdbc's {@code CopyManager} (text and CSV, escapes, NULLs, quotes,
 * non-ASCII), a client's CopyFail, a bad row, and {@code psql \copy} in both directions. What
 * PostgreSQL sends back is the expected answer.
 */
class CopyProtocolTest {
  @TempDir static Path dir;
  static SideBySide both;

  private static final String TABLE =
      "CREATE TABLE c (id INTEGER, name TEXT, amount DECIMAL(10,2), day DATE, ok BOOLEAN)";

  /** Text format: a tab and a backslash escaped, a NULL, non-ASCII, an empty string. */
  private static final String TEXT_ROWS =
      "1\tplain\t1.50\t2024-01-02\tt\n"
          + "2\ttab\\there and back\\\\slash\t-3.25\t2024-02-29\tf\n"
          + "3\t\\N\t\\N\t\\N\t\\N\n"
          + "4\tÜmlaut €\t0.00\t1999-12-31\tt\n"
          + "5\t\t10.00\t2000-01-01\tf\n";

  private static final String CSV_ROWS =
      "id,name,amount,day,ok\n"
          + "6,\"comma, inside\",7.00,2024-03-01,true\n"
          + "7,\"quote \"\" inside\",8.00,2024-03-02,false\n"
          + "8,,9.00,2024-03-03,true\n"
          + "9,\"\",1.00,2024-03-04,false\n";

  @BeforeAll
  static void start() throws Exception {
    both = SideBySide.start(dir, TABLE);
  }

  @AfterAll
  static void stop() throws Exception {
    if (both != null) {
      both.close();
    }
  }

  private static CopyManager copy(Connection c) throws SQLException {
    return c.unwrap(PGConnection.class).getCopyAPI();
  }

  private static String copyOut(Connection c, String sql) throws Exception {
    StringWriter w = new StringWriter();
    copy(c).copyOut(sql, w);
    return w.toString();
  }

  @Test
  void copyInAndOutAnswerAsPostgresDoes() throws Exception {
    try (Connection pg = both.referee.connect();
        Connection ci = both.citadel()) {
      for (Connection c : List.of(pg, ci)) {
        assertEquals(5, copy(c).copyIn("COPY c FROM STDIN", new StringReader(TEXT_ROWS)));
        assertEquals(
            4,
            copy(c)
                .copyIn(
                    "COPY c FROM STDIN WITH (FORMAT csv, HEADER true)",
                    new StringReader(CSV_ROWS)));
      }
      for (String out :
          List.of(
              "COPY c TO STDOUT",
              "COPY c TO STDOUT WITH (FORMAT csv, HEADER)",
              "COPY (SELECT id, name FROM c WHERE id > 2 ORDER BY id DESC) TO STDOUT WITH CSV",
              "COPY c (id, name, amount, day, ok) TO STDOUT WITH (FORMAT text, DELIMITER '|')")) {
        String want = sorted(copyOut(pg, out));
        String got = sorted(copyOut(ci, out));
        assertEquals(want, got, out);
      }
    }
  }

  @Test
  void theNewerTypesCopyInAndOutAsPostgresDoes() throws Exception {
    String rows =
        "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11\t{\"b\": 1, \"a\": [true]}\t\\\\x00ff\t"
            + "2024-03-10 14:30:00+02\t08:05:30.5\t{ x ,\"y z\",NULL}\n"
            + "\\N\t\\N\t\\N\t\\N\t\\N\t{}\n";
    try (Connection pg = both.referee.connect();
        Connection ci = both.citadel()) {
      for (Connection c : List.of(pg, ci)) {
        try (var s = c.createStatement()) {
          s.execute(
              "CREATE TABLE typed_copy (id UUID, doc JSONB, data BYTEA, at TIMESTAMPTZ, t TIME,"
                  + " tags TEXT[])");
        }
        assertEquals(2, copy(c).copyIn("COPY typed_copy FROM STDIN", new StringReader(rows)));
      }
      for (String out :
          List.of(
              "COPY typed_copy TO STDOUT", "COPY typed_copy TO STDOUT WITH (FORMAT csv, HEADER)")) {
        assertEquals(sorted(copyOut(pg, out)), sorted(copyOut(ci, out)), out);
      }
    }
  }

  @Test
  void aColumnListFillsTheOtherColumnsAsInsertWould() throws Exception {
    String table =
        "CREATE TABLE partial (id SERIAL PRIMARY KEY, name TEXT NOT NULL, qty INTEGER DEFAULT 7,"
            + " note VARCHAR(5), made DATE DEFAULT DATE '2024-01-01')";
    try (Connection pg = both.referee.connect();
        Connection ci = both.citadel()) {
      java.util.Map<Connection, List<String>> states = new java.util.HashMap<>();
      for (Connection c : List.of(pg, ci)) {
        states.put(c, new ArrayList<>());
        try (Statement st = c.createStatement()) {
          st.execute(table);
        }
        assertEquals(
            2, copy(c).copyIn("COPY partial (name) FROM STDIN", new StringReader("a\nb\n")));
        assertEquals(
            2,
            copy(c)
                .copyIn(
                    "COPY partial (note, name, qty) FROM STDIN WITH (FORMAT csv)",
                    new StringReader("x,c,1\n\"y,z\",d,\n")));
        // a value too long, a missing field and a NULL in a NOT NULL column load nothing
        for (String bad : List.of("toolong,e,1\n", "f,e\n", ",,3\n")) {
          SQLException e =
              org.junit.jupiter.api.Assertions.assertThrows(
                  SQLException.class,
                  () ->
                      copy(c)
                          .copyIn(
                              "COPY partial (note, name, qty) FROM STDIN WITH (FORMAT csv)",
                              new StringReader(bad)));
          states.get(c).add(e.getSQLState());
        }
      }
      assertEquals(states.get(pg), states.get(ci), "the SQLSTATEs of the bad rows");
      String out = "COPY (SELECT * FROM partial ORDER BY id) TO STDOUT WITH CSV";
      assertEquals(copyOut(pg, out), copyOut(ci, out));
    }
  }

  /** Lines sorted, the header (if any) kept first: neither server promises a row order. */
  private static String sorted(String copy) {
    List<String> lines = new ArrayList<>(List.of(copy.split("\n")));
    String head = !lines.isEmpty() && lines.get(0).startsWith("id") ? lines.remove(0) : null;
    lines.sort(null);
    if (head != null) {
      lines.add(0, head);
    }
    return String.join("\n", lines);
  }

  @Test
  void aBadRowOrAClientFailureLoadsNothingAndTheSessionGoesOn() throws Exception {
    try (Connection ci = both.citadel();
        Statement s = ci.createStatement()) {
      s.execute("CREATE TABLE strict_c (id INTEGER NOT NULL, v TEXT)");
      CopyManager cm = copy(ci);
      SQLException bad =
          assertThrows(
              SQLException.class,
              () ->
                  cm.copyIn(
                      "COPY strict_c FROM STDIN WITH (max_reject 0)",
                      new StringReader("1\ta\n\\N\tb\n")));
      assertTrue(bad.getMessage().contains("strict_c") || bad.getSQLState() != null, bad::toString);
      var in = cm.copyIn("COPY strict_c FROM STDIN");
      byte[] row = "2\tb\n".getBytes(StandardCharsets.UTF_8);
      in.writeToCopy(row, 0, row.length);
      in.cancelCopy();
      try (var r = s.executeQuery("SELECT count(*) FROM strict_c")) {
        r.next();
        assertEquals(0, r.getLong(1), "neither COPY may leave rows behind");
      }
    }
  }

  @Test
  void psqlCopiesBothWays() throws Exception {
    Path in = dir.resolve("in.csv");
    Files.writeString(in, "100,psql row,1.25,2024-05-06,true\n101,\"with, comma\",,2024-05-07,\n");
    for (boolean citadel : new boolean[] {false, true}) {
      Path out = dir.resolve((citadel ? "citadel" : "postgres") + "-out.txt");
      String script =
          "\\copy c from '"
              + in
              + "' with (format csv)\n"
              + "\\copy (select * from c where id >= 100 order by id) to '"
              + out
              + "'\n";
      String result = psql(citadel, script);
      assertTrue(result.contains("COPY 2"), result);
    }
    assertEquals(
        Files.readString(dir.resolve("postgres-out.txt")),
        Files.readString(dir.resolve("citadel-out.txt")));
  }

  private static String psql(boolean citadel, String script) throws Exception {
    return citadel ? both.psqlCitadel(dir, script) : both.psqlPostgres(dir, script);
  }
}
