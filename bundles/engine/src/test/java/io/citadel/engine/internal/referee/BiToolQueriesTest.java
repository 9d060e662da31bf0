package io.citadel.engine.internal.referee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Metabase, Grafana and Superset send when a PostgreSQL connection is added, tested and synced
 * ({@code bi-tools/connect-queries.sql}, each with the tool and step it comes from), run on Citadel
 * and on a real PostgreSQL server: each must answer on Citadel, with the columns PostgreSQL's
 * answer has. Their rows differ where the two catalogs do (PostgreSQL has more schemas and types).
 */
class BiToolQueriesTest {
  @TempDir static Path dir;
  static SideBySide both;

  @BeforeAll
  static void start() throws Exception {
    both =
        SideBySide.start(
            dir, "CREATE TABLE bi_t (id INTEGER PRIMARY KEY, name TEXT, amount NUMERIC(10,2))");
  }

  @AfterAll
  static void stop() throws Exception {
    if (both != null) {
      both.close();
    }
  }

  /** A statement of the file with the comment line naming its tool and step. */
  private record Query(String source, String sql) {}

  private static List<Query> queries() throws IOException {
    String text;
    try (InputStream in =
        BiToolQueriesTest.class.getResourceAsStream("/bi-tools/connect-queries.sql")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Query> out = new ArrayList<>();
    String source = null;
    StringBuilder sql = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (sql.length() == 0 && line.startsWith("-- ")) {
        source = line.substring(3);
        continue;
      }
      if (sql.length() == 0 && line.isBlank()) {
        continue;
      }
      sql.append(line).append('\n');
      if (line.stripTrailing().endsWith(";")) {
        String s = sql.toString().strip();
        out.add(new Query(source, s.substring(0, s.length() - 1)));
        sql.setLength(0);
      }
    }
    return out;
  }

  /** The result's column labels, or null for a statement without rows. */
  private static List<String> run(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      if (!st.execute(sql)) {
        return null;
      }
      try (ResultSet rs = st.getResultSet()) {
        ResultSetMetaData md = rs.getMetaData();
        List<String> labels = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          labels.add(md.getColumnLabel(i));
        }
        while (rs.next()) {
          for (int i = 1; i <= md.getColumnCount(); i++) {
            rs.getString(i);
          }
        }
        return labels;
      }
    }
  }

  @Test
  void everyConnectAndSyncQueryAnswersWithPostgresColumns() throws Exception {
    List<Query> queries = queries();
    assertTrue(queries.size() >= 30, "the file lists " + queries.size() + " queries");
    StringBuilder failures = new StringBuilder();
    try (Connection pg = both.referee.connect();
        Connection ci = both.citadel()) {
      pg.setAutoCommit(true);
      for (Query q : queries) {
        List<String> expected = run(pg, q.sql());
        try {
          List<String> actual = run(ci, q.sql());
          if (!java.util.Objects.equals(expected, actual)) {
            failures.append(q.source()).append(": columns ").append(actual);
            failures.append(", PostgreSQL's ").append(expected).append('\n');
          }
        } catch (SQLException e) {
          failures.append(q.source()).append(": ").append(e.getMessage()).append('\n');
        }
      }
      // Grafana's health check: a comment alone (pgx) or a lone semicolon (lib/pq)
      for (String ping : List.of("-- ping", ";")) {
        assertEquals(run(pg, ping), run(ci, ping), ping);
      }
    }
    assertEquals("", failures.toString());
  }
}
