package io.citadel.engine.internal.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.engine.internal.auth.UserStore;
import io.citadel.engine.internal.pgwire.PgServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No statement ends a session: every function the engine's validator knows is called with no
 * arguments and with one to three NULL, empty, zero, negative, huge, text and date arguments over
 * the PostgreSQL protocol; each call must answer (rows or an ERROR with a SQLSTATE other than
 * XX000, which would be a bug: an internal error) and the same connection must answer the next
 * statement.
 */
class EveryFunctionSurvivesTest {
  @TempDir Path dir;

  private static final String[] ARGS = {
    "NULL", "''", "0", "-1", "'x'", "9223372036854775807", "1.5", "DATE '2024-02-29'", "'a,b'"
  };

  @Test
  void everyFunctionAnswersAndTheSessionGoesOn() throws Exception {
    try (Engine engine =
            Engine.open(dir.resolve("db"), new Engine.Options(2, 1000, 1L << 26, 1L << 20, 1000));
        PgServer server = PgServer.start(engine, PgServer.Settings.loopback(0))) {
      Properties p = new Properties();
      p.setProperty("user", UserStore.ADMIN);
      p.setProperty(
          "password",
          Files.readString(dir.resolve("db").resolve(UserStore.INITIAL_PASSWORD_FILE)).strip());
      p.setProperty("socketTimeout", "60");
      List<String> internal = new ArrayList<>();
      int calls = 0;
      try (Connection c =
              DriverManager.getConnection(
                  "jdbc:postgresql://127.0.0.1:" + server.port() + "/citadel", p);
          Statement s = c.createStatement()) {
        s.setQueryTimeout(30);
        for (String fn : SqlPlanner.functionNames()) {
          for (String args : argumentLists()) {
            String sql = "SELECT " + fn + "(" + args + ")";
            calls++;
            try (ResultSet r = s.executeQuery(sql)) {
              while (r.next()) {
                r.getString(1);
              }
            } catch (SQLException e) {
              if ("XX000".equals(e.getSQLState())) {
                internal.add(sql + "  -> " + e.getMessage().lines().findFirst().orElse(""));
              }
              assertTrue(
                  e.getSQLState() != null && e.getSQLState().length() == 5,
                  sql + " failed without a SQLSTATE: " + e);
            }
            try (ResultSet r = s.executeQuery("SELECT 1")) {
              assertTrue(r.next(), "the session did not survive " + sql);
              assertEquals(1, r.getInt(1));
            }
          }
        }
      }
      System.out.println(
          "every function: "
              + calls
              + " calls, the session survived each; internal errors: "
              + internal.size());
      internal.forEach(x -> System.out.println("  " + x));
      assertEquals(List.of(), internal, "calls that failed with an internal error");
    }
  }

  private static List<String> argumentLists() {
    List<String> out = new ArrayList<>();
    out.add("");
    for (String a : ARGS) {
      out.add(a);
    }
    for (String a : new String[] {"NULL", "''", "0", "'x'", "-1"}) {
      out.add(a + ", " + a);
      out.add("'abc', " + a);
      out.add(a + ", " + a + ", " + a);
    }
    return out;
  }
}
