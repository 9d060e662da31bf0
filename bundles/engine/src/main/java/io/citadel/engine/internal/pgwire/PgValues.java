package io.citadel.engine.internal.pgwire;

import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Values on the wire: result values in PostgreSQL's binary formats, and bound parameters (text or
 * binary) turned into SQL literals that the planner reads like any other constant.
 */
final class PgValues {
  static final int UNSPECIFIED = 0;
  static final int BOOL = 16;
  static final int BYTEA = 17;
  static final int NAME = 19;
  static final int INT8 = 20;
  static final int INT2 = 21;
  static final int INT4 = 23;
  static final int TEXT = 25;
  static final int OID = 26;
  static final int FLOAT4 = 700;
  static final int FLOAT8 = 701;
  static final int UNKNOWN = 705;
  static final int BPCHAR = 1042;
  static final int VARCHAR = 1043;
  static final int DATE = 1082;
  static final int TIMESTAMP = 1114;
  static final int TIMESTAMPTZ = 1184;
  static final int NUMERIC = 1700;
  static final int TIME = 1083;
  static final int UUID = 2950;
  static final int JSON = 114;
  static final int JSONB = 3802;

  /** Days between 1970-01-01 and PostgreSQL's epoch, 2000-01-01. */
  private static final int PG_EPOCH_DAYS = 10_957;

  private static final long PG_EPOCH_MILLIS = PG_EPOCH_DAYS * 86_400_000L;
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private PgValues() {}

  // ------------------------------------------------------------------------------- results

  /** A result value in PostgreSQL's binary format for {@code type}. */
  static byte[] binary(ColumnType type, Object value) {
    if (value == null) {
      return null;
    }
    return switch (type.kind()) {
      case BOOLEAN -> new byte[] {(byte) (((Number) value).longValue() != 0 ? 1 : 0)};
      case SMALLINT -> ByteBuffer.allocate(2).putShort(((Number) value).shortValue()).array();
      case INTEGER -> ByteBuffer.allocate(4).putInt(((Number) value).intValue()).array();
      case BIGINT -> ByteBuffer.allocate(8).putLong(((Number) value).longValue()).array();
      case FLOAT -> ByteBuffer.allocate(4).putFloat(((Number) value).floatValue()).array();
      case DOUBLE -> ByteBuffer.allocate(8).putDouble(((Number) value).doubleValue()).array();
      case DATE ->
          ByteBuffer.allocate(4)
              .putInt((int) (((Number) value).longValue() - PG_EPOCH_DAYS))
              .array();
      case TIMESTAMP, TIMESTAMPTZ ->
          ByteBuffer.allocate(8)
              .putLong(Math.multiplyExact(((Number) value).longValue() - PG_EPOCH_MILLIS, 1000L))
              .array();
      case TIME -> ByteBuffer.allocate(8).putLong(((Number) value).longValue() * 1000L).array();
      case INTERVAL -> {
        // microseconds, days, months
        long v = ((Number) value).longValue();
        long months = type.scale() == 0 ? ColumnType.intervalMonths(v) : 0;
        long under = type.scale() == 0 ? ColumnType.intervalMillis(v) : v;
        long days = type.scale() == 2 ? 0 : under / 86_400_000L;
        long ms = type.scale() == 2 ? under : under % 86_400_000L;
        yield ByteBuffer.allocate(16)
            .putLong(ms * 1000L)
            .putInt((int) days)
            .putInt((int) months)
            .array();
      }
      case UUID -> {
        java.util.UUID u = java.util.UUID.fromString((String) value);
        yield ByteBuffer.allocate(16)
            .putLong(u.getMostSignificantBits())
            .putLong(u.getLeastSignificantBits())
            .array();
      }
      // jsonb's binary form is a version byte and the text
      case JSONB -> ("\u0001" + value).getBytes(StandardCharsets.UTF_8);
      case BYTEA -> ColumnType.BYTEA.bytes((String) value);
      case JSON -> ((String) value).getBytes(StandardCharsets.UTF_8);
      case DECIMAL -> numeric(BigDecimal.valueOf(((Number) value).longValue(), type.scale()));
      case NUMERIC -> numeric(new BigDecimal((String) value));
      case TEXT -> ((String) value).getBytes(StandardCharsets.UTF_8);
    };
  }

