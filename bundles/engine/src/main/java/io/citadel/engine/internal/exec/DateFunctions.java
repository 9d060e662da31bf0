package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.IntervalText;
import io.citadel.engine.internal.types.SqlException;
import io.citadel.engine.internal.types.TimeZones;
import io.citadel.engine.internal.types.TypeKind;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * PostgreSQL's {@code date_trunc(field, ts)} and {@code date_part(field, ts)}, the date functions
 * BI tools generate for their time axes. Dates are days since 1970-01-01, timestamps milliseconds;
 * a date is read as its midnight. An unknown field is an error naming it (22023).
 */
final class DateFunctions implements Expr {
  private static final Set<String> NAMES =
      Set.of(
          "DATE_TRUNC",
          "DATE_PART",
          "TO_CHAR",
          "TO_DATE",
          "TO_TIMESTAMP",
          "MAKE_DATE",
          "PG_DATE_PLUS",
          "PG_DATE_MINUS",
          "PG_DATE_DIFF",
          "PG_TIMESTAMP_DIFF",
          "AGE",
          "PG_INTERVAL",
          "PG_DATE_PLUS_INTERVAL",
          "PG_DATE_MINUS_INTERVAL");
  private static final long DAY = 86_400_000L;

  private final String name;
  private final List<Expr> args;
  private final ColumnType type;
  private final java.time.ZoneId zone;

  /**
   * @param zone the session's time zone: a timestamp with time zone's fields are its local ones
   *     there, and date_trunc of one answers the instant its truncated local time is
   */
  DateFunctions(String name, List<Expr> args, ColumnType type, java.time.ZoneId zone) {
    this.name = name;
    this.args = args;
    this.type = type;
    this.zone = zone;
  }

  static boolean supports(String name) {
    return NAMES.contains(name);
  }

  @Override
  public ColumnType type() {
    return type;
  }

  @Override
  public Vec eval(Batch b) {
    if (!name.equals("DATE_TRUNC") && !name.equals("DATE_PART")) {
      return perRow(b);
    }
    Vec field = args.get(0).eval(b);
    Vec t = args.get(1).eval(b);
    Vec local = ZonedCast.local(t, zone);
    boolean instant = t != local;
    boolean date = t.type.kind() == TypeKind.DATE;
    int n = b.size;
    Object[] out = new Object[n];
    for (int i = 0; i < n; i++) {
      if (field.isNull(i) || t.isNull(i)) {
        continue;
      }
      String f = field.string(i).toLowerCase(Locale.ROOT).strip();
      long millis = date ? t.longs[i] * DAY : t.longs[i];
      if (name.equals("DATE_TRUNC")) {
        long truncated = trunc(f, date ? millis : local.longs[i]);
        out[i] =
            instant && type.kind() == TypeKind.TIMESTAMPTZ
                ? TimeZones.instant(truncated, zone)
                : truncated;
      } else {
        // the epoch is the instant's; every other field the local time's
        out[i] = part(f, f.equals("epoch") || date ? millis : local.longs[i]);
      }
    }
    return Vectors.fromBoxed(type, out, n);
  }

  private static long trunc(String field, long millis) {
    long day = Math.floorDiv(millis, DAY);
    long ms = Math.floorMod(millis, DAY);
    LocalDate d = LocalDate.ofEpochDay(day);
    return switch (field) {
      case "microseconds", "milliseconds" -> millis;
      case "second" -> day * DAY + ms / 1000 * 1000;
      case "minute" -> day * DAY + ms / 60_000 * 60_000;
      case "hour" -> day * DAY + ms / 3_600_000 * 3_600_000;
      case "day" -> day * DAY;
      case "week" -> d.with(DayOfWeek.MONDAY).toEpochDay() * DAY;
      case "month" -> d.withDayOfMonth(1).toEpochDay() * DAY;
      case "quarter" ->
          d.withDayOfMonth(1).withMonth((d.getMonthValue() - 1) / 3 * 3 + 1).toEpochDay() * DAY;
      case "year" -> d.withDayOfYear(1).toEpochDay() * DAY;
      case "decade" -> LocalDate.of(Math.floorDiv(d.getYear(), 10) * 10, 1, 1).toEpochDay() * DAY;
      case "century" ->
          LocalDate.of((int) (Math.floorDiv(d.getYear() - 1, 100) * 100 + 1), 1, 1).toEpochDay()
              * DAY;
      case "millennium" ->
          LocalDate.of((int) (Math.floorDiv(d.getYear() - 1, 1000) * 1000 + 1), 1, 1).toEpochDay()
              * DAY;
      default -> throw unknown(field);
    };
  }

