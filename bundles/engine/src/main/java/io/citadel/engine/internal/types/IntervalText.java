package io.citadel.engine.internal.types;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's interval input ({@code 1 day 2 hours}, {@code -30 day}, {@code 1 year 2 mons},
 * {@code 01:30:00}, {@code @ 3 days ago}) read into months, days and milliseconds, and written as
 * Calcite's interval constants.
 */
public final class IntervalText {
  private IntervalText() {}

  /** What an interval's text says: whole months, whole days, and milliseconds of time. */
  public record Parts(long months, long days, long millis) {}

  private static final Pattern TIME =
      Pattern.compile("([+-])?(\\d+):(\\d{1,2})(?::(\\d{1,2}(?:\\.\\d*)?))?");
  private static final Pattern AMOUNT =
      Pattern.compile("([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+))\\s*([a-z]*)");

  public static Parts parse(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    boolean ago = false;
    if (s.startsWith("@")) {
      s = s.substring(1).strip();
    }
    if (s.endsWith(" ago")) {
      ago = true;
      s = s.substring(0, s.length() - 4).strip();
    }
    if (s.isEmpty()) {
      throw invalid(text);
    }
    BigDecimal months = BigDecimal.ZERO;
    BigDecimal days = BigDecimal.ZERO;
    BigDecimal millis = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      if (Character.isWhitespace(s.charAt(i))) {
        i++;
        continue;
      }
      Matcher t = TIME.matcher(s).region(i, s.length());
      if (t.lookingAt()) {
        BigDecimal ms =
            new BigDecimal(t.group(2))
                .multiply(BigDecimal.valueOf(3_600_000L))
                .add(BigDecimal.valueOf(Integer.parseInt(t.group(3)) * 60_000L))
                .add(
                    t.group(4) == null
                        ? BigDecimal.ZERO
                        : new BigDecimal(t.group(4)).multiply(BigDecimal.valueOf(1000)));
        millis = "-".equals(t.group(1)) ? millis.subtract(ms) : millis.add(ms);
        i = t.end();
        continue;
      }
      Matcher a = AMOUNT.matcher(s).region(i, s.length());
      if (!a.lookingAt()) {
        throw invalid(text);
      }
      BigDecimal n = new BigDecimal(a.group(1));
      if (n.precision() - n.scale() > 20) {
        throw new SqlException("22015", "interval field value out of range: \"" + text + "\"");
      }
      String unit = a.group(2);
      if (unit.isEmpty() && TIME.matcher(s).region(skipSpace(s, a.end()), s.length()).lookingAt()) {
        unit = "day"; // a bare number before a time of day is days: 1 02:00:00
      }
      switch (unit) {
        case "millennium", "millennia", "millenniums", "mil", "mils" ->
            months = months.add(wholeMonths(n, 12_000));
        case "century", "centuries", "c" -> months = months.add(wholeMonths(n, 1200));
        case "decade", "decades", "dec", "decs" -> months = months.add(wholeMonths(n, 120));
        case "year", "years", "y", "yr", "yrs" -> months = months.add(wholeMonths(n, 12));
        case "month", "months", "mon", "mons" -> months = months.add(n);
        case "week", "weeks", "w" -> days = days.add(n.multiply(BigDecimal.valueOf(7)));
        case "day", "days", "d" -> days = days.add(n);
        case "hour", "hours", "h", "hr", "hrs" ->
            millis = millis.add(n.multiply(BigDecimal.valueOf(3_600_000L)));
        case "minute", "minutes", "m", "min", "mins" ->
            millis = millis.add(n.multiply(BigDecimal.valueOf(60_000L)));
        case "second", "seconds", "s", "sec", "secs", "" ->
            millis = millis.add(n.multiply(BigDecimal.valueOf(1000)));
        case "millisecond", "milliseconds", "ms", "msec", "msecs" -> millis = millis.add(n);
        case "microsecond", "microseconds", "us", "usec", "usecs" ->
            millis = millis.add(n.divide(BigDecimal.valueOf(1000)));
        default -> throw invalid(text);
      }
      i = a.end();
    }
    // fractions carry down as PostgreSQL carries them: a month is 30 days, a day 24 hours
    BigDecimal wholeMonths = months.setScale(0, RoundingMode.DOWN);
    days = days.add(months.subtract(wholeMonths).multiply(BigDecimal.valueOf(30)));
    BigDecimal wholeDays = days.setScale(0, RoundingMode.DOWN);
    millis = millis.add(days.subtract(wholeDays).multiply(BigDecimal.valueOf(86_400_000L)));
    long sign = ago ? -1 : 1;
    try {
      // PostgreSQL keeps months and days as 32-bit numbers, and the time in microseconds
      long m = wholeMonths.intValueExact();
      long d = wholeDays.intValueExact();
      long ms = millis.setScale(0, RoundingMode.HALF_UP).longValueExact();
      Math.multiplyExact(ms, 1000L);
      return new Parts(sign * m, sign * d, sign * ms);
    } catch (ArithmeticException e) {
      throw new SqlException("22015", "interval field value out of range: \"" + text + "\"");
    }
  }

  /**
   * Years (or decades, centuries, millennia) as months: a fraction of a year is rounded to whole
   * months, as PostgreSQL does, not carried into days.
   */
  private static BigDecimal wholeMonths(BigDecimal n, int monthsPerUnit) {
    return n.multiply(BigDecimal.valueOf(monthsPerUnit)).setScale(0, RoundingMode.HALF_EVEN);
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /**
   * The interval written in {@code text} as a Calcite constant: months as YEAR TO MONTH, a span
   * with days as DAY TO SECOND, one without as HOUR TO SECOND (so that it shows as PostgreSQL shows
   * it); one with both months and days as a call of PG_INTERVAL, which holds both.
   */
  public static String calcite(String text) {
    Parts p = parse(text);
    String months = null;
    if (p.months() != 0) {
      long m = Math.abs(p.months());
      months =
          "INTERVAL '" + (p.months() < 0 ? "-" : "") + m / 12 + "-" + m % 12 + "' YEAR(9) TO MONTH";
    }
    long total = Math.addExact(Math.multiplyExact(p.days(), 86_400_000L), p.millis());
    String time = null;
    if (total != 0 || months == null) {
      long t = Math.abs(total);
      String clock =
          String.format(
              Locale.ROOT,
              "%d:%02d:%02d.%03d",
              (p.days() != 0 ? t % 86_400_000L : t) / 3_600_000L,
              t / 60_000L % 60,
              t / 1000 % 60,
              t % 1000);
      time =
          p.days() != 0
              ? "INTERVAL '"
                  + (total < 0 ? "-" : "")
                  + t / 86_400_000L
                  + " "
                  + clock
                  + "' DAY(9) TO SECOND(3)"
              : "INTERVAL '" + (total < 0 ? "-" : "") + clock + "' HOUR(9) TO SECOND(3)";
    }
    if (months == null || time == null) {
      return months == null ? time : months;
    }
    // months and days: one value of both (see ColumnType.INTERVAL_MONTHS)
    return "PG_INTERVAL('" + text.replace("'", "''") + "')";
  }

  /** The interval {@code text} says as a packed year-month value (see PG_INTERVAL). */
  public static long packed(String text) {
    Parts p = parse(text);
    return ColumnType.packInterval(
        p.months(), Math.addExact(Math.multiplyExact(p.days(), 86_400_000L), p.millis()));
  }

  private static SqlException invalid(String text) {
    return new SqlException("22007", "invalid input syntax for type interval: \"" + text + "\"");
  }
}
