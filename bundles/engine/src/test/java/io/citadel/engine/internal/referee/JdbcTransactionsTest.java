package io.citadel.engine.internal.referee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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
  static SideBySide both;

  private static final String[] SCHEMA = {
    "CREATE TABLE customers (id SERIAL PRIMARY KEY, name VARCHAR(40) NOT NULL, email TEXT UNIQUE,"
        + " balance NUMERIC(12,2) DEFAULT 0, joined DATE)",
    "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer INTEGER NOT NULL, total DOUBLE PRECISION,"
        + " placed TIMESTAMP, paid BOOLEAN)",
    "CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100"
  };

  @BeforeAll
  static void start() throws Exception {
    both = SideBySide.start(dir, SCHEMA);
  }

  @AfterAll
  static void stop() throws Exception {
    if (both != null) {
      both.close();
    }
  }

  @Test
  void rollbackSavepointsAndGeneratedKeys() throws Exception {
    for (Connection c : List.of(both.referee.connect(), both.citadel())) {
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