  private static double part(String field, long millis) {
    long day = Math.floorDiv(millis, DAY);
    long ms = Math.floorMod(millis, DAY);
    LocalDate d = LocalDate.ofEpochDay(day);
    return switch (field) {
      case "year" -> d.getYear();
      case "month" -> d.getMonthValue();
      case "day" -> d.getDayOfMonth();
      case "hour" -> ms / 3_600_000;
      case "minute" -> ms / 60_000 % 60;
      case "second" -> ms % 60_000 / 1000.0;
      case "milliseconds" -> ms % 60_000;
      case "quarter" -> (d.getMonthValue() + 2) / 3;
      case "dow" -> d.getDayOfWeek().getValue() % 7;
      case "isodow" -> d.getDayOfWeek().getValue();
      case "doy" -> d.getDayOfYear();
      case "week" -> d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
      case "isoyear" -> d.get(IsoFields.WEEK_BASED_YEAR);
      case "decade" -> Math.floorDiv(d.getYear(), 10);
      case "century" -> Math.floorDiv(d.getYear() - 1, 100) + 1;
      case "millennium" -> Math.floorDiv(d.getYear() - 1, 1000) + 1;
      case "epoch" -> millis / 1000.0;
      default -> throw unknown(field);
    };
  }

  /** The functions of whole values: NULL in, NULL out. */
  private Vec perRow(Batch b) {
    Vec[] a = new Vec[args.size()];
    for (int k = 0; k < a.length; k++) {
      Vec v = args.get(k).eval(b);
      // to_char and age read an instant as the session's local date and time
      a[k] = name.equals("TO_CHAR") || name.equals("AGE") ? ZonedCast.local(v, zone) : v;
    }
    Object[] out = new Object[b.size];
    rows:
    for (int i = 0; i < b.size; i++) {
      for (Vec v : a) {
        if (v.isNull(i)) {
          continue rows;
        }
      }
      out[i] =
          switch (name) {
            case "TO_CHAR" -> DateFormat.format(dateTime(a[0], i), a[1].string(i));
            case "TO_DATE" ->
                DateFormat.parse(a[0].string(i), a[1].string(i)).toLocalDate().toEpochDay();
            case "TO_TIMESTAMP" -> millis(DateFormat.parse(a[0].string(i), a[1].string(i)));
            case "MAKE_DATE" -> makeDate(a[0].longs[i], a[1].longs[i], a[2].longs[i]);
            case "PG_DATE_PLUS" -> addDays(a[0].longs[i], a[1].longs[i]);
            case "PG_DATE_MINUS" -> addDays(a[0].longs[i], Math.negateExact(a[1].longs[i]));
            case "PG_DATE_DIFF" -> a[0].longs[i] - a[1].longs[i];
            case "PG_TIMESTAMP_DIFF" -> Math.subtractExact(a[0].longs[i], a[1].longs[i]);
            case "AGE" -> age(millisOf(a[0], i), millisOf(a[1], i));
            case "PG_INTERVAL" -> IntervalText.packed(a[0].string(i));
            case "PG_DATE_PLUS_INTERVAL", "PG_DATE_MINUS_INTERVAL" ->
                dateAndInterval(a[0].longs[i], a[1].longs[i], a[1].type, name.contains("MINUS"));
            default -> throw new IllegalStateException(name);
          };
    }
    return Vectors.fromBoxed(type, out, b.size);
  }

  private static long millisOf(Vec v, int i) {
    return v.type.kind() == TypeKind.DATE ? v.longs[i] * DAY : v.longs[i];
  }

  private static final int[] DAYS_IN_MONTH = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

