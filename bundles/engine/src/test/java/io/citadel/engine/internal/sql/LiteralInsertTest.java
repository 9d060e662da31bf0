package io.citadel.engine.internal.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.citadel.engine.internal.types.SqlException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * INSERT ... VALUES of literals goes around the planner; it must store exactly what the planner's
 * path stores (INSERT ... SELECT * FROM (VALUES ...) takes that path), fail the same way, and hand
 * anything that is not plain literals to the planner.
 */
class LiteralInsertTest {
  @TempDir Path dir;
  Engine engine;
  Session s;

  private static final String COLUMNS =
      "(i INTEGER, b BIGINT, s SMALLINT, d DOUBLE, f FLOAT, m DECIMAL(10,2), t TEXT, ok BOOLEAN)";

  @BeforeEach
  void open() throws Exception {
    engine = Engine.open(dir.resolve("db"), new Engine.Options(2, 1000, 1L << 26, 1L << 20, 3));
    s = engine.openSession("citadel");
    s.execute("CREATE TABLE fast " + COLUMNS);
    s.execute("CREATE TABLE planned " + COLUMNS);
  }

  @AfterEach
  void close() throws Exception {
    s.close();
    engine.close();
  }

  private String rows(String table) {
    return s.execute("SELECT * FROM " + table + " ORDER BY i, t").rowsText().stream()
        .map(Arrays::toString)
        .collect(Collectors.joining("\n"));
  }

  @Test
  void storesWhatThePlannerStores() {
    List<String> values =
        List.of(
            "(1, 9000000000, -7, 0.5, 1.25, 12.345, 'it''s', TRUE)",
            "(2, -1, 0, -3, 2, 7, '', FALSE)",
            "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
            "(4, 2, 3, 1.0000000001, 0.1, -0.005, 'x y', true)",
            "(5, 0, 1, 12345678.5, -0.0, 99999999.99, '\u00fc\u20ac \u65e5\u672c', false)",
            "(6, 7, 8, 5.0E8, 1e-3, 2.5E2, 'e', true)",
            "(7, 1E3, 2.5e1, -1.5E-7, 3E+2, 1e0, 'E1', false)");
    // row by row: a multi-row VALUES gives each column one type for all its rows on the planner's
    // path (a DOUBLE when one row has 1e0), which the literals themselves do not have
    for (String row : values) {
      assertEquals("INSERT 0 1", s.execute("INSERT INTO fast VALUES " + row).tag());
      s.execute("INSERT INTO planned SELECT * FROM (VALUES " + row + ")");
    }
    assertEquals(rows("planned"), rows("fast"));
    s.execute("CREATE TABLE many " + COLUMNS);
    assertEquals(
        "INSERT 0 7", s.execute("INSERT INTO many VALUES " + String.join(", ", values)).tag());
    assertEquals(rows("fast"), rows("many"));
    assertEquals(7, rows("fast").lines().count());
    // text beyond Latin-1 in the planner's literals, too
    assertEquals(
        "\u00fc\u20ac \u65e5\u672c!",
        s.execute("SELECT t || '!' FROM fast WHERE t LIKE '%\u65e5%'").rowsText().get(0)[0]);
  }

  @Test
  void aColumnListLeavesTheOthersNull() {
    s.execute("INSERT INTO fast (t, i) VALUES ('a', 1), ('b', 2);");
    s.execute("INSERT INTO planned (t, i) SELECT * FROM (VALUES ('a', 1), ('b', 2))");
    assertEquals(rows("planned"), rows("fast"));
    assertEquals(
        "[1, null, null, null, null, null, a, null]", rows("fast").lines().findFirst().get());
  }

  @Test
  void stringsAreParsedAsTheColumnsType() {
    s.execute("CREATE TABLE typed (d DATE, ts TIMESTAMP, n INTEGER)");
    s.execute("INSERT INTO typed VALUES ('2024-02-29', '2024-02-29 12:34:56', ' 42 ')");
    assertEquals(
        "[2024-02-29, 2024-02-29 12:34:56, 42]",
        Arrays.toString(s.execute("SELECT * FROM typed").rowsText().get(0)));
  }

  @Test
  void failuresNameWhatWasWrongAndStoreNothing() {
    s.execute("CREATE TABLE strict (a INTEGER NOT NULL, b SMALLINT)");
    assertState("23502", "INSERT INTO strict VALUES (1, 1), (NULL, 2)");
    assertState("22003", "INSERT INTO strict VALUES (1, 40000)");
    assertState("22003", "INSERT INTO strict VALUES (3000000000, 1)");
    assertState("22P02", "INSERT INTO strict VALUES ('one', 1)");
    // not literals, or not this table's shape: the planner says what is wrong
    assertState("22012", "INSERT INTO strict VALUES (1 / 0, 1)");
    assertState("42P01", "INSERT INTO nowhere VALUES (1, 1)");
    assertThrows(SqlException.class, () -> s.execute("INSERT INTO strict VALUES (1, 2, 3)"));
    assertThrows(SqlException.class, () -> s.execute("INSERT INTO strict (a, nope) VALUES (1, 2)"));
    assertEquals("0", s.execute("SELECT COUNT(*) FROM strict").rowsText().get(0)[0]);
    // expressions still work, through the planner
    s.execute("INSERT INTO strict VALUES (1 + 1, CAST('5' AS SMALLINT)), (-3, 4)");
    assertEquals("[-3, 4]\n[2, 5]", orderedRows("strict"));
  }

  private String orderedRows(String table) {
    return s.execute("SELECT * FROM " + table + " ORDER BY a").rowsText().stream()
        .map(Arrays::toString)
        .collect(Collectors.joining("\n"));
  }

  private void assertState(String state, String sql) {
    SqlException e = assertThrows(SqlException.class, () -> s.execute(sql), sql);
    assertEquals(state, e.sqlState(), sql + ": " + e.getMessage());
  }
}
