package io.citadel.engine.internal.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.engine.internal.storage.Store;
import io.citadel.engine.internal.types.SqlException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client's write goes past its volume's quota only if the fileserver's guard admits it; a refused
 * write changes nothing, and statements that free space are never judged. The fragments' sizes the
 * fileserver reports follow the data.
 */
class SpaceGuardTest {
  @TempDir Path dir;
  Engine engine;
  Session s;
  final List<Long> asked = new ArrayList<>();
  volatile long room = Long.MAX_VALUE;

  @BeforeEach
  void open() throws Exception {
    engine = Engine.open(dir.resolve("db"), new Engine.Options(2, 1000, 1L << 26, 1L << 30, 3));
    engine.setSpaceGuard(
        bytes -> {
          asked.add(bytes);
          if (bytes > room) {
            throw new SqlException(SqlException.DISK_FULL, "volume v is at its quota");
          }
        });
    s = engine.openSession("citadel");
  }

  @AfterEach
  void close() throws Exception {
    s.close();
    engine.close();
  }

  @Test
  void aWriteTheGuardRefusesChangesNothingAndDeletesAlwaysRun() throws Exception {
    s.execute("CREATE TABLE t (id INTEGER, note TEXT)");
    s.execute("INSERT INTO t VALUES (1, 'one'), (2, 'two')");
    room = 0;
    SqlException e =
        assertThrows(SqlException.class, () -> s.execute("INSERT INTO t VALUES (3, 'x')"));
    assertEquals(SqlException.DISK_FULL, e.sqlState());
    assertThrows(SqlException.class, () -> s.execute("UPDATE t SET note = 'changed'"));
    Path csv = Files.writeString(dir.resolve("more.csv"), "4,four\n5,five\n");
    assertThrows(SqlException.class, () -> s.execute("COPY t FROM '" + csv + "'"));
    assertEquals("[[1, one], [2, two]]", rows());
    asked.clear();
    s.execute("DELETE FROM t WHERE id = 2");
    assertTrue(asked.isEmpty(), "a DELETE is not judged");
    assertEquals("[[1, one]]", rows());
    room = Long.MAX_VALUE;
    s.execute("COPY t FROM '" + csv + "'");
    assertEquals(Files.size(csv), asked.get(asked.size() - 1), "a COPY is judged by its file");
    assertEquals("[[1, one], [4, four], [5, five]]", rows());
  }

  @Test
  void growthIsTheTextTheFileOrNothing() {
    assertEquals(-1, Session.growth(io.citadel.engine.api.SqlStatement.of("DROP TABLE t")));
    assertEquals(-1, Session.growth(io.citadel.engine.api.SqlStatement.of("  delete from t;")));
    assertEquals(-1, Session.growth(io.citadel.engine.api.SqlStatement.of("TRUNCATE t")));
    assertEquals(
        0, Session.growth(io.citadel.engine.api.SqlStatement.of("CREATE TABLE t (i INTEGER)")));
    assertEquals(
        "INSERT INTO t VALUES (1)".length(),
        Session.growth(io.citadel.engine.api.SqlStatement.of("INSERT INTO t VALUES (1)")));
    assertEquals(
        0,
        Session.growth(io.citadel.engine.api.SqlStatement.of("COPY t FROM '/no/such/file.csv'")));
  }

  @Test
  void fragmentSizesFollowTheDataInMemoryAndOnDisk() throws Exception {
    s.execute("CREATE TABLE f (id BIGINT, note TEXT) WITH (fragment_size = 1000)");
    s.execute("CREATE TABLE empty (id BIGINT)");
    Map<String, Long> before = sizes();
    assertEquals(
        Map.of("empty/0", 0L, "f/0", 0L),
        before.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, x -> 0L)));
    StringBuilder insert = new StringBuilder("INSERT INTO f VALUES ");
    for (int i = 0; i < 2500; i++) {
      insert
          .append(i == 0 ? "" : ",")
          .append("(")
          .append(i)
          .append(", 'note ")
          .append(i)
          .append("')");
    }
    s.execute(insert.toString());
    Map<String, Long> grown = sizes();
    assertEquals(
        List.of("empty/0", "f/0", "f/1", "f/2"), grown.keySet().stream().sorted().toList());
    assertTrue(grown.get("f/0") > 8_000, "1000 BIGINTs and their codes: " + grown);
    engine.store().checkpoint();
    Map<String, Long> written = sizes();
    assertEquals(grown.keySet(), written.keySet());
    assertTrue(written.get("f/1") > 0, "a written fragment counts its file: " + written);
    s.execute("DROP TABLE f");
    assertEquals(List.of("empty/0"), List.copyOf(sizes().keySet()));
  }

  private Map<String, Long> sizes() {
    return engine.store().fragmentBytes().stream()
        .collect(
            Collectors.toMap(
                (Store.FragmentBytes f) -> f.table() + "/" + f.fragment(),
                Store.FragmentBytes::bytes,
                Long::sum,
                java.util.TreeMap::new));
  }

  private String rows() {
    return s.execute("SELECT id, note FROM t ORDER BY id").rowsText().stream()
        .map(java.util.Arrays::toString)
        .toList()
        .toString();
  }
}
