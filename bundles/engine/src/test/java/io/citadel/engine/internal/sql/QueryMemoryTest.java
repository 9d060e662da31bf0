package io.citadel.engine.internal.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.engine.internal.exec.Batch;
import io.citadel.engine.internal.exec.QueryMemory;
import io.citadel.engine.internal.types.SqlException;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each query runs under its memory limit: a result larger than the limit still streams out (only
 * one round of morsels is held), while a GROUP BY or ORDER BY that would hold more fails with 53200
 * naming the limit, and the session and the engine go on. The limit changes while the engine runs.
 */
class QueryMemoryTest {
  private static final int ROWS = 400_000;
  private static final long LIMIT = 4L << 20;
  private static final Engine.Options OPTIONS =
      new Engine.Options(2, 1_000_000, 1L << 26, 1L << 20, 10)
          .withQueryMemory(LIMIT, "the test's limit");

  @TempDir static Path dir;
  static Engine engine;
  static Session s;

  @BeforeAll
  static void load() throws Exception {
    engine = Engine.open(dir.resolve("db"), OPTIONS);
    s = engine.openSession("t");
    s.execute("CREATE TABLE wide (id BIGINT, g BIGINT, label TEXT)");
    Path csv = dir.resolve("wide.csv");
    try (BufferedWriter w = Files.newBufferedWriter(csv)) {
      for (int i = 0; i < ROWS; i++) {
        w.write(i + "," + (i % 1000) + ",label" + (i % 50) + "\n");
      }
    }
    assertEquals("COPY " + ROWS, s.execute("COPY wide FROM '" + csv + "'").tag());
  }

  @AfterAll
  static void close() throws Exception {
    s.close();
    engine.close();
  }

  @Test
  void aResultLargerThanTheLimitStreamsThrough() {
    long bytes = 0;
    long rows = 0;
    long sum = 0;
    try (QueryResult r = s.execute("SELECT id, g, label FROM wide")) {
      for (Batch b = r.next(); b != null; b = r.next()) {
        bytes += QueryMemory.bytes(b);
        rows += b.size;
        for (int i = 0; i < b.size; i++) sum += (Long) b.cols[0].get(i);
      }
      assertEquals("SELECT " + ROWS, r.tag());
    }
    assertEquals(ROWS, rows);
    assertEquals((long) ROWS * (ROWS - 1) / 2, sum);
    assertTrue(bytes > LIMIT, "the whole result (" + bytes + " bytes) is larger than the limit");
  }

  @Test
  void aGroupByPastTheLimitFailsWith53200AndTheSessionGoesOn() {
    SqlException e =
        assertThrows(
            SqlException.class,
            () -> s.execute("SELECT id, g, count(*) FROM wide GROUP BY id, g").batches());
    assertEquals("53200", e.sqlState());
    assertTrue(e.getMessage().contains("4.0 MB (the test's limit)"), e.getMessage());
    assertTrue(e.getMessage().contains("GROUP BY"), e.getMessage());
    assertEquals(1000L, s.execute("SELECT count(DISTINCT g) FROM wide").rowsBoxed().get(0)[0]);
  }

  @Test
  void anOrderByPastTheLimitFailsAndTheLimitChangesLive() {
    String sql = "SELECT id FROM wide ORDER BY g DESC, id";
    SqlException e = assertThrows(SqlException.class, () -> s.execute(sql).batches());
    assertEquals("53200", e.sqlState());
    assertTrue(e.getMessage().contains("ORDER BY"), e.getMessage());
    engine.reconfigure(OPTIONS.withQueryMemory(256L << 20, "a larger limit"));
    try {
      assertEquals(999L, s.execute(sql).rowsBoxed().get(0)[0]);
    } finally {
      engine.reconfigure(OPTIONS);
    }
    assertEquals("53200", assertThrows(SqlException.class, () -> s.execute(sql)).sqlState());
  }

  @Test
  void aCursorWalksALargeResultAndEndsWithItsTransaction() {
    try (Session c = engine.openSession("t")) {
      assertEquals(
          "25P01",
          assertThrows(SqlException.class, () -> c.execute("DECLARE big CURSOR FOR TABLE wide"))
              .sqlState());
      c.execute("BEGIN");
      c.execute("DECLARE big NO SCROLL CURSOR FOR SELECT id FROM wide");
      long seen = 0;
      while (true) {
        QueryResult r = c.execute("FETCH FORWARD 50000 FROM big");
        long n = r.rowCount();
        assertEquals("FETCH " + n, r.tag());
        if (n == 0) {
          break;
        }
        seen += n;
      }
      assertEquals(ROWS, seen);
      c.execute("COMMIT");
      assertEquals(
          "34000", assertThrows(SqlException.class, () -> c.execute("FETCH big")).sqlState());
      assertEquals(1, c.execute("SELECT 1").rowCount());
    }
  }
}
