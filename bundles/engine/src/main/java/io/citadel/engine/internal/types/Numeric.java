package io.citadel.engine.internal.types;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * PostgreSQL's {@code numeric} beyond what a {@code long} holds: values of any precision, each with
 * its own scale ({@code 1.50} keeps its two digits), kept as their plain text ({@link
 * TypeKind#NUMERIC}). The rules here are PostgreSQL's: a type modifier {@code numeric(p, s)} rounds
 * to s digits half away from zero and refuses more than p - s digits before the point; {@code +},
 * {@code -} and {@code *} are exact; {@code /} (and {@code avg}) choose the result's scale as
 * PostgreSQL's {@code select_div_scale} does, so that {@code 1.0 / 3} shows twenty digits.
 */
public final class Numeric {
  private Numeric() {}

  /** The most digits a type modifier may give, as in PostgreSQL. */
  public static final int MAX_PRECISION = 1000;

  /** The most fractional digits a computed quotient shows (PostgreSQL's display limit). */
  private static final int MAX_DISPLAY_SCALE = 1000;

  /** PostgreSQL's {@code NUMERIC_MIN_SIG_DIGITS}: a quotient has at least this many. */
  private static final int MIN_SIG_DIGITS = 16;

  /** The largest power of ten a value may reach (PostgreSQL: 131,072 digits before the point). */
  private static final int MAX_WEIGHT_DIGITS = 131_072;

  /** The text of a value as it is kept and shown: plain digits, never an exponent. */
  public static String text(BigDecimal v) {
    check(v);
    return v.toPlainString();
  }

  /** A kept value's number. */
  public static BigDecimal value(String text) {
    return new BigDecimal(text);
  }

  /**
   * {@code text} read as a numeric ({@code 1.5}, {@code -2e3}, {@code .5}, with spaces around);
   * 22P02 when it is not a number. NaN and the infinities are not supported.
   */
  public static BigDecimal parse(String text) {
    String t = text.strip();
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c > 127) {
        throw invalid(text); // BigDecimal would take other scripts' digits
      }
    }
    try {
      BigDecimal v = new BigDecimal(t);
      check(v); // before anything writes out its digits: 1e1000000000 is refused, not built
      if (v.scale() < 0) {
        v = v.setScale(0); // 2e3 is 2000, shown so
      }
      return v;
    } catch (NumberFormatException e) {
      if (t.equalsIgnoreCase("nan") || t.matches("(?i)[+-]?inf(inity)?")) {
        throw new SqlException(
            SqlException.FEATURE_NOT_SUPPORTED, "numeric " + t + " is not supported");
      }
      throw invalid(text);
    }
  }

  /**
   * {@code v} held to {@code numeric(precision, scale)}: rounded to {@code scale} digits, half away
   * from zero, and 22003 when more than {@code precision - scale} digits remain before the point. A
   * precision of 0 is {@code numeric} without a modifier: {@code v} as it is.
   */
  public static BigDecimal fit(BigDecimal v, int precision, int scale) {
    if (precision <= 0) {
      return v;
    }
    BigDecimal r = v.setScale(scale, RoundingMode.HALF_UP);
    if (r.signum() != 0 && r.precision() - r.scale() > precision - scale) {
      throw new SqlException(
          SqlException.NUMERIC_OUT_OF_RANGE,
          "numeric field overflow: a field with precision "
              + precision
              + ", scale "
              + scale
              + " must round to an absolute value less than 10^"
              + (precision - scale));
    }
    return r;
  }

  /** Two kept values compared as the numbers they are. */
  public static int compare(String a, String b) {
    return new BigDecimal(a).compareTo(new BigDecimal(b));
  }

  /** {@code x / y} with PostgreSQL's choice of scale for the quotient, rounded half up. */
  public static BigDecimal divide(BigDecimal x, BigDecimal y) {
    if (y.signum() == 0) {
      throw new SqlException("22012", "division by zero");
    }
    return x.divide(y, divideScale(x, y), RoundingMode.HALF_UP);
  }

  /**
   * PostgreSQL's {@code select_div_scale}: about sixteen significant digits in the quotient,
   * estimated from the leading base-10000 digit groups of the operands, and never fewer fractional
   * digits than either operand has.
   */
  static int divideScale(BigDecimal x, BigDecimal y) {
    int w1 = weight(x);
    int w2 = weight(y);
    int qweight = w1 - w2;
    if (firstGroup(x, w1) <= firstGroup(y, w2)) {
      qweight--;
    }
    int scale = MIN_SIG_DIGITS - qweight * 4;
    scale = Math.max(scale, Math.max(x.scale(), y.scale()));
    return Math.min(Math.max(scale, 0), MAX_DISPLAY_SCALE);
  }

  /** The place of the leading base-10000 digit group: 0 for 1..9999, -1 for .0001...9999 ... */
  private static int weight(BigDecimal v) {
    if (v.signum() == 0) {
      return 0;
    }
    int exponent = v.precision() - v.scale() - 1; // of the leading decimal digit
    return Math.floorDiv(exponent, 4);
  }

  /** The value of the leading base-10000 digit group (0 for zero). */
  private static int firstGroup(BigDecimal v, int weight) {
    if (v.signum() == 0) {
      return 0;
    }
    return v.abs().movePointLeft(4 * weight).setScale(0, RoundingMode.DOWN).intValueExact();
  }

  /** An exact number from a double, as PostgreSQL converts float8: fifteen significant digits. */
  public static BigDecimal ofDouble(double d) {
    if (!Double.isFinite(d)) {
      throw new SqlException(
          SqlException.FEATURE_NOT_SUPPORTED, "numeric " + d + " is not supported");
    }
    if (d == 0) {
      return BigDecimal.ZERO;
    }
    BigDecimal v = new BigDecimal(d).round(new MathContext(15, RoundingMode.HALF_EVEN));
    v = v.stripTrailingZeros();
    return v.scale() < 0 ? v.setScale(0) : v;
  }

  /**
   * What decides whether two values are equal for grouping and joining: {@code 1.0} and {@code 1}
   * are the same number.
   */
  public static String key(String text) {
    BigDecimal v = new BigDecimal(text);
    if (v.signum() == 0) {
      return "0";
    }
    v = v.stripTrailingZeros();
    return v.scale() < 0 ? v.setScale(0).toPlainString() : v.toPlainString();
  }

  /** PostgreSQL's most digits after the point a value may have. */
  private static final int MAX_SCALE = 16_383;

  /** The most digits round() and trunc() keep after the point (PostgreSQL's result limit). */
  public static final int MAX_RESULT_SCALE = 2000;

  private static void check(BigDecimal v) {
    if (v.signum() != 0
        && ((long) v.precision() - v.scale() > MAX_WEIGHT_DIGITS || v.scale() > MAX_SCALE)) {
      throw new SqlException(SqlException.NUMERIC_OUT_OF_RANGE, "value overflows numeric format");
    }
  }

  private static SqlException invalid(String text) {
    return new SqlException(
        SqlException.INVALID_TEXT, "invalid input syntax for type numeric: \"" + text + "\"");
  }
}
