package io.citadel.engine.internal.referee;

import io.citadel.engine.internal.auth.UserStore;
import io.citadel.engine.internal.pgwire.PgServer;
import io.citadel.engine.internal.sql.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * A real PostgreSQL server and a Citadel engine with its PostgreSQL endpoint, side by side on
 * loopback, for tests that run the same clients against both and take PostgreSQL's answer as the
 * expected one. Closing stops both (the referee by PID).
 */
final class SideBySide implements AutoCloseable {
  final PostgresServer referee;
  final Engine engine;
  final PgServer server;
  private final Path data;

  private SideBySide(PostgresServer referee, Engine engine, PgServer server, Path data) {
    this.referee = referee;
    this.engine = engine;
    this.server = server;
    this.data = data;
  }

  /** Both servers, Citadel's data under {@code dir/db}, each given the same schema. */
  static SideBySide start(Path dir, String... schema) throws Exception {
    PostgresServer referee = PostgresServer.start();
    Engine engine = null;
    try {
      engine =
          Engine.open(dir.resolve("db"), new Engine.Options(2, 1000, 1L << 26, 1L << 20, 1000));
      SideBySide both =
          new SideBySide(
              referee,
              engine,
              PgServer.start(engine, PgServer.Settings.loopback(0)),
              dir.resolve("db"));
      for (Connection c : List.of(both.referee.connect(), both.citadel())) {
        try (c;
            Statement s = c.createStatement()) {
          for (String ddl : schema) {
            s.execute(ddl);
          }
        }
      }
      return both;
    } catch (Exception | Error e) {
      if (engine != null) {
        engine.close();
      }
      referee.close();
      throw e;
    }
  }

  /** The engine's superuser password, as it wrote it at first start. */
  String password() throws IOException {
    return Files.readString(data.resolve(UserStore.INITIAL_PASSWORD_FILE)).strip();
  }

  /** A pgjdbc connection to Citadel as its superuser. */
  Connection citadel() throws SQLException, IOException {
    return citadel(new Properties());
  }

  /** A pgjdbc connection to Citadel as its superuser, with more connection properties. */
  Connection citadel(Properties extra) throws SQLException, IOException {
    Properties p = new Properties();
    p.putAll(extra);
    p.setProperty("user", UserStore.ADMIN);
    p.setProperty("password", password());
    p.setProperty("socketTimeout", "60");
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + server.port() + "/citadel", p);
  }

  /** psql on a script against Citadel. */
  String psqlCitadel(Path dir, String script) throws Exception {
    return PsqlClient.run(dir, server.port(), UserStore.ADMIN, password(), "citadel", script);
  }

  /** psql on a script against Citadel with more environment, however it ends. */
  PsqlClient.Result psqlCitadel(Path dir, String script, java.util.Map<String, String> env)
      throws Exception {
    return PsqlClient.attempt(
        dir, server.port(), UserStore.ADMIN, password(), "citadel", script, env);
  }

  /** psql on a script against the referee with more environment, however it ends. */
  PsqlClient.Result psqlPostgres(Path dir, String script, java.util.Map<String, String> env)
      throws Exception {
    return PsqlClient.attempt(dir, referee.port(), "referee", null, "postgres", script, env);
  }

  /** psql on a script against the referee. */
  String psqlPostgres(Path dir, String script) throws Exception {
    return PsqlClient.run(dir, referee.port(), "referee", null, "postgres", script);
  }

  @Override
  public void close() throws Exception {
    try {
      server.close();
      engine.close();
    } finally {
      referee.close();
    }
  }
}
