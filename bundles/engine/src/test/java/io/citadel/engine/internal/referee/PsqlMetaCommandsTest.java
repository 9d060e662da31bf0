package io.citadel.engine.internal.referee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.engine.internal.auth.UserStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * psql's describe commands, which read the system catalog with PostgreSQL's own queries, against
 * Citadel and a real PostgreSQL server holding the same schema: what psql prints must be the same
 * (the owner's name aside, which the two servers' superusers spell differently). {@code \l} and
 * {@code \du} list each server's own databases and roles, so for those the command must succeed and
 * name Citadel's.
 */
class PsqlMetaCommandsTest {
  @TempDir static Path dir;
  static SideBySide both;

  private static final String SCHEMA =
      String.join(
          "\n",
          "CREATE TABLE t (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL DEFAULT 0, price"
              + " NUMERIC(10,2), made DATE, tags TEXT UNIQUE, CHECK (qty >= 0));",
          "CREATE INDEX t_made ON t (made);",
          "CREATE TABLE \"Other\" (k BIGINT, note TEXT, labels TEXT[], id UUID, doc JSONB,"
              + " at TIMESTAMPTZ, t TIME, data BYTEA, wide NUMERIC(38,10), free NUMERIC, code CHAR(3), span INTERVAL);",
          "CREATE VIEW v AS SELECT id, made FROM t;");

  /** The commands whose output must be PostgreSQL's, owner aside. */
  private static final List<String> SAME =
      List.of(
          "\\dt",
          "\\di",
          "\\dv",
          "\\dn",
          "\\d t",
          "\\d+ t",
          "\\d v",
          "\\d \"Other\"",
          "\\df",
          "\\db");

  @BeforeAll
  static void start() throws Exception {
    both = SideBySide.start(dir);
    both.psqlPostgres(dir, SCHEMA);
    both.psqlCitadel(dir, SCHEMA);
  }

  @AfterAll
  static void stop() throws Exception {
    if (both != null) {
      both.close();
    }
  }

  private static String citadel(String script) throws Exception {
    return both.psqlCitadel(dir, script);
  }

  private static String postgres(String script) throws Exception {
    // the referee's superuser is "referee", as long as "citadel": psql's columns line up alike
    return both.psqlPostgres(dir, script).replace("referee", UserStore.ADMIN);
  }

  /**
   * libpq's PGTZ and PGOPTIONS reach the session as PostgreSQL takes them (PGTZ, sent as the
   * TimeZone parameter, wins over a {@code -c TimeZone} in the options), and a zone that is none
   * ends the start-up with the error PostgreSQL gives.
   */
  @Test
  void aTimeZoneFromPgtzOrPgoptionsIsTheSessionsAndOneThatIsNoneEndsTheStartUp() throws Exception {
    String script =
        "SHOW TimeZone;\nSHOW application_name;\nSELECT '2024-07-01 12:00+00'::timestamptz;\n";
    List<java.util.Map<String, String>> envs =
        List.of(
            java.util.Map.of("PGOPTIONS", "-c TimeZone=Asia/Tokyo -c application_name=etl"),
            java.util.Map.of("PGTZ", "america/new_york"),
            java.util.Map.of("PGOPTIONS", "-c TimeZone=Asia/Tokyo", "PGTZ", "Europe/Lisbon"));
    for (java.util.Map<String, String> env : envs) {
      PsqlClient.Result pg = both.psqlPostgres(dir, script, env);
      PsqlClient.Result ours = both.psqlCitadel(dir, script, env);
      assertEquals(0, pg.exit(), pg.output());
      assertEquals(pg.output(), ours.output(), env.toString());
    }
    for (java.util.Map<String, String> env :
        List.of(
            java.util.Map.of("PGTZ", "Mars/Olympus_Mons"),
            java.util.Map.of("PGOPTIONS", "-c TimeZone=Mars/Olympus_Mons"))) {
      PsqlClient.Result pg = both.psqlPostgres(dir, script, env);
      PsqlClient.Result ours = both.psqlCitadel(dir, script, env);
      assertEquals(2, pg.exit(), pg.output());
      assertEquals(pg.exit(), ours.exit(), ours.output());
      assertTrue(
          pg.output()
              .contains("FATAL:  invalid value for parameter \"TimeZone\": \"Mars/Olympus_Mons\""),
          pg.output());
      assertTrue(
          ours.output()
              .contains("FATAL:  invalid value for parameter \"TimeZone\": \"Mars/Olympus_Mons\""),
          ours.output());
    }
  }

  @Test
  void describeCommandsPrintWhatPostgresPrints() throws Exception {
    StringBuilder differences = new StringBuilder();
    for (String command : SAME) {
      String expected = postgres(command + "\n");
      String actual;
      try {
        actual = citadel(command + "\n");
      } catch (AssertionError e) {
        actual = "psql failed: " + e.getMessage() + "\n";
      }
      System.out.println("psql " + command + " on Citadel:\n" + actual);
      if (!expected.equals(actual)) {
        differences
            .append("psql ")
            .append(command)
            .append("\n--- PostgreSQL\n")
            .append(expected)
            .append("--- Citadel\n")
            .append(actual);
      }
    }
    assertEquals("", differences.toString());
  }

  @Test
  void databasesAndRolesListCitadels() throws Exception {
    String databases = citadel("\\l\n");
    assertTrue(databases.contains(" citadel ") && databases.contains("UTF8"), databases);
    String roles = citadel("\\du\n");
    assertTrue(roles.contains(" citadel ") && roles.contains("Superuser"), roles);
    // PostgreSQL lists its procedural language; Citadel has no extensions
    String extensions = citadel("\\dx\n");
    assertTrue(extensions.contains("(0 rows)"), extensions);
    // a view's definition is the query as written; PostgreSQL prints its own rendering of it
    String view = citadel("\\d+ v\n");
    assertTrue(view.contains("View definition:\n SELECT id, made FROM t;"), view);
  }
}
