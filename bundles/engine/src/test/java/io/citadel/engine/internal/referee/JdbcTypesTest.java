package io.citadel.engine.internal.referee;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgjdbc binding and reading uuid, json, jsonb, bytea, timestamptz and time as applications do
 * (setObject with a UUID, an OffsetDateTime and a LocalTime, setBytes, a json text cast with {@code
 * ?::jsonb}; binary transfer where pgjdbc picks it), against Citadel and a real PostgreSQL server:
 * the values read back, their Java classes and the column types the driver reports must be the
 * same.
 */
class JdbcTypesTest {
  @TempDir static Path dir;
  static SideBySide both;

  @BeforeAll
  static void start() throws Exception {
    both =
        SideBySide.start(
            dir,
            "CREATE TABLE typed (id UUID PRIMARY KEY, doc JSONB, raw JSON, data BYTEA,"
                + " at TIMESTAMPTZ, t TIME)",
            "CREATE TABLE tagged (id INTEGER, tags TEXT[], scores INTEGER[])",
            "CREATE TABLE amounts (id INTEGER, wide NUMERIC(38, 10), free NUMERIC, small"
                + " NUMERIC(10, 2), big BIGINT)",
            "CREATE TABLE zoned (id INTEGER, at TIMESTAMPTZ, local TIMESTAMP)");
  }

  @AfterAll
  static void stop() throws Exception {
    if (both != null) {
      both.close();
    }
  }

  /** Inserts the same rows through {@code c}, then reads them back, one line a value. */
  private static List<String> roundTrip(Connection c) throws Exception {
    List<String> out = new ArrayList<>();
    try (c) {
      // prepareThreshold=1 in effect: the second execution of each statement goes binary
      c.unwrap(org.postgresql.PGConnection.class).setPrepareThreshold(1);
      try (PreparedStatement ins =
          c.prepareStatement("INSERT INTO typed VALUES (?, ?::jsonb, ?::json, ?, ?, ?)")) {
        for (int i = 0; i < 3; i++) {
          ins.setObject(1, new UUID(0x1234_5678_9abc_def0L, i));
          ins.setString(2, "{\"n\": " + i + ", \"a\": [true, null]}");
          ins.setString(3, "{\"n\":" + i + "}");
          ins.setBytes(4, new byte[] {0, (byte) i, (byte) 0xff});
          ins.setObject(5, OffsetDateTime.of(2024, 3, 10, 14, 30, i, 0, ZoneOffset.ofHours(2)));
          ins.setObject(6, LocalTime.of(8, 5, i));
          ins.executeUpdate();
        }
      }
      try (PreparedStatement q =
          c.prepareStatement(
              "SELECT id, doc, raw, data, at, t, doc ->> 'n' AS n FROM typed WHERE id = ? OR at >"
                  + " ? ORDER BY id")) {
        for (int run = 0; run < 2; run++) {
          q.setObject(1, new UUID(0x1234_5678_9abc_def0L, 0));
          q.setObject(2, OffsetDateTime.of(2024, 3, 10, 12, 30, 1, 0, ZoneOffset.UTC));
          try (ResultSet rs = q.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            StringBuilder types = new StringBuilder("types:");
            for (int k = 1; k <= md.getColumnCount(); k++) {
              types.append(' ').append(md.getColumnTypeName(k));
            }
            out.add(types.toString());
            while (rs.next()) {
              out.add(
                  rs.getObject(1)
                      + " ("
                      + rs.getObject(1).getClass().getSimpleName()
                      + ") | "
                      + rs.getString(2)
                      + " | "
                      + rs.getString(3)
                      + " | "
                      + Arrays.toString(rs.getBytes(4))
                      + " | "
                      + rs.getObject(5, OffsetDateTime.class)
                      + " | "
                      + rs.getObject(6, LocalTime.class)
                      + " | "
                      + rs.getString(7));
            }
          }
        }
      }
    }
    return out;
  }