  /** PostgreSQL's binary NUMERIC: base-10000 digits with a weight, a sign and a display scale. */
  static byte[] numeric(BigDecimal value) {
    int scale = Math.max(value.scale(), 0);
    String unscaled = value.abs().setScale(scale).unscaledValue().toString();
    StringBuilder digits = new StringBuilder(unscaled);
    while (digits.length() <= scale) {
      digits.insert(0, '0');
    }
    String integer = digits.substring(0, digits.length() - scale);
    StringBuilder fraction = new StringBuilder(digits.substring(digits.length() - scale));
    StringBuilder whole = new StringBuilder(integer);
    while (whole.length() % 4 != 0) {
      whole.insert(0, '0');
    }
    while (fraction.length() % 4 != 0) {
      fraction.append('0');
    }
    List<Integer> groups = new ArrayList<>();
    for (int i = 0; i < whole.length(); i += 4) {
      groups.add(Integer.parseInt(whole.substring(i, i + 4)));
    }
    int weight = groups.size() - 1;
    for (int i = 0; i < fraction.length(); i += 4) {
      groups.add(Integer.parseInt(fraction.substring(i, i + 4)));
    }
    while (!groups.isEmpty() && groups.get(0) == 0) {
      groups.remove(0);
      weight--;
    }
    while (!groups.isEmpty() && groups.get(groups.size() - 1) == 0) {
      groups.remove(groups.size() - 1);
    }
    if (groups.isEmpty()) {
      weight = 0;
    }
    ByteBuffer out = ByteBuffer.allocate(8 + 2 * groups.size());
    out.putShort((short) groups.size());
    out.putShort((short) weight);
    out.putShort((short) (value.signum() < 0 ? 0x4000 : 0));
    out.putShort((short) scale);
    for (int g : groups) {
      out.putShort((short) g);
    }
    return out.array();
  }

  static BigDecimal numeric(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int n = PgInput.int16(b);
    int weight = PgInput.int16(b);
    int sign = PgInput.int16(b) & 0xffff;
    int scale = PgInput.int16(b);
    if (sign == 0xC000) {
      throw new SqlException(SqlException.FEATURE_NOT_SUPPORTED, "NaN is not a DECIMAL value");
    }
    if (sign != 0 && sign != 0x4000) {
      throw new SqlException(SqlException.INVALID_PARAMETER, "invalid sign in binary NUMERIC");
    }
    BigInteger unscaled = BigInteger.ZERO;
    BigInteger tenThousand = BigInteger.valueOf(10_000);
    for (int i = 0; i < n; i++) {
      int digit = PgInput.int16(b);
      if (digit < 0 || digit > 9999) {
        throw new SqlException(SqlException.INVALID_PARAMETER, "invalid digit in binary NUMERIC");
      }
      unscaled = unscaled.multiply(tenThousand).add(BigInteger.valueOf(digit));
    }
    // The digits stand for unscaled * 10000^(weight - n + 1).
    BigDecimal v = new BigDecimal(unscaled).scaleByPowerOfTen(4 * (weight - n + 1));
    v = v.setScale(Math.max(scale, 0), java.math.RoundingMode.UNNECESSARY);
    return sign == 0x4000 ? v.negate() : v;
  }

  // ------------------------------------------------------------------------------- parameters

