package io.citadel.engine.internal.referee;

import static org.junit.jupiter.api.Assertions.fail;

import io.citadel.engine.internal.auth.UserStore;
import io.citadel.engine.internal.pgwire.PgServer;
import io.citadel.engine.internal.sql.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential SQL suite: every script under {@code src/test/resources/differential} runs
 * statement by statement on Citadel (its PostgreSQL endpoint, through pgjdbc) and on a real
 * PostgreSQL server, each script on a new database of each; the answers and SQLSTATEs must match
 * (see {@link Answer}). A difference is either fixed or listed, with its reason, in {@code
 * accepted-differences.txt}; an entry that no longer differs fails the suite too, so the list stays
 * true. The report of every statement goes to {@code target/differential-report.txt}.
 */
class DifferentialSqlTest {
  private static final String ROOT = "differential/";

  @TempDir static Path dir;
  static PostgresServer referee;
  static final Map<String, String> accepted = new LinkedHashMap<>();
  static final Set<String> acceptedSeen = new HashSet<>();
  static int same;
  static int acceptedDiffs;
  static int different;
  static final StringBuilder report = new StringBuilder();

  @BeforeAll
  static void start() throws Exception {
    referee = PostgresServer.start();
    accepted.putAll(readAccepted(resource(ROOT + "accepted-differences.txt")));
  }

  @AfterAll
  static void stop() throws Exception {
    if (referee != null) {
      referee.close();
    }
    String summary =
        String.format(
            "differential SQL suite: %d statements, %d same as PostgreSQL, %d accepted differences,"
                + " %d different",
            same + acceptedDiffs + different, same, acceptedDiffs, different);
    System.out.println(summary);
    Path out = Path.of("target", "differential-report.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, summary + "\n\n" + report);
  }

  @TestFactory
  Stream<DynamicTest> scripts() throws IOException {
    List<String> names = new ArrayList<>();
    for (String line : resource(ROOT + "index.txt").split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        names.add(line.strip());
      }
    }
    // -Ddifferential.only=16-types.sql,03-text.sql runs those scripts alone, while working on them
    String only = System.getProperty("differential.only", "").strip();
    if (!only.isEmpty()) {
      names.retainAll(List.of(only.split("\\s*,\\s*")));
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (String name : names) {
      tests.add(DynamicTest.dynamicTest(name, () -> runScript(name)));
    }
    if (only.isEmpty()) {
      tests.add(DynamicTest.dynamicTest("accepted differences still differ", this::noStaleEntries));
    }
    return tests.stream();
  }

  private void noStaleEntries() {
    List<String> stale = new ArrayList<>();
    for (String sql : accepted.keySet()) {
      if (!acceptedSeen.contains(sql)) {
        stale.add(sql);
      }
    }
    if (!stale.isEmpty()) {
      fail(
          "accepted-differences.txt lists statements that now answer as PostgreSQL does, or that"
              + " no script runs; remove them:\n  "
              + String.join("\n  ", stale));
    }
  }

  private void runScript(String name) throws Exception {
    Script script = Script.parse(name, resource(ROOT + name));
    String db = "d_" + name.replaceAll("[^A-Za-z0-9]", "_").toLowerCase();
    try (Connection admin = referee.connect();
        Statement s = admin.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + db);
      s.execute("CREATE DATABASE " + db + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C'");
    }
    Path data = dir.resolve(db);
    List<String> failures = new ArrayList<>();
    try (Engine engine = Engine.open(data, new Engine.Options(2, 1000, 1L << 27, 1L << 20, 1000));
        PgServer server = PgServer.start(engine, PgServer.Settings.loopback(0));
        Connection pg = refereeConnection(db)) {
      Connection citadel = citadelConnection(server.port(), data);
      report.append("=== ").append(name).append('\n');
      for (Script.Statement st : script.statements()) {
        Answer want = Answer.of(pg, st.sql());
        Answer got = Answer.of(citadel, st.sql());
        String where = name + ":" + st.line();
        if (citadel.isClosed() || !citadel.isValid(10)) {
          // A statement that ends the session is a difference however it answered; the script
          // goes on in a new session so one such statement does not hide the rest.
          failures.add(where + "  " + st.key() + "\n    Citadel ended the session\n");
          different++;
          report.append("DIFFERS  ").append(where).append("  session ended  ").append(st.key());
          report.append('\n');
          citadel.close();
          citadel = citadelConnection(server.port(), data);
          continue;
        }
        if (want.sameAs(got)) {
          same++;
          if (accepted.containsKey(st.key())) {
            // It answers right now: leaving it unseen makes the stale-entry check name it.
            report.append("FIXED    ").append(where).append("  ").append(st.key()).append('\n');
          } else {
            report.append("same     ").append(where).append("  ").append(st.key()).append('\n');
          }
          continue;
        }
        String detail =
            where
                + "  "
                + st.key()
                + "\n    PostgreSQL: "
                + want
                + "\n    Citadel:    "
                + got
                + "\n";
        if (accepted.containsKey(st.key())) {
          acceptedDiffs++;
          acceptedSeen.add(st.key());
          report.append("ACCEPTED ").append(detail);
        } else {
          different++;
          report.append("DIFFERS  ").append(detail);
          failures.add(detail);
        }
      }
      citadel.close();
    }
    if (!failures.isEmpty()) {
      fail(
          failures.size()
              + " statements answer differently from PostgreSQL:\n"
              + String.join("", failures));
    }
  }

  private static Connection refereeConnection(String db) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "referee");
    p.setProperty("connectTimeout", "10");
    p.setProperty("socketTimeout", "60");
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + referee.port() + "/" + db, p);
  }

  private static Connection citadelConnection(int port, Path data) throws Exception {
    Properties p = new Properties();
    p.setProperty("user", UserStore.ADMIN);
    p.setProperty(
        "password", Files.readString(data.resolve(UserStore.INITIAL_PASSWORD_FILE)).strip());
    p.setProperty("connectTimeout", "10");
    p.setProperty("socketTimeout", "60");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/citadel", p);
  }

  /**
   * The accepted differences: blocks of a {@code sql:} line (the statement, white space as one
   * space) and a {@code why:} line; {@code #} lines are comments.
   */
  static Map<String, String> readAccepted(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    String sql = null;
    for (String line : text.split("\n")) {
      if (line.startsWith("sql:")) {
        sql = line.substring(4).strip().replaceAll("\\s+", " ");
      } else if (line.startsWith("why:")) {
        if (sql == null) {
          throw new IllegalArgumentException(
              "accepted-differences.txt: a why: with no sql: before it");
        }
        out.put(sql, line.substring(4).strip());
        sql = null;
      }
    }
    return out;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = DifferentialSqlTest.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("no test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