  private static int daysIn(int year, int month) {
    return month == 2 && java.time.Year.isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1];
  }

  /**
   * age(a, b): the difference of the fields of a and b (years, months, days and the time), each
   * field that comes out negative borrowing from the one above it, as PostgreSQL's timestamp_age
   * does; a month borrowed is as long as the earlier one's month.
   */
  static long age(long a, long b) {
    boolean negative = a < b;
    java.time.LocalDateTime x = dateTime(a);
    java.time.LocalDateTime y = dateTime(b);
    // milliseconds, seconds, minutes, hours, days, months, years: a's less b's
    long[] f = {
      (x.getNano() - y.getNano()) / 1_000_000L,
      x.getSecond() - y.getSecond(),
      x.getMinute() - y.getMinute(),
      x.getHour() - y.getHour(),
      x.getDayOfMonth() - y.getDayOfMonth(),
      x.getMonthValue() - y.getMonthValue(),
      x.getYear() - y.getYear()
    };
    if (negative) {
      for (int k = 0; k < f.length; k++) f[k] = -f[k];
    }
    // the length of the earlier one's month is what a day borrows
    java.time.LocalDateTime earlier = negative ? x : y;
    long[] span = {1000, 60, 60, 24, daysIn(earlier.getYear(), earlier.getMonthValue()), 12};
    for (int k = 0; k < span.length; k++) {
      while (f[k] < 0) {
        f[k] += span[k];
        f[k + 1]--;
      }
    }
    long months = f[6] * 12 + f[5];
    long millis = ((f[4] * 24 + f[3]) * 60 + f[2]) * 60_000L + f[1] * 1000 + f[0];
    return negative
        ? ColumnType.packInterval(-months, -millis)
        : ColumnType.packInterval(months, millis);
  }

  private static java.time.LocalDateTime dateTime(long millis) {
    return java.time.LocalDateTime.ofEpochSecond(
        Math.floorDiv(millis, 1000),
        (int) Math.floorMod(millis, 1000) * 1_000_000,
        java.time.ZoneOffset.UTC);
  }

  /** date ± interval, a timestamp as in PostgreSQL: months move the calendar date. */
  private static long dateAndInterval(long day, long interval, ColumnType type, boolean minus) {
    long amount = minus ? Math.negateExact(interval) : interval;
    if (type.scale() == 0) {
      return Math.addExact(
          LocalDate.ofEpochDay(day).plusMonths(ColumnType.intervalMonths(amount)).toEpochDay()
              * DAY,
          ColumnType.intervalMillis(amount));
    }
    return Math.addExact(Math.multiplyExact(day, DAY), amount);
  }

  /** A date (days) or timestamp (milliseconds, UTC) as a local date and time. */
  private static java.time.LocalDateTime dateTime(Vec v, int i) {
    long ms = v.type.kind() == TypeKind.DATE ? v.longs[i] * DAY : v.longs[i];
    return java.time.LocalDateTime.ofEpochSecond(
        Math.floorDiv(ms, 1000),
        (int) Math.floorMod(ms, 1000) * 1_000_000,
        java.time.ZoneOffset.UTC);
  }

  private static long millis(java.time.LocalDateTime t) {
    return t.toEpochSecond(java.time.ZoneOffset.UTC) * 1000 + t.getNano() / 1_000_000;
  }

  private static long makeDate(long year, long month, long day) {
    try {
      return LocalDate.of(Math.toIntExact(year), Math.toIntExact(month), Math.toIntExact(day))
          .toEpochDay();
    } catch (java.time.DateTimeException | ArithmeticException e) {
      throw new SqlException(
          "22008", "date field value out of range: " + year + "-" + month + "-" + day);
    }
  }

  /** {@code date + n}: within PostgreSQL's dates (4713 BC to 5874897 AD), else 22008. */
  private static long addDays(long days, long n) {
    long r = days + n;
    if (Math.abs(n) > 4_000_000_000L || r < -2_440_588L || r > 2_147_483_647L - 2_440_588L) {
      throw new SqlException("22008", "date out of range");
    }
    return r;
  }

  private static SqlException unknown(String field) {
    return new SqlException(
        SqlException.INVALID_PARAMETER, "unit \"" + field + "\" not recognized for a timestamp");
  }
}
