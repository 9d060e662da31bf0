package io.citadel.engine.internal.types;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * A column's SQL type, and the one place that knows how its values look as text and as the
 * executor's physical values.
 *
 * <p>Physical values: BOOLEAN (0/1), the integer types, DATE (days since 1970-01-01), TIMESTAMP
 * (milliseconds since 1970-01-01T00:00, no time zone), TIMESTAMPTZ (milliseconds since
 * 1970-01-01T00:00Z), TIME (milliseconds since midnight) and DECIMAL (the unscaled value, at most
 * 18 digits) are {@code long}s; FLOAT and DOUBLE are {@code double}s; TEXT, UUID, JSON, JSONB and
 * BYTEA are {@code String}s, the last four in a canonical text form (see {@link TypeKind}). Boxed,
 * a value is a {@link Long}, a {@link Double} or a {@link String}; SQL NULL is {@code null}.
 */
public record ColumnType(TypeKind kind, int precision, int scale) {

  public static final int MAX_DECIMAL_PRECISION = 18;

  public static final ColumnType BOOLEAN = new ColumnType(TypeKind.BOOLEAN, 0, 0);
  public static final ColumnType SMALLINT = new ColumnType(TypeKind.SMALLINT, 0, 0);
  public static final ColumnType INTEGER = new ColumnType(TypeKind.INTEGER, 0, 0);
  public static final ColumnType BIGINT = new ColumnType(TypeKind.BIGINT, 0, 0);
  public static final ColumnType FLOAT = new ColumnType(TypeKind.FLOAT, 0, 0);
  public static final ColumnType DOUBLE = new ColumnType(TypeKind.DOUBLE, 0, 0);
  public static final ColumnType TEXT = new ColumnType(TypeKind.TEXT, 0, 0);
  public static final ColumnType DATE = new ColumnType(TypeKind.DATE, 0, 0);
  public static final ColumnType TIMESTAMP = new ColumnType(TypeKind.TIMESTAMP, 0, 0);
  public static final ColumnType TIMESTAMPTZ = new ColumnType(TypeKind.TIMESTAMPTZ, 0, 0);
  public static final ColumnType TIME = new ColumnType(TypeKind.TIME, 0, 0);
  public static final ColumnType UUID = new ColumnType(TypeKind.UUID, 0, 0);
  public static final ColumnType JSON = new ColumnType(TypeKind.JSON, 0, 0);
  public static final ColumnType JSONB = new ColumnType(TypeKind.JSONB, 0, 0);
  public static final ColumnType BYTEA = new ColumnType(TypeKind.BYTEA, 0, 0);

  /**
   * An interval of months and, below them, milliseconds ({@code 1 year 2 mons 5 days}; what {@code
   * age()} answers): packed as {@code months * 2^40 + milliseconds}, both of one sign, so that such
   * intervals order as PostgreSQL orders them (see {@link #packInterval}).
   */
  public static final ColumnType INTERVAL_MONTHS = new ColumnType(TypeKind.INTERVAL, 0, 0);

  private static final long MONTH_UNIT = 1L << 40;

  /**
   * A year-month interval's value: months times 2^40, plus milliseconds (of either sign) below
   * 2^39, some 17 years of days. Sums and differences of such values are values of the same kind.
   */
  public static long packInterval(long months, long millis) {
    if (Math.abs(millis) >= MONTH_UNIT / 2 || Math.abs(months) >= 1L << 22) {
      throw new SqlException("22015", "interval out of range");
    }
    return months * MONTH_UNIT + millis;
  }

  /** The months of a year-month interval's value. */
  public static long intervalMonths(long packed) {
    return Math.floorDiv(packed + MONTH_UNIT / 2, MONTH_UNIT);
  }

  /** The milliseconds (days and time) under the months of a year-month interval's value. */
  public static long intervalMillis(long packed) {
    return packed - intervalMonths(packed) * MONTH_UNIT;
  }

  /** An interval of milliseconds shown as days and a time: {@code 2 days 02:30:00}. */
  public static final ColumnType INTERVAL_DAYS = new ColumnType(TypeKind.INTERVAL, 0, 1);

