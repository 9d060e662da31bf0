package io.citadel.engine.internal.referee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgjdbc's {@code DatabaseMetaData}, as DBeaver and DataGrip call it to show a schema, against
 * Citadel and a real PostgreSQL server holding the same tables: the rows (the columns tools
 * display) must be the same: schemas, tables, columns, primary keys and indexes (pgjdbc reads those
 * with set-returning functions over pg_index.indkey), and the types getTypeInfo lists.
 */
class JdbcMetaDataTest {
  @TempDir static Path dir;
  static SideBySide both;

  private static final String[] SCHEMA = {
    "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer INTEGER NOT NULL, total NUMERIC(12,2),"
        + " placed DATE, note VARCHAR(80), paid BOOLEAN DEFAULT false, qty SMALLINT DEFAULT 1)",
    "CREATE TABLE \"Mixed\" (k INTEGER, d DOUBLE PRECISION, t TIMESTAMP, s TEXT NOT NULL)",
    "CREATE TABLE pair (a INTEGER, b TEXT, c INTEGER UNIQUE, PRIMARY KEY (b, a))",
    "CREATE INDEX pair_c_a ON pair (c, a)",
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

  interface Call {
    ResultSet run(DatabaseMetaData m) throws Exception;
  }

  /** The named columns of every row the call answers, one line a row. */
  private static List<String> rows(Connection c, Call call, String... columns) throws Exception {
    List<String> out = new ArrayList<>();
    try (c;
        ResultSet rs = call.run(c.getMetaData())) {
      while (rs.next()) {
        StringBuilder line = new StringBuilder();
        for (String col : columns) {
          line.append(col).append('=').append(rs.getString(col)).append(' ');
        }
        out.add(line.toString().strip());
      }
    }
    return out;
  }

  private static void same(Call call, String... columns) throws Exception {
    List<String> expected = rows(both.referee.connect(), call, columns);
    List<String> actual = rows(both.citadel(), call, columns);
    assertFalse(expected.isEmpty(), "PostgreSQL answered no rows");
    assertEquals(String.join("\n", expected), String.join("\n", actual));
  }

  @Test
  void schemasTablesAndColumnsAreWhatPostgresAnswers() throws Exception {
    same(DatabaseMetaData::getSchemas, "TABLE_SCHEM");
    same(
        m -> m.getTables(null, "public", "%", new String[] {"TABLE", "VIEW"}),
        "TABLE_SCHEM",
        "TABLE_NAME",
        "TABLE_TYPE");
    same(
        m -> m.getColumns(null, "public", "%", "%"),
        "TABLE_NAME",
        "COLUMN_NAME",
        "DATA_TYPE",
        "TYPE_NAME",
        "COLUMN_SIZE",
        "DECIMAL_DIGITS",
        "NULLABLE",
        "COLUMN_DEF",
        "ORDINAL_POSITION",
        "IS_NULLABLE",
        "IS_AUTOINCREMENT");
    same(m -> m.getColumns(null, "public", "Mixed", "s"), "COLUMN_NAME", "TYPE_NAME");
  }

  @Test
  void keysAndIndexesAreWhatPostgresAnswers() throws Exception {
    same(
        m -> m.getPrimaryKeys(null, "public", "orders"),
        "TABLE_SCHEM",
        "TABLE_NAME",
        "COLUMN_NAME",
        "KEY_SEQ",
        "PK_NAME");
    same(
        m -> m.getPrimaryKeys(null, "public", "pair"),
        "TABLE_NAME",
        "COLUMN_NAME",
        "KEY_SEQ",
        "PK_NAME");
    same(
        m -> m.getIndexInfo(null, "public", "orders", false, false),
        "TABLE_NAME",
        "NON_UNIQUE",
        "INDEX_NAME",
        "TYPE",
        "ORDINAL_POSITION",
        "COLUMN_NAME",
        "ASC_OR_DESC");
    same(
        m -> m.getIndexInfo(null, "public", "pair", true, false),
        "NON_UNIQUE",
        "INDEX_NAME",
        "ORDINAL_POSITION",
        "COLUMN_NAME");
  }

  @Test
  void typeInfoNamesTheTypesPostgresNames() throws Exception {
    List<String> expected =
        rows(both.referee.connect(), DatabaseMetaData::getTypeInfo, "TYPE_NAME", "DATA_TYPE");
    List<String> actual =
        rows(both.citadel(), DatabaseMetaData::getTypeInfo, "TYPE_NAME", "DATA_TYPE");
    for (String type :
        List.of(
            "int4", "int8", "numeric", "text", "varchar", "bool", "date", "timestamp", "float8")) {
      String line =
          expected.stream()
              .filter(l -> l.startsWith("TYPE_NAME=" + type + " "))
              .findFirst()
              .orElseThrow();
      assertTrue(actual.contains(line), "getTypeInfo lacks " + line + ": " + actual);
    }
  }
}