  /**
   * Parameter {@code $index} as a SQL literal. The value arrives as text or in binary; its type is
   * the one the client declared, or unspecified. A timestamptz given as text without an offset is
   * read in the session's time zone {@code zone}, and written as the instant it is.
   */
  static String literal(int index, int oid, boolean binary, byte[] value, java.time.ZoneId zone) {
    if (value == null) {
      String type = sqlType(oid);
      return type == null ? "NULL" : "CAST(NULL AS " + type + ")";
    }
    try {
      return binary ? binaryLiteral(oid, value) : textLiteral(oid, text(value), zone);
    } catch (SqlException e) {
      throw new SqlException(e.sqlState(), "parameter $" + index + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw new SqlException(
          SqlException.INVALID_PARAMETER,
          "parameter $" + index + " (type OID " + oid + ") is malformed: " + e.getMessage());
    }
  }

  private static String sqlType(int oid) {
    return switch (oid) {
      case BOOL -> "BOOLEAN";
      case INT2 -> "SMALLINT";
      case INT4 -> "INTEGER";
      case INT8 -> "BIGINT";
      case FLOAT4 -> "REAL";
      case FLOAT8 -> "DOUBLE";
      case NUMERIC -> "DECIMAL"; // numeric of any precision (see CitadelTypeSystem)
      case DATE -> "DATE";
      case TIMESTAMP -> "TIMESTAMP";
      case TIMESTAMPTZ -> "TIMESTAMP WITH LOCAL TIME ZONE";
      case TIME -> "TIME";
      case UUID -> "UUID";
      case BYTEA -> "VARBINARY";
      case TEXT, VARCHAR, BPCHAR, NAME, JSON, JSONB -> "VARCHAR";
      default -> null;
    };
  }

  /** The element type of an array type's OID. */
  private static int arrayElement(int oid) {
    return switch (oid) {
      case 1000 -> BOOL;
      case 1005 -> INT2;
      case 1007 -> INT4;
      case 1016 -> INT8;
      case 1021 -> FLOAT4;
      case 1022 -> FLOAT8;
      case 1182 -> DATE;
      case 1115 -> TIMESTAMP;
      case 1185 -> TIMESTAMPTZ;
      case 1183 -> TIME;
      case 2951 -> UUID;
      case 1001 -> BYTEA;
      default -> TEXT;
    };
  }

  private static String textLiteral(int oid, String s, java.time.ZoneId zone) {
    String t = s.strip();
    switch (oid) {
      case INT2, INT4, INT8, OID:
        return number(t, INTEGER, "an integer");
      case FLOAT4, FLOAT8, NUMERIC:
        if (t.equalsIgnoreCase("nan") || t.toLowerCase(Locale.ROOT).contains("infinity")) {
          return "CAST(" + quote(t) + " AS DOUBLE)";
        }
        return number(t, NUMBER, "a number");
      case BOOL:
        return switch (t.toLowerCase(Locale.ROOT)) {
          case "t", "true", "yes", "on", "1", "y" -> "TRUE";
          case "f", "false", "no", "off", "0", "n" -> "FALSE";
          default -> throw invalid(s, "a boolean");
        };
      case DATE:
        return "DATE " + quote(ColumnType.DATE.format(ColumnType.DATE.parse(t)));
      case TIMESTAMP:
        return "TIMESTAMP " + quote(ColumnType.TIMESTAMP.format(ColumnType.TIMESTAMP.parse(t)));
      case TIMESTAMPTZ:
        return "TIMESTAMP WITH LOCAL TIME ZONE "
            + quote(ColumnType.TIMESTAMP.format(ColumnType.TIMESTAMPTZ.parse(t, zone)));
      case TIME:
        return "TIME " + quote(ColumnType.TIME.format(ColumnType.TIME.parse(t)));
      case UUID:
        return "UUID " + quote(ColumnType.UUID.format(ColumnType.UUID.parse(t)));
      case BYTEA:
        return bytes((String) ColumnType.BYTEA.parse(s));
      case JSON, JSONB:
        // a document is its text to the planner; the column it is stored in checks it
        return quote(s);
      case 1000, 1005, 1007, 1016, 1021, 1022, 1009, 1015, 1182, 1115, 1185, 1183, 2951, 1001:
        // an array in its text form ({a,"b c"}), read by the element type's rules
        return "CAST(" + quote(s) + " AS " + sqlType(arrayElement(oid)) + " ARRAY)";
      case TEXT, VARCHAR, BPCHAR, NAME, UNKNOWN, UNSPECIFIED:
        // Untyped values include pgjdbc's setDate/setTimestamp ("2024-02-20 +01"): the DATE and
        // TIMESTAMP they are assigned to ignore the zone offset, as PostgreSQL's do.
        return quote(s);
      default:
        throw unsupported(oid);
    }
  }

  private static String binaryLiteral(int oid, byte[] v) {
    ByteBuffer b = ByteBuffer.wrap(v);
    String literal =
        switch (oid) {
          case BOOL -> PgInput.int8(b) != 0 ? "TRUE" : "FALSE";
          case INT2 -> signed(PgInput.int16(b));
          case INT4, OID -> signed(PgInput.int32(b));
          case INT8 -> signed(fixed(b, 8).getLong());
          case FLOAT4 -> floating(fixed(b, 4).getFloat());
          case FLOAT8 -> floating(fixed(b, 8).getDouble());
          case NUMERIC -> {
            BigDecimal d = numeric(v);
            b.position(v.length);
            yield d.signum() < 0 ? "(" + d.toPlainString() + ")" : d.toPlainString();
          }
          case DATE ->
              "DATE '" + LocalDate.ofEpochDay(PgInput.int32(b) + (long) PG_EPOCH_DAYS) + "'";
          case TIMESTAMP -> {
            long micros = fixed(b, 8).getLong();
            long millis = Math.floorDiv(micros, 1000) + PG_EPOCH_MILLIS;
            LocalDateTime t =
                LocalDateTime.ofEpochSecond(
                    Math.floorDiv(millis, 1000),
                    (int) Math.floorMod(millis, 1000) * 1_000_000,
                    ZoneOffset.UTC);
            yield "TIMESTAMP '" + t.toString().replace('T', ' ') + "'";
          }
          case TIME -> "TIME '" + ColumnType.TIME.format(fixed(b, 8).getLong() / 1000) + "'";
          case TIMESTAMPTZ -> {
            long micros = fixed(b, 8).getLong();
            long millis = Math.floorDiv(micros, 1000) + PG_EPOCH_MILLIS;
            yield "TIMESTAMP WITH LOCAL TIME ZONE '" + ColumnType.TIMESTAMP.format(millis) + "'";
          }
          case UUID -> {
            ByteBuffer u = fixed(b, 16);
            yield "UUID '" + new java.util.UUID(u.getLong(), u.getLong()) + "'";
          }
          case BYTEA -> {
            b.position(v.length);
            yield bytes(ColumnType.BYTEA.hex(v));
          }
          case JSONB -> {
            if (v.length == 0 || v[0] != 1) {
              throw new SqlException(
                  SqlException.INVALID_PARAMETER, "unsupported jsonb version number");
            }
            b.position(v.length);
            yield quote(new String(v, 1, v.length - 1, StandardCharsets.UTF_8));
          }
          case TEXT, VARCHAR, BPCHAR, NAME, UNKNOWN, UNSPECIFIED, JSON -> {
            b.position(v.length);
            yield quote(text(v));
          }
          default -> throw unsupported(oid);
        };
    if (b.hasRemaining()) {
      throw new SqlException(
          SqlException.INVALID_PARAMETER,
          "binary value of type OID " + oid + " has " + v.length + " bytes, more than it should");
    }
    return literal;
  }

  private static ByteBuffer fixed(ByteBuffer b, int n) {
    if (b.remaining() < n) {
      throw new SqlException(
          SqlException.INVALID_PARAMETER, "binary value shorter than " + n + " bytes");
    }
    return b;
  }

  private static String signed(long v) {
    return v < 0 ? "(" + v + ")" : Long.toString(v);
  }

  private static String floating(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return "CAST('"
          + (Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity")
          + "' AS DOUBLE)";
    }
    String s = Double.toString(d);
    return d < 0 ? "(" + s + ")" : s;
  }

  private static String number(String t, Pattern shape, String what) {
    if (!shape.matcher(t).matches()) {
      throw invalid(t, what);
    }
    String n = t.startsWith("+") ? t.substring(1) : t;
    return n.startsWith("-") ? "(" + n + ")" : n;
  }

  /** A bytea in its hex form as Calcite's binary string literal. */
  private static String bytes(String hex) {
    return "X'" + hex.substring(2) + "'";
  }

  static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  private static String text(byte[] v) {
    return new String(v, StandardCharsets.UTF_8);
  }

  private static SqlException invalid(String value, String what) {
    return new SqlException(
        SqlException.INVALID_TEXT, "invalid input \"" + value + "\": expected " + what);
  }

  private static SqlException unsupported(int oid) {
    return new SqlException(
        SqlException.FEATURE_NOT_SUPPORTED,
        "type OID " + oid + " is not supported; send it as text (type OID 0 or 25)");
  }
}