  /** Arrays bound with createArrayOf and read with getArray, as JDBC applications use them. */
  private static List<String> arrays(Connection c) throws Exception {
    List<String> out = new ArrayList<>();
    try (c) {
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO tagged VALUES (?, ?, ?)")) {
        ins.setInt(1, 1);
        ins.setArray(2, c.createArrayOf("text", new Object[] {"a", "b c", null, "d\"e"}));
        ins.setArray(3, c.createArrayOf("int4", new Object[] {3, 1, 2}));
        ins.executeUpdate();
      }
      try (PreparedStatement q =
          c.prepareStatement("SELECT tags, scores FROM tagged WHERE ? = ANY(tags)")) {
        q.setString(1, "b c");
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            out.add(
                rs.getMetaData().getColumnTypeName(1)
                    + " "
                    + rs.getMetaData().getColumnTypeName(2));
            out.add(Arrays.toString((Object[]) rs.getArray(1).getArray()));
            out.add(Arrays.toString((Object[]) rs.getArray(2).getArray()));
            out.add(rs.getString(1) + " " + rs.getString(2));
          }
        }
      }
    }
    return out;
  }

  /**
   * Numerics bound with setBigDecimal and read with getBigDecimal (text, then binary after the
   * prepare threshold), with the precision and scale the driver reports, and the sums and averages
   * that PostgreSQL computes as numerics.
   */
  private static List<String> numerics(Connection c) throws Exception {
    List<String> out = new ArrayList<>();
    try (c) {
      c.unwrap(org.postgresql.PGConnection.class).setPrepareThreshold(1);
      try (PreparedStatement ins =
          c.prepareStatement("INSERT INTO amounts VALUES (?, ?, ?, ?, ?)")) {
        String[][] rows = {
          {"1", "12345678901234567890123456.0123456789", "3.14159", "10.5", "9223372036854775807"},
          {"2", "-0.0000000001", "1.50", "-7.25", "9223372036854775807"},
          {"3", "9999999999999999999999999999.99", "0", "0.01", "-3"}
        };
        for (String[] r : rows) {
          ins.setInt(1, Integer.parseInt(r[0]));
          for (int k = 1; k < 4; k++) {
            ins.setBigDecimal(k + 1, new java.math.BigDecimal(r[k]));
          }
          ins.setLong(5, Long.parseLong(r[4]));
          ins.executeUpdate();
        }
      }
      try (PreparedStatement q =
          c.prepareStatement(
              "SELECT wide, free, small, wide * 2, free / 3, sum(big) OVER (), avg(small) OVER ()"
                  + " FROM amounts WHERE free >= ? ORDER BY id")) {
        for (int run = 0; run < 2; run++) {
          q.setBigDecimal(1, new java.math.BigDecimal("0.00"));
          try (ResultSet rs = q.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            StringBuilder types = new StringBuilder("types:");
            for (int k = 1; k <= md.getColumnCount(); k++) {
              types.append(' ').append(md.getColumnTypeName(k));
              types.append('(').append(md.getPrecision(k)).append(',');
              types.append(md.getScale(k)).append(')');
            }
            out.add(types.toString());
            while (rs.next()) {
              StringBuilder row = new StringBuilder();
              for (int k = 1; k <= md.getColumnCount(); k++) {
                row.append(rs.getBigDecimal(k)).append(" | ");
              }
              out.add(row.toString());
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * A session in a time zone other than UTC, as SET TIME ZONE gives it: the TimeZone the driver is
   * told of, timestamptz text bound without an offset (read in the zone), OffsetDateTime and
   * LocalDateTime bound, and values read back as text, as OffsetDateTime and through the zone's
   * local fields; then a second session in another zone reads the same rows.
   */
  private static List<String> zoned(Connection c, Connection other) throws Exception {
    List<String> out = new ArrayList<>();
    try (c;
        other) {
      c.unwrap(org.postgresql.PGConnection.class).setPrepareThreshold(1);
      try (java.sql.Statement s = c.createStatement()) {
        s.execute("SET TIME ZONE 'America/New_York'");
      }
      out.add(
          "zone: " + c.unwrap(org.postgresql.PGConnection.class).getParameterStatus("TimeZone"));
      try (PreparedStatement ins =
          c.prepareStatement("INSERT INTO zoned VALUES (?, ?::timestamptz, ?)")) {
        for (int i = 0; i < 3; i++) {
          ins.setInt(1, i);
          ins.setString(2, String.format("2024-%02d-01 12:00:0%d", 1 + 5 * i, i));
          ins.setObject(3, java.time.LocalDateTime.of(2024, 3, 10, 2, 30 + i));
          ins.executeUpdate();
        }
      }
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO zoned VALUES (?, ?, ?)")) {
        ins.setInt(1, 3);
        ins.setObject(2, OffsetDateTime.of(2024, 11, 3, 5, 30, 0, 0, ZoneOffset.UTC));
        ins.setObject(3, java.time.LocalDateTime.of(2024, 11, 3, 1, 30));
        ins.executeUpdate();
      }
      String sql =
          "SELECT id, at, at::text, local::timestamptz, date_trunc('day', at), extract(hour FROM"
              + " at), to_char(at, 'YYYY-MM-DD HH24:MI') FROM zoned WHERE at >= ?::timestamptz ORDER BY id";
      for (Connection conn : List.of(c, other)) {
        if (conn == other) {
          try (java.sql.Statement s = other.createStatement()) {
            s.execute("SET TimeZone = 'Asia/Kolkata'");
          }
          out.add(
              "zone: "
                  + other.unwrap(org.postgresql.PGConnection.class).getParameterStatus("TimeZone"));
        }
        try (PreparedStatement q = conn.prepareStatement(sql)) {
          for (int run = 0; run < 2; run++) {
            q.setString(1, "2024-01-01 12:00:00-05");
            try (ResultSet rs = q.executeQuery()) {
              while (rs.next()) {
                out.add(
                    rs.getInt(1)
                        + " | "
                        + rs.getObject(2, OffsetDateTime.class).toInstant()
                        + " | "
                        + rs.getString(3)
                        + " | "
                        + rs.getString(4)
                        + " | "
                        + rs.getString(5)
                        + " | "
                        + rs.getBigDecimal(6).stripTrailingZeros().toPlainString()
                        + " | "
                        + rs.getString(7));
              }
            }
          }
        }
      }
    }
    return out;
  }

  @Test
  void sessionsInOtherTimeZonesReadAndShowTimestamptzAsPostgresDoes() throws Exception {
    List<String> want = zoned(both.referee.connect(), both.referee.connect());
    assertEquals(18, want.size(), String.join("\n", want));
    assertEquals(String.join("\n", want), String.join("\n", zoned(both.citadel(), both.citadel())));
  }

  /** What a session started with {@code options} shows, and how RESET goes back to it. */
  private static List<String> startedWithOptions(Connection c) throws Exception {
    List<String> out = new ArrayList<>();
    try (c;
        java.sql.Statement s = c.createStatement()) {
      for (String q :
          List.of(
              "SHOW TimeZone",
              "SHOW application_name",
              "SELECT '2024-07-01 12:00+00'::timestamptz::text",
              "SET TIME ZONE 'UTC'",
              "RESET TimeZone",
              "SHOW TimeZone")) {
        if (s.execute(q)) {
          try (ResultSet rs = s.getResultSet()) {
            rs.next();
            out.add(q + " -> " + rs.getString(1));
          }
        }
      }
    }
    return out;
  }

  @Test
  void startUpOptionsSetTheSessionAndResetGoesBackToThem() throws Exception {
    java.util.Properties opts = new java.util.Properties();
    opts.setProperty("options", "-c TimeZone=Asia/Tokyo --application-name=opt\\ app");
    List<String> want = startedWithOptions(both.referee.connect(opts));
    assertEquals(4, want.size(), String.join("\n", want));
    assertEquals(
        String.join("\n", want), String.join("\n", startedWithOptions(both.citadel(opts))));
  }

  @Test
  void numericsBoundAndReadAreWhatPostgresGives() throws Exception {
    List<String> want = numerics(both.referee.connect());
    assertEquals(8, want.size(), String.join("\n", want));
    assertEquals(String.join("\n", want), String.join("\n", numerics(both.citadel())));
  }

  @Test
  void arraysBoundAndReadAreWhatPostgresGives() throws Exception {
    List<String> want = arrays(both.referee.connect());
    assertEquals(4, want.size(), String.join("\n", want));
    assertEquals(String.join("\n", want), String.join("\n", arrays(both.citadel())));
  }

  @Test
  void valuesBoundAndReadAreWhatPostgresGives() throws Exception {
    List<String> want = roundTrip(both.referee.connect());
    // the key's row and the one after 12:30:01 UTC, twice, each after the column types
    assertEquals(6, want.size(), String.join("\n", want));
    List<String> got = roundTrip(both.citadel());
    System.out.println(String.join("\n", got));
    assertEquals(String.join("\n", want), String.join("\n", got));
  }
}
