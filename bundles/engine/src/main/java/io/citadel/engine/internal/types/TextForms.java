package io.citadel.engine.internal.types;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The input and output forms PostgreSQL gives {@code uuid}, {@code bytea}, {@code time} and {@code
 * timestamptz}. Input that is not such a value throws {@link IllegalArgumentException} (or {@link
 * DateTimeParseException}), which {@link ColumnType#parse} reports as 22P02 naming the value.
 */
final class TextForms {
  private TextForms() {}

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /**
   * A uuid in its canonical form. Taken as PostgreSQL takes it: upper or lower case, in braces or
   * not, with a hyphen after any group of four digits or none.
   */
  static String uuid(String s) {
    String t = s;
    if (t.startsWith("{") && t.endsWith("}")) {
      t = t.substring(1, t.length() - 1);
    }
    char[] digits = new char[32];
    int n = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '-' && n > 0 && n % 4 == 0 && i + 1 < t.length() && t.charAt(i + 1) != '-') {
        continue;
      }
      int d = hexDigit(c);
      if (d < 0 || n == 32) {
        throw new IllegalArgumentException(s);
      }
      digits[n++] = HEX[d];
    }
    if (n != 32) {
      throw new IllegalArgumentException(s);
    }
    String h = new String(digits);
    return h.substring(0, 8)
        + '-'
        + h.substring(8, 12)
        + '-'
        + h.substring(12, 16)
        + '-'
        + h.substring(16, 20)
        + '-'
        + h.substring(20);
  }

  /**
   * A bytea in its hex form: {@code \x} then two digits per byte (white space between bytes is
   * allowed in), or the escape form, where {@code \\} is a backslash and {@code \ooo} an octal
   * byte, and any other character stands for its UTF-8 bytes.
   */
  static String bytea(String s) {
    if (s.startsWith("\\x")) {
      StringBuilder out = new StringBuilder(s.length()).append("\\x");
      int i = 2;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
          continue;
        }
        if (hexDigit(c) < 0) {
          throw badHex("invalid hexadecimal digit: \"" + c + "\"");
        }
        if (i + 1 >= s.length()) {
          throw badHex("invalid hexadecimal data: odd number of digits");
        }
        if (hexDigit(s.charAt(i + 1)) < 0) {
          throw badHex("invalid hexadecimal digit: \"" + s.charAt(i + 1) + "\"");
        }
        out.append(Character.toLowerCase(c)).append(Character.toLowerCase(s.charAt(i + 1)));
        i += 2;
      }
      return out.toString();
    }
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != '\\') {
        int end = i + Character.charCount(s.codePointAt(i));
        bytes.writeBytes(s.substring(i, end).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        i = end;
      } else if (s.startsWith("\\\\", i)) {
        bytes.write('\\');
        i += 2;
      } else if (i + 3 < s.length()
          && isOctal(s.charAt(i + 1), '3')
          && isOctal(s.charAt(i + 2), '7')
          && isOctal(s.charAt(i + 3), '7')) {
        bytes.write(Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 4;
      } else {
        throw new IllegalArgumentException(s);
      }
    }
    return hex(bytes.toByteArray());
  }

  /** An ASCII hex digit's value, or -1 (other scripts' digits are not hex digits here). */
  private static int hexDigit(char c) {
    return c < 128 ? Character.digit(c, 16) : -1;
  }

  private static SqlException badHex(String message) {
    return new SqlException(SqlException.INVALID_PARAMETER, message);
  }

  private static boolean isOctal(char c, char max) {
    return c >= '0' && c <= max;
  }

  /** Bytes in bytea's hex form. */
  static String hex(byte[] b) {
    char[] out = new char[2 + 2 * b.length];
    out[0] = '\\';
    out[1] = 'x';
    for (int i = 0; i < b.length; i++) {
      out[2 + 2 * i] = HEX[(b[i] >> 4) & 0xf];
      out[3 + 2 * i] = HEX[b[i] & 0xf];
    }
    return new String(out);
  }

  /** The bytes of a bytea in its hex form. */
  static byte[] bytes(String hex) {
    byte[] b = new byte[(hex.length() - 2) / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] =
          (byte)
              ((Character.digit(hex.charAt(2 + 2 * i), 16) << 4)
                  | Character.digit(hex.charAt(3 + 2 * i), 16));
    }
    return b;
  }

  private static final Pattern ZONE =
      Pattern.compile(
          "\\s*(?:([+-])(\\d{1,2})(?::?(\\d{2}))?(?::?(\\d{2}))?|(Z|z|UTC|GMT)|\\s([A-Za-z][A-Za-z_/+-]*))$");

  /**
   * A timestamptz's instant, in milliseconds: the local date and time read with {@code local}, at
   * the offset or zone written after it, or in the session's time zone when there is none.
   */
  static long instant(String s, DateTimeFormatter local, ZoneId sessionZone) {
    Matcher m = ZONE.matcher(s);
    String text = s;
    ZoneId zone = sessionZone == null ? ZoneOffset.UTC : sessionZone;
    if (s.length() > 10 && m.find()) {
      text = s.substring(0, m.start());
      if (m.group(1) != null) {
        int sign = m.group(1).equals("-") ? -1 : 1;
        int h = Integer.parseInt(m.group(2));
        int min = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        int sec = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
        if (min > 59 || sec > 59 || h * 3600 + min * 60 + sec >= 16 * 3600) {
          // PostgreSQL's limit: offsets under 16 hours either way
          throw new SqlException("22009", "time zone displacement out of range: \"" + s + "\"");
        }
        zone = ZoneOffset.ofTotalSeconds(sign * (h * 3600 + min * 60 + sec));
      } else if (m.group(6) != null) {
        try {
          zone = ZoneId.of(m.group(6));
        } catch (java.time.DateTimeException e) {
          throw new IllegalArgumentException(s);
        }
      }
    }
    return TimeZones.at(LocalDateTime.parse(text.trim(), local), zone).toInstant().toEpochMilli();
  }

  private static final Pattern TIME =
      Pattern.compile("(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?");

  /** A time of day, in milliseconds since midnight; 24:00:00 is the end of the day. */
  static long timeOfDay(String s) {
    String t = s.toLowerCase(Locale.ROOT);
    if (t.equals("allballs")) {
      return 0;
    }
    int space = t.indexOf(' ');
    if (space > 0 && t.substring(0, space).matches("\\d{4}-\\d{2}-\\d{2}")) {
      t = t.substring(space + 1).trim(); // a timestamp's time
    }
    Matcher m = TIME.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException(s);
    }
    int h = Integer.parseInt(m.group(1));
    int min = Integer.parseInt(m.group(2));
    int sec = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
    long frac = 0;
    if (m.group(4) != null) {
      // rounded to the millisecond, the precision Citadel keeps
      frac = Math.round(Double.parseDouble("0." + m.group(4)) * 1000);
    }
    long ms = ((h * 60L + min) * 60 + sec) * 1000 + frac;
    if (min > 59 || sec > 60 || ms > 86_400_000L) {
      throw new SqlException("22008", "date/time field value out of range: \"" + s + "\"");
    }
    return ms;
  }

  /** A time of day as PostgreSQL writes it: {@code 13:05:00}, {@code 13:05:00.25}. */
  static String formatTime(long ms) {
    long s = ms / 1000;
    String base = String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    int frac = (int) (ms % 1000);
    if (frac == 0) {
      return base;
    }
    return base + "." + String.format(Locale.ROOT, "%03d", frac).replaceAll("0+$", "");
  }

  /**
   * An interval as PostgreSQL shows it (IntervalStyle postgres): {@code 1 year 2 mons 3 days} for
   * months and what is under them ({@code scale} 0, packed); for milliseconds, days and a time
   * ({@code 2 days 02:30:00}, scale 1) or a time alone ({@code 25:00:00}, scale 2); {@code
   * 00:00:00} for nothing.
   */
  static String formatInterval(long v, int scale) {
    StringBuilder out = new StringBuilder();
    if (scale == 0) {
      long total = ColumnType.intervalMonths(v);
      long rest = ColumnType.intervalMillis(v);
      long years = total / 12;
      long months = total % 12;
      if (years != 0) {
        out.append(years).append(years == 1 ? " year" : " years");
      }
      if (months != 0) {
        out.append(out.length() > 0 ? " " : "")
            .append(months)
            .append(months == 1 ? " mon" : " mons");
      }
      if (rest == 0) {
        return out.length() == 0 ? "00:00:00" : out.toString();
      }
      String days = formatInterval(rest, 1);
      return out.length() == 0 ? days : out + " " + days;
    }
    long ms = v;
    if (scale == 1) {
      long days = ms / 86_400_000L;
      ms = ms % 86_400_000L;
      if (days != 0) {
        out.append(days).append(days == 1 ? " day" : " days");
        if (ms == 0) {
          return out.toString();
        }
        out.append(' ');
      }
    }
    if (ms < 0) {
      out.append('-');
      ms = -ms;
    }
    long s = ms / 1000;
    out.append(String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60));
    int frac = (int) (ms % 1000);
    if (frac != 0) {
      out.append('.').append(String.format(Locale.ROOT, "%03d", frac).replaceAll("0+$", ""));
    }
    return out.toString();
  }
}
