package io.citadel.engine.internal.referee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.engine.internal.auth.UserStore;
import io.citadel.engine.internal.pgwire.PgServer;
import io.citadel.engine.internal.sql.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgjdbc's transactions as applications use them, against Citadel and a real PostgreSQL server side
 * by side: {@code setAutoCommit(false)}, {@code rollback()}, savepoints and generated keys (INSERT
 * ... RETURNING under the driver). Both must end with the same rows. ({@code DatabaseMetaData} is
 * not here yet: pgjdbc's catalog queries need arrays and window functions.)
 */
class JdbcTransactionsTest {
  @TempDir static Path dir;
  static PostgresServer referee;
  static Engine engine;
  static PgServer server;

  private static final String[] SCHEMA = {
    "CREATE TABLE customers (id SERIAL PRIMARY KEY, name VARCHAR(40) NOT NULL, email TEXT UNIQUE,"
        + " balance NUMERIC(12,2) DEFAULT 0, joined DATE)",
    "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer INTEGER NOT NULL, total DOUBLE PRECISION,"
        + " placed TIMESTAMP, paid BOOLEAN)",
    "CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100"
  };

  @BeforeAll
  static void start() throws Exception {
    referee = PostgresServer.start();
    engine = Engine.open(dir.resolve("db"), new Engine.Options(2, 1000, 1L << 26, 1L << 20, 1000));
    server = PgServer.start(engine, PgServer.Settings.loopback(0));
    for (Connection c : List.of(referee.connect(), citadel())) {
      try (c;
          Statement s = c.createStatement()) {
        for (String ddl : SCHEMA) {
          s.execute(ddl);
        }
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (engine != null) {
      engine.close();
    }
    if (referee != null) {
      referee.close();
    }
  }

  static Connection citadel() throws Exception {
    Properties p = new Properties();
    p.setProperty("user", UserStore.ADMIN);
    p.setProperty(
        "password",
        Files.readString(dir.resolve("db").resolve(UserStore.INITIAL_PASSWORD_FILE)).strip());
    p.setProperty("socketTimeout", "60");
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + server.port() + "/citadel", p);
  }

  @Test
  void rollbackSavepointsAndGeneratedKeys() throws Exception {
    for (Connection c : List.of(referee.connect(), citadel())) {
      try (c) {
        c.setAutoCommit(false);
        try (PreparedStatement ins =
            c.prepareStatement(
                "INSERT INTO customers (name, email) VALUES (?, ?)", new String[] {"id"})) {
          ins.setString(1, "kept");
          ins.setString(2, "kept@example.com");
          assertEquals(1, ins.executeUpdate());
          try (ResultSet keys = ins.getGeneratedKeys()) {
            assertTrue(keys.next());
            assertTrue(keys.getLong(1) > 0);
          }
          Savepoint sp = c.setSavepoint("sp");
          ins.setString(1, "dropped");
          ins.setString(2, "dropped@example.com");
          ins.executeUpdate();
          c.rollback(sp);
          c.commit();
          ins.setString(1, "rolled back");
          ins.setString(2, "rb@example.com");
          ins.executeUpdate();
          c.rollback();
        }
        try (Statement s = c.createStatement();
            ResultSet r = s.executeQuery("SELECT name FROM customers ORDER BY name")) {
          List<String> names = new ArrayList<>();
          while (r.next()) {
            names.add(r.getString(1));
          }
          assertEquals(List.of("kept"), names, c.getMetaData().getURL());
        }
        c.commit();
      }
    }
  }
}
