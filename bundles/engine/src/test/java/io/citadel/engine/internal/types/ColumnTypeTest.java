package io.citadel.engine.internal.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Text in and out, assignment casts and their range checks, PostgreSQL's type metadata. */
class ColumnTypeTest {

  @Test
  void valuesRoundTripThroughTheirTextForm() {
    ColumnType money = ColumnType.decimal(12, 3);
    assertEquals(-12345678L, money.parse("-12345.678"));
    assertEquals("-12345.678", money.format(-12345678L));
    assertEquals("0.500", money.format(money.parse(".5")));
    assertEquals(19_773L, ColumnType.DATE.parse("2024-02-20"));
    assertEquals("2024-02-20", ColumnType.DATE.format(19_773L));
    Object ts = ColumnType.TIMESTAMP.parse("2024-02-20 10:11:12.345");
    assertEquals("2024-02-20 10:11:12.345", ColumnType.TIMESTAMP.format(ts));
    assertEquals("t", ColumnType.BOOLEAN.format(ColumnType.BOOLEAN.parse("yes")));
    assertEquals("f", ColumnType.BOOLEAN.format(ColumnType.BOOLEAN.parse("off")));
    assertEquals("1.5", ColumnType.DOUBLE.format(ColumnType.DOUBLE.parse("1.5")));
    assertEquals("NaN", ColumnType.DOUBLE.format(ColumnType.DOUBLE.parse("nan")));
    assertEquals(" padded ", ColumnType.TEXT.parse(" padded "));
    assertNull(ColumnType.INTEGER.format(null));
  }

  @Test
  void dateAndTimestampIgnoreAZoneOffsetAsPostgresDoes() {
    // What the JDBC driver sends for setDate / setTimestamp.
    assertEquals(ColumnType.DATE.parse("2024-02-20"), ColumnType.DATE.parse("2024-02-20 +01"));
    assertEquals(
        ColumnType.TIMESTAMP.parse("2024-02-20 10:00:00"),
        ColumnType.TIMESTAMP.parse("2024-02-20 10:00:00+05:30"));
  }

  @Test
  void badTextAndOutOfRangeValuesNameTheValueAndTheType() {
    SqlException text = assertThrows(SqlException.class, () -> ColumnType.INTEGER.parse("12x"));
    assertEquals(SqlException.INVALID_TEXT, text.sqlState());
    assertEquals("invalid input syntax for type integer: \"12x\"", text.getMessage());
    SqlException range = assertThrows(SqlException.class, () -> ColumnType.SMALLINT.parse("40000"));
    assertEquals(SqlException.NUMERIC_OUT_OF_RANGE, range.sqlState());
    assertEquals(
        SqlException.NUMERIC_OUT_OF_RANGE,
        assertThrows(SqlException.class, () -> ColumnType.decimal(4, 2).parse("123.45"))
            .sqlState());
    // as PostgreSQL: a field out of range is 22008, text that is no date at all 22007
    assertEquals(
        "22008",
        assertThrows(SqlException.class, () -> ColumnType.DATE.parse("2024-13-01")).sqlState());
    assertEquals(
        "22007",
        assertThrows(SqlException.class, () -> ColumnType.DATE.parse("yesterday-ish")).sqlState());
    assertEquals(
        SqlException.NUMERIC_OUT_OF_RANGE,
        assertThrows(SqlException.class, () -> ColumnType.BIGINT.parse("9223372036854775808"))
            .sqlState());
  }

  @Test
  void assignmentCastsCheckTheTargetRange() {
    assertEquals(7L, ColumnType.SMALLINT.assign(7L, ColumnType.BIGINT));
    assertThrows(SqlException.class, () -> ColumnType.INTEGER.assign(1L << 40, ColumnType.BIGINT));
    // 1.25 into DECIMAL(5,1) rounds half up, as PostgreSQL does.
    assertEquals(13L, ColumnType.decimal(5, 1).assign(125L, ColumnType.decimal(5, 2)));
  }

  @Test
  void postgresMetadataMatchesWhatClientsExpect() {
    assertEquals(23, ColumnType.INTEGER.pgOid());
    assertEquals(1700, ColumnType.decimal(10, 2).pgOid());
    assertEquals(((10 << 16) | 2) + 4, ColumnType.decimal(10, 2).pgTypeModifier());
    assertEquals(-1, ColumnType.TEXT.pgLength());
    assertEquals(8, ColumnType.TIMESTAMP.pgLength());
    assertEquals(ColumnType.decimal(9, 4), ColumnType.named("numeric", 9, 4));
    assertEquals(ColumnType.BIGINT, ColumnType.named("int8", 0, 0));
  }
}