  /** An interval of milliseconds shown as a time: {@code 25:00:00}. */
  public static final ColumnType INTERVAL_TIME = new ColumnType(TypeKind.INTERVAL, 0, 2);

  private static final DateTimeFormatter TIMESTAMP_IN =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .optionalStart()
          .appendLiteral('T')
          .optionalEnd()
          .optionalStart()
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .optionalStart()
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .optionalEnd()
          .optionalEnd()
          .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
          .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
          .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0)
          .toFormatter(Locale.ROOT);

  private static final long[] POW10 = new long[19];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  public ColumnType {
    if (kind == TypeKind.NUMERIC && precision != 0) {
      if (precision < 1 || precision > Numeric.MAX_PRECISION) {
        throw new SqlException(
            SqlException.INVALID_PARAMETER,
            "NUMERIC precision " + precision + " must be between 1 and " + Numeric.MAX_PRECISION);
      }
      if (scale < 0 || scale > precision) {
        throw new SqlException(
            SqlException.INVALID_PARAMETER,
            "NUMERIC scale " + scale + " must be between 0 and precision " + precision);
      }
    }
    if (kind == TypeKind.DECIMAL) {
      if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
        throw new SqlException(
            SqlException.FEATURE_NOT_SUPPORTED,
            "DECIMAL precision must be between 1 and "
                + MAX_DECIMAL_PRECISION
                + ", got "
                + precision);
      }
      if (scale < 0 || scale > precision) {
        throw new SqlException(
            SqlException.INVALID_PARAMETER,
            "DECIMAL scale must be between 0 and the precision " + precision + ", got " + scale);
      }
    }
  }

  public static ColumnType decimal(int precision, int scale) {
    return new ColumnType(TypeKind.DECIMAL, precision, scale);
  }

  /** PostgreSQL's numeric without a type modifier: any value, each with its own scale. */
  public static final ColumnType NUMERIC = new ColumnType(TypeKind.NUMERIC, 0, 0);

  /**
   * A decimal type of {@code precision} digits, {@code scale} of them after the point: a scaled
   * {@code long} up to 18 digits, else a {@link TypeKind#NUMERIC} with that type modifier.
   */
  public static ColumnType exact(int precision, int scale) {
    return precision <= MAX_DECIMAL_PRECISION
        ? decimal(precision, scale)
        : new ColumnType(TypeKind.NUMERIC, precision, scale);
  }

  public static long pow10(int n) {
    return POW10[n];
  }

  /**
   * The type a type name in DDL stands for: PostgreSQL's names and their common aliases.
   *
   * @param precision the first type argument, or -1
   * @param scale the second type argument, or -1
   */
  public static ColumnType named(String name, int precision, int scale) {
    String n = name.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
    switch (n) {
      case "BOOLEAN", "BOOL":
        return BOOLEAN;
      case "SMALLINT", "INT2", "TINYINT":
        return SMALLINT;
      case "INTEGER", "INT", "INT4":
        return INTEGER;
      case "BIGINT", "INT8":
        return BIGINT;
      case "REAL", "FLOAT4":
        return FLOAT;
      case "FLOAT":
        return precision > 0 && precision <= 24 ? FLOAT : DOUBLE;
      case "DOUBLE", "DOUBLE PRECISION", "FLOAT8":
        return DOUBLE;
      case "DECIMAL", "NUMERIC", "DEC":
        // without a precision: PostgreSQL's unbounded numeric; numeric(p) is numeric(p, 0)
        return precision < 0 ? NUMERIC : exact(precision, Math.max(scale, 0));
      case "TEXT", "STRING":
        return TEXT;
      case "VARCHAR", "CHARACTER VARYING":
        // a length limit is kept (and enforced on writes)
        return precision > 0 ? new ColumnType(TypeKind.TEXT, precision, 0) : TEXT;
      case "CHAR", "CHARACTER", "BPCHAR":
        // blank-padded to its length when shown (see isBlankPadded); char alone is char(1)
        if (n.equals("BPCHAR") && precision <= 0) {
          return TEXT;
        }
        return new ColumnType(TypeKind.TEXT, precision > 0 ? precision : 1, 1);
      case "DATE":
        return DATE;
      case "TIMESTAMP", "TIMESTAMP WITHOUT TIME ZONE", "DATETIME":
        return TIMESTAMP;
      case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITH LOCAL TIME ZONE":
        return TIMESTAMPTZ;
      case "TIME", "TIME WITHOUT TIME ZONE":
        return TIME;
      case "UUID":
        return UUID;
      case "JSON":
        return JSON;
      case "JSONB":
        return JSONB;
      case "BYTEA", "VARBINARY", "BINARY":
        return BYTEA;
      case "INTERVAL":
        // days and time, as milliseconds (a month cannot be told from 30 days in one; see parse)
        return INTERVAL_DAYS;
      default:
        throw new SqlException(
            SqlException.UNDEFINED_COLUMN, "type \"" + name + "\" does not exist");
    }
  }

  /** The type as format_type writes it: numeric(10,2), integer, text ... */
  public static String pgFormatType(int oid, int typmod) {
    return switch (oid) {
      case 16 -> "boolean";
      case 21 -> "smallint";
      case 23 -> "integer";
      case 20 -> "bigint";
      case 700 -> "real";
      case 701 -> "double precision";
      case 1700 ->
          typmod >= 4
              ? "numeric(" + ((typmod - 4) >> 16) + "," + ((typmod - 4) & 0xffff) + ")"
              : "numeric";
      case 25 -> "text";
      case 1043 -> typmod >= 4 ? "character varying(" + (typmod - 4) + ")" : "character varying";
      case 1042 -> typmod >= 4 ? "character(" + (typmod - 4) + ")" : "character";
      case 1082 -> "date";
      case 1114 -> "timestamp without time zone";
      case 1184 -> "timestamp with time zone";
      case 1083 -> "time without time zone";
      case 2950 -> "uuid";
      case 114 -> "json";
      case 3802 -> "jsonb";
      case 17 -> "bytea";
      case 1186 -> "interval";
      case 22 -> "int2vector";
      case 1000 -> "boolean[]";
      case 1005 -> "smallint[]";
      case 1007 -> "integer[]";
      case 1016 -> "bigint[]";
      case 1021 -> "real[]";
      case 1022 -> "double precision[]";
      case 1009 -> "text[]";
      case 1015 -> "character varying[]";
      case 1182 -> "date[]";
      case 1115 -> "timestamp without time zone[]";
      case 1185 -> "timestamp with time zone[]";
      case 1183 -> "time without time zone[]";
      case 2951 -> "uuid[]";
      case 199 -> "json[]";
      case 3807 -> "jsonb[]";
      case 1001 -> "bytea[]";
      case 19 -> "name";
      case 26 -> "oid";
      case 18 -> "\"char\"";
      default -> "???";
    };
  }

  /** The PostgreSQL type OID clients see for this type. */
  /**
   * A one-dimensional array of {@code element}s, carried as its PostgreSQL text form ({@code
   * {1,2}}): a TEXT whose negative precision names the element's kind. Only the system catalog has
   * such columns for now.
   */
  public static ColumnType arrayOf(ColumnType element) {
    return new ColumnType(TypeKind.TEXT, -1 - element.kind().ordinal(), 0);
  }

  /**
   * The type of an array column of {@code element}s: arrays of the types that have no modifier (a
   * varchar(n) element is text; numeric elements need their precision, which an array type does not
   * keep yet).
   */
  public static ColumnType arrayColumn(ColumnType element) {
    if (element.isArray()) {
      throw new SqlException(
          SqlException.FEATURE_NOT_SUPPORTED,
          "arrays of more than one dimension are not supported");
    }
    if (element.kind == TypeKind.DECIMAL || element.kind == TypeKind.INTERVAL) {
      throw new SqlException(
          SqlException.FEATURE_NOT_SUPPORTED,
          "array columns of " + element.pgName() + " are not supported yet");
    }
    return arrayOf(element.kind == TypeKind.TEXT ? TEXT : element);
  }

  /**
   * {@code int2vector}, the type of pg_index's indkey and indoption: an array of smallints written
   * {@code 1 2} (no braces) and subscripted from 0.
   */
  public static final ColumnType INT2VECTOR =
      new ColumnType(TypeKind.TEXT, -1 - TypeKind.SMALLINT.ordinal(), 1);

  public boolean isVector() {
    return isArray() && scale == 1;
  }

  public boolean isArray() {
    return kind == TypeKind.TEXT && precision < 0;
  }

  /** An array's element type; only for {@link #isArray()}. */
  public ColumnType element() {
    return new ColumnType(TypeKind.values()[-1 - precision], 0, 0);
  }

  public int pgOid() {
    if (isVector()) {
      return 22;
    }
    if (isArray()) {
      return switch (element().kind()) {
        case BOOLEAN -> 1000;
        case SMALLINT -> 1005;
        case INTEGER -> 1007;
        case BIGINT -> 1016;
        case FLOAT -> 1021;
        case DOUBLE -> 1022;
        case DECIMAL, NUMERIC -> 1231;
        case DATE -> 1182;
        case TIMESTAMP -> 1115;
        case TEXT -> 1009;
        case TIMESTAMPTZ -> 1185;
        case TIME -> 1183;
        case UUID -> 2951;
        case JSON -> 199;
        case JSONB -> 3807;
        case BYTEA -> 1001;
        case INTERVAL -> 1187;
      };
    }
    return switch (kind) {
      case BOOLEAN -> 16;
      case SMALLINT -> 21;
      case INTEGER -> 23;
      case BIGINT -> 20;
      case FLOAT -> 700;
      case DOUBLE -> 701;
      case DECIMAL, NUMERIC -> 1700;
      case TEXT -> precision > 0 ? (isBlankPadded() ? 1042 : 1043) : 25;
      case DATE -> 1082;
      case TIMESTAMP -> 1114;
      case TIMESTAMPTZ -> 1184;
      case TIME -> 1083;
      case UUID -> 2950;
      case JSON -> 114;
      case JSONB -> 3802;
      case BYTEA -> 17;
      case INTERVAL -> 1186;
    };
  }

  /** The PostgreSQL type length ({@code -1} for variable-length types). */
  public int pgLength() {
    return switch (kind) {
      case BOOLEAN -> 1;
      case SMALLINT -> 2;
      case INTEGER, FLOAT, DATE -> 4;
      case BIGINT, DOUBLE, TIMESTAMP, TIMESTAMPTZ, TIME -> 8;
      case UUID, INTERVAL -> 16;
      case DECIMAL, NUMERIC, TEXT, JSON, JSONB, BYTEA -> -1;
    };
  }

  /** The type modifier PostgreSQL reports for this type, -1 when it has none. */
  public int pgTypeModifier() {
    if (kind == TypeKind.TEXT) {
      return precision > 0 ? precision + 4 : -1;
    }
    return kind == TypeKind.DECIMAL || (kind == TypeKind.NUMERIC && precision > 0)
        ? ((precision << 16) | scale) + 4
        : -1;
  }

  /** The type's name as PostgreSQL's messages write it: integer, text, uuid ... */
  public String pgName() {
    if (kind == TypeKind.TIME || kind == TypeKind.TIMESTAMP) {
      return kind == TypeKind.TIME ? "time" : "timestamp"; // as input errors name them
    }
    return isArray() ? pgFormatType(pgOid(), -1) : pgFormatType(pgOid(), pgTypeModifier());
  }

  /** How the type is written in SQL. */
  public String sqlName() {
    if (isArray()) {
      return element().sqlName() + " ARRAY";
    }
    if (kind == TypeKind.TEXT && precision > 0) {
      return (isBlankPadded() ? "CHAR(" : "VARCHAR(") + precision + ")";
    }
    if (kind == TypeKind.NUMERIC) {
      return precision > 0 ? "NUMERIC(" + precision + "," + scale + ")" : "NUMERIC";
    }
    return kind == TypeKind.DECIMAL ? "DECIMAL(" + precision + "," + scale + ")" : kind.name();
  }

  /**
   * Refuses text longer than a VARCHAR(n) column's limit, in characters, as PostgreSQL does
   * (22001); any other column takes it.
   */
  public void checkLength(String value) {
    if (kind == TypeKind.TEXT
        && precision > 0
        && value != null
        && value.length() > precision
        && value.codePointCount(0, value.length()) > precision) {
      throw new SqlException(
          "22001",
          "value too long for type "
              + (isBlankPadded() ? "character(" : "character varying(")
              + precision
              + ")");
    }
  }

  /**
   * Whether this is {@code char(n)}: text kept without trailing blanks (they mean nothing in it, as
   * in PostgreSQL, so comparisons, length() and concatenation ignore them) and shown blank-padded
   * to n characters.
   */
  public boolean isBlankPadded() {
    return kind == TypeKind.TEXT && scale == 1 && precision > 0 && !isArray();
  }

  /**
   * A text value as a column of this type keeps it: for {@code char(n)} without its trailing
   * blanks; 22001 when longer than a length limit.
   */
  public String fitText(String value) {
    String v = value;
    if (v != null && isBlankPadded()) {
      int end = v.length();
      while (end > 0 && v.charAt(end - 1) == ' ') {
        end--;
      }
      v = v.substring(0, end);
    }
    checkLength(v);
    return v;
  }

  @Override
  public String toString() {
    return sqlName();
  }

  // ---------------------------------------------------------------- text -> physical value

  /**
   * Parses a value written as text (a CSV field, a bound parameter) into its boxed physical value.
   *
   * @throws SqlException naming the value and the type when the text is not such a value
   */
  public Object parse(String text) {
    return parse(text, ZoneOffset.UTC);
  }

  /**
   * Parses text into a value as {@link #parse(String)} does, reading a {@code timestamp with time
   * zone} written without an offset in the session's time zone.
   */
  public Object parse(String text, java.time.ZoneId zone) {
    // a uuid is taken without surrounding spaces, as in PostgreSQL
    String s = kind.isStringBased() && kind != TypeKind.JSON ? text : text.trim();
    try {
      return switch (kind) {
        case TEXT -> isArray() && !isVector() ? ArrayForm.normalize(s, element()) : s;
        case JSON -> JsonText.checkJson(text);
        case JSONB -> JsonText.normalize(text);
        case UUID -> TextForms.uuid(s);
        case BYTEA -> TextForms.bytea(s);
        case NUMERIC -> Numeric.text(Numeric.fit(Numeric.parse(s), precision, scale));
        case FLOAT, DOUBLE -> parseDouble(s);
        default -> parseLong(s, zone);
      };
    } catch (DateTimeParseException e) {
      if (e.getCause() instanceof java.time.DateTimeException) {
        // the text has a date's shape, with a field past its range (month 13, February 30)
        throw new SqlException("22008", "date/time field value out of range: \"" + text + "\"");
      }
      throw new SqlException(
          "22007", "invalid input syntax for type " + pgName() + ": \"" + text + "\"");
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new SqlException(
          kind.isDatetime() ? "22007" : SqlException.INVALID_TEXT,
          "invalid input syntax for type " + pgName() + ": \"" + text + "\"");
    }
  }

  private double parseDouble(String s) {
    String l = s.toLowerCase(Locale.ROOT);
    double d =
        switch (l) {
          case "nan" -> Double.NaN;
          case "infinity", "inf", "+infinity" -> Double.POSITIVE_INFINITY;
          case "-infinity", "-inf" -> Double.NEGATIVE_INFINITY;
          default -> Double.parseDouble(s);
        };
    if (kind == TypeKind.FLOAT) {
      float f = (float) d;
      if (Float.isInfinite(f) && !Double.isInfinite(d)) {
        throw outOfRange(s);
      }
      return f;
    }
    return d;
  }

  private long parseLong(String s, java.time.ZoneId zone) {
    switch (kind) {
      case BOOLEAN:
        return switch (s.toLowerCase(Locale.ROOT)) {
          case "t", "true", "1", "yes", "y", "on" -> 1L;
          case "f", "false", "0", "no", "n", "off" -> 0L;
          default -> throw new NumberFormatException(s);
        };
      case SMALLINT:
        return checkRange(Long.parseLong(s), Short.MIN_VALUE, Short.MAX_VALUE, s);
      case INTEGER:
        return checkRange(Long.parseLong(s), Integer.MIN_VALUE, Integer.MAX_VALUE, s);
      case BIGINT:
        try {
          return Long.parseLong(s);
        } catch (NumberFormatException e) {
          if (s.matches("[+-]?\\d+")) {
            throw outOfRange(s);
          }
          throw e;
        }
      case DECIMAL:
        return decimalToUnscaled(new BigDecimal(s));
      case DATE:
        return LocalDate.parse(withoutZone(s)).toEpochDay();
      case TIMESTAMP:
        return LocalDateTime.parse(withoutZone(s), TIMESTAMP_IN)
            .toInstant(ZoneOffset.UTC)
            .toEpochMilli();
      case TIMESTAMPTZ:
        return TextForms.instant(s, TIMESTAMP_IN, zone);
      case TIME:
        return TextForms.timeOfDay(s);
      case INTERVAL:
        return parseInterval(s);
      default:
        throw new IllegalStateException(kind.name());
    }
  }

  /**
   * The text without a trailing zone offset ({@code "2024-02-20 10:00:00+01"}, {@code "2024-02-20
   * +00"}): DATE and TIMESTAMP have no zone, and like PostgreSQL's they ignore one when given.
   */
  private static String withoutZone(String s) {
    return s.length() > 10 ? ZONE_SUFFIX.matcher(s).replaceFirst("") : s;
  }

  private static final java.util.regex.Pattern ZONE_SUFFIX =
      java.util.regex.Pattern.compile("\\s*(?:[+-]\\d{2}(?::?\\d{2})?|Z|UTC)$");

  /**
   * An interval's text as this interval type keeps it: months packed with what is under them, or
   * for days and time milliseconds, refusing months (22015), which a span of days cannot hold.
   */
  private long parseInterval(String s) {
    IntervalText.Parts p = IntervalText.parse(s);
    long ms = Math.addExact(Math.multiplyExact(p.days(), 86_400_000L), p.millis());
    if (scale == 0) {
      return packInterval(p.months(), ms);
    }
    if (p.months() != 0) {
      throw new SqlException(
          "22015",
          "interval \""
              + s
              + "\" has months, which an interval column of days and time does not keep");
    }
    return ms;
  }

  private long checkRange(long v, long min, long max, String text) {
    if (v < min || v > max) {
      throw outOfRange(text);
    }
    return v;
  }

  private SqlException outOfRange(String text) {
    return new SqlException(
        SqlException.NUMERIC_OUT_OF_RANGE,
        "value \"" + text + "\" is out of range for type " + sqlName());
  }

  /** The unscaled value of {@code d} at this DECIMAL's scale, rounding half up. */
  public long decimalToUnscaled(BigDecimal d) {
    BigDecimal scaled = d.setScale(scale, RoundingMode.HALF_UP);
    BigInteger unscaled = scaled.unscaledValue();
    if (unscaled.abs().compareTo(BigInteger.valueOf(pow10(precision))) >= 0) {
      throw new SqlException(
          SqlException.NUMERIC_OUT_OF_RANGE,
          "numeric field overflow: " + d.toPlainString() + " does not fit " + sqlName());
    }
    return unscaled.longValue();
  }

  // ---------------------------------------------------------------- physical value -> text

  /** The bytes of a bytea value (its hex form). */
  public byte[] bytes(String hex) {
    return TextForms.bytes(hex);
  }

  /** Bytes as a bytea value (its hex form). */
  public String hex(byte[] bytes) {
    return TextForms.hex(bytes);
  }

  /** The PostgreSQL text form of a boxed physical value of this type; null stays null. */
  public String format(Object value) {
    if (value == null) {
      return null;
    }
    return switch (kind) {
      case TEXT -> isBlankPadded() ? padded((String) value) : (String) value;
      case UUID, JSON, JSONB, BYTEA, NUMERIC -> (String) value;
      case FLOAT -> formatFloat(((Number) value).floatValue());
      case DOUBLE -> formatDouble(((Number) value).doubleValue());
      default -> formatLong(((Number) value).longValue());
    };
  }

  /**
   * The text form of a value as a session in {@code zone} sees it: a {@code timestamp with time
   * zone} in the zone's local time with its offset there; every other type as {@link
   * #format(Object)} writes it.
   */
  public String format(Object value, java.time.ZoneId zone) {
    if (kind == TypeKind.TIMESTAMPTZ && value != null && !TimeZones.isUtc(zone)) {
      long instant = ((Number) value).longValue();
      return formatTimestamp(TimeZones.local(instant, zone)) + TimeZones.offsetAt(instant, zone);
    }
    return format(value);
  }

  /**
   * Converts as {@link #assign(Object, ColumnType)} does, in a session's time zone: text read as a
   * {@code timestamp with time zone} without an offset, and the conversions between it and {@code
   * timestamp}, {@code date}, {@code time} and text, take the zone's local time.
   */
  public Object assign(Object value, ColumnType from, java.time.ZoneId zone) {
    if (value == null || TimeZones.isUtc(zone) || from.equals(this)) {
      return assign(value, from);
    }
    if (kind == TypeKind.TIMESTAMPTZ) {
      if (from.kind == TypeKind.TEXT) {
        return parse((String) value, zone);
      }
      if (from.kind == TypeKind.TIMESTAMP || from.kind == TypeKind.DATE) {
        long local = (Long) TIMESTAMP.assign(value, from);
        return TimeZones.instant(local, zone);
      }
    } else if (from.kind == TypeKind.TIMESTAMPTZ) {
      if (kind == TypeKind.TEXT) {
        return assign(from.format(value, zone), TEXT);
      }
      if (kind == TypeKind.TIMESTAMP || kind == TypeKind.DATE || kind == TypeKind.TIME) {
        return assign(TimeZones.local((Long) value, zone), TIMESTAMP);
      }
    }
    return assign(value, from);
  }

  /** A char(n) value blank-padded to n characters, as PostgreSQL shows it. */
  private String padded(String v) {
    int missing = precision - v.codePointCount(0, v.length());
    return missing <= 0 ? v : v + " ".repeat(missing);
  }

  public String formatLong(long v) {
    return switch (kind) {
      case BOOLEAN -> v != 0 ? "t" : "f";
      case DECIMAL -> BigDecimal.valueOf(v, scale).toPlainString();
      case DATE -> LocalDate.ofEpochDay(v).toString();
      case TIMESTAMP -> formatTimestamp(v);
      case TIMESTAMPTZ -> formatTimestamp(v) + "+00";
      case TIME -> TextForms.formatTime(v);
      case INTERVAL -> TextForms.formatInterval(v, scale);
      case FLOAT, DOUBLE -> formatDouble(v);
      default -> Long.toString(v);
    };
  }

  static String formatTimestamp(long millis) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), 0, ZoneOffset.UTC);
    String base = t.toLocalDate() + " " + t.toLocalTime().withNano(0);
    if (t.getSecond() == 0 && base.length() == 16) {
      base += ":00";
    }
    int ms = (int) Math.floorMod(millis, 1000);
    if (ms == 0) {
      return base;
    }
    String frac = String.format(Locale.ROOT, "%03d", ms).replaceAll("0+$", "");
    return base + "." + frac;
  }

  public static String formatDouble(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }

  public static String formatFloat(float f) {
    if (Float.isNaN(f) || Float.isInfinite(f) || (f == Math.rint(f) && Math.abs(f) < 1e7)) {
      return formatDouble(f);
    }
    return Float.toString(f);
  }

  /** A boxed physical value as a {@link BigDecimal}, for exact numeric conversions. */
  public BigDecimal toBigDecimal(Object value) {
    return switch (kind) {
      case DECIMAL -> BigDecimal.valueOf((Long) value, scale);
      case NUMERIC -> new BigDecimal((String) value);
      case FLOAT, DOUBLE -> new BigDecimal(((Number) value).doubleValue());
      case TEXT -> new BigDecimal(((String) value).trim());
      default -> BigDecimal.valueOf(((Number) value).longValue());
    };
  }

  /**
   * Converts a boxed physical value of type {@code from} to this type, as an assignment (INSERT,
   * UPDATE) does: numbers are range-checked and rounded, text is parsed.
   */
  public Object assign(Object value, ColumnType from) {
    if (value == null || from.equals(this)) {
      return value;
    }
    if (from.kind == TypeKind.TEXT) {
      return parse((String) value);
    }
    switch (kind) {
      case TEXT:
        return from.format(value);
      case FLOAT:
      case DOUBLE:
        {
          double d =
              from.kind == TypeKind.DECIMAL || from.kind == TypeKind.NUMERIC
                  ? from.toBigDecimal(value).doubleValue()
                  : ((Number) value).doubleValue();
          return kind == TypeKind.FLOAT ? (double) (float) d : d;
        }
      case DECIMAL:
        if (from.kind.isFloating() && !Double.isFinite(((Number) value).doubleValue())) {
          throw outOfRange(value.toString());
        }
        return decimalToUnscaled(from.toBigDecimal(value));
      case NUMERIC:
        if (from.kind.isNumeric()) {
          BigDecimal d =
              from.kind.isFloating()
                  ? Numeric.ofDouble(((Number) value).doubleValue())
                  : from.toBigDecimal(value);
          return Numeric.text(Numeric.fit(d, precision, scale));
        }
        break;
      case BOOLEAN:
        if (from.kind == TypeKind.BOOLEAN) {
          return value;
        }
        throw new SqlException(
            SqlException.DATATYPE_MISMATCH,
            "cannot assign a " + from.sqlName() + " value to BOOLEAN");
      case DATE:
        if (from.kind == TypeKind.TIMESTAMP || from.kind == TypeKind.TIMESTAMPTZ) {
          return Math.floorDiv((Long) value, 86_400_000L);
        }
        break;
      case TIMESTAMP, TIMESTAMPTZ:
        if (from.kind == TypeKind.DATE) {
          return (Long) value * 86_400_000L;
        }
        if (from.kind == TypeKind.TIMESTAMP || from.kind == TypeKind.TIMESTAMPTZ) {
          return value; // the session's time zone is UTC
        }
        break;
      case TIME:
        if (from.kind == TypeKind.TIMESTAMP || from.kind == TypeKind.TIMESTAMPTZ) {
          return Math.floorMod((Long) value, 86_400_000L);
        }
        break;
      case INTERVAL:
        if (from.kind == TypeKind.INTERVAL) {
          long v = (Long) value;
          if (from.scale == 0 && scale != 0) {
            if (intervalMonths(v) != 0) {
              throw new SqlException(
                  "22015", "an interval with months does not fit an interval of days and time");
            }
            return intervalMillis(v);
          }
          return from.scale != 0 && scale == 0 ? packInterval(0, v) : v;
        }
        break;
      case JSON, JSONB, UUID, BYTEA:
        if (from.kind.isStringBased()) {
          return parse((String) value);
        }
        break;
      default:
        break;
    }
    if (kind.isIntegral()) {
      if (from.kind.isIntegral() || from.kind == TypeKind.BOOLEAN) {
        return checkIntegral((Long) value, value);
      }
      if (from.kind.isNumeric()) {
        // PostgreSQL rounds half away from zero: 2.5 becomes 3, -2.5 becomes -3
        BigDecimal d = from.toBigDecimal(value).setScale(0, RoundingMode.HALF_UP);
        try {
          return checkIntegral(d.longValueExact(), value);
        } catch (ArithmeticException e) {
          throw outOfRange(value.toString());
        }
      }
    }
    throw new SqlException(
        SqlException.DATATYPE_MISMATCH,
        "column of type " + sqlName() + " cannot take a value of type " + from.sqlName());
  }

  private long checkIntegral(long v, Object original) {
    return switch (kind) {
      case SMALLINT -> checkRange(v, Short.MIN_VALUE, Short.MAX_VALUE, String.valueOf(original));
      case INTEGER -> checkRange(v, Integer.MIN_VALUE, Integer.MAX_VALUE, String.valueOf(original));
      default -> v;
    };
  }
}
