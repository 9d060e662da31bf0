package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.SqlException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;
import java.util.List;
import java.util.Locale;

/**
 * PostgreSQL's date and time template patterns, for {@code to_char}, {@code to_date} and {@code
 * to_timestamp}: {@code YYYY YYY YY Y IYYY MM DD DDD D ID HH HH12 HH24 MI SS MS US AM PM A.M. P.M.
 * Month MONTH month Mon MON mon Day DAY day Dy DY dy Q W WW IW}, the {@code FM} prefix (no
 * padding), {@code "quoted text"} and a backslash before a character, which are copied; anything
 * else is copied as it is.
 */
final class DateFormat {
  private DateFormat() {}

  /** The patterns, longest first, so that a longer one is matched before its prefix. */
  private static final List<String> PATTERNS =
      List.of(
          "A.M.", "P.M.", "a.m.", "p.m.", "HH24", "HH12", "YYYY", "IYYY", "MONTH", "Month", "month",
          "YYY", "DDD", "MON", "Mon", "mon", "DAY", "Day", "day", "HH", "MI", "SS", "MS", "US",
          "YY", "MM", "DD", "DY", "Dy", "dy", "ID", "AM", "PM", "am", "pm", "WW", "IW", "Y", "D",
          "Q", "W");

  /** {@code to_char(timestamp, template)}. */
  static String format(LocalDateTime t, String template) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      if (template.charAt(i) == '"') {
        // quoted text is copied; within it a backslash escapes a quote
        i++;
        while (i < template.length() && template.charAt(i) != '"') {
          if (template.charAt(i) == '\\' && i + 1 < template.length()) {
            i++;
          }
          out.append(template.charAt(i++));
        }
        i++;
        continue;
      }
      boolean fill = !template.startsWith("FM", i) && !template.startsWith("fm", i);
      int at = fill ? i : i + 2;
      String p = patternAt(template, at);
      if (p == null) {
        out.append(template.charAt(i));
        i++;
        continue;
      }
      out.append(field(t, p, fill));
      i = at + p.length();
    }
    return out.toString();
  }

  private static String patternAt(String template, int at) {
    for (String p : PATTERNS) {
      if (template.startsWith(p, at)) {
        return p;
      }
    }
    return null;
  }

  private static String field(LocalDateTime t, String p, boolean fill) {
    LocalDate d = t.toLocalDate();
    int hour12 = t.getHour() % 12 == 0 ? 12 : t.getHour() % 12;
    return switch (p) {
      case "YYYY" -> pad(t.getYear(), fill ? 4 : 1);
      case "IYYY" -> pad(d.get(IsoFields.WEEK_BASED_YEAR), fill ? 4 : 1);
      case "YYY" -> pad(t.getYear() % 1000, fill ? 3 : 1);
      case "YY" -> pad(t.getYear() % 100, fill ? 2 : 1);
      case "Y" -> Integer.toString(t.getYear() % 10);
      case "MM" -> pad(t.getMonthValue(), fill ? 2 : 1);
      case "DD" -> pad(t.getDayOfMonth(), fill ? 2 : 1);
      case "DDD" -> pad(t.getDayOfYear(), fill ? 3 : 1);
      case "D" -> Integer.toString(d.getDayOfWeek().getValue() % 7 + 1);
      case "ID" -> Integer.toString(d.getDayOfWeek().getValue());
      case "HH", "HH12" -> pad(hour12, fill ? 2 : 1);
      case "HH24" -> pad(t.getHour(), fill ? 2 : 1);
      case "MI" -> pad(t.getMinute(), fill ? 2 : 1);
      case "SS" -> pad(t.getSecond(), fill ? 2 : 1);
      case "MS" -> pad(t.get(ChronoField.MILLI_OF_SECOND), fill ? 3 : 1);
      case "US" -> pad(t.get(ChronoField.MICRO_OF_SECOND), fill ? 6 : 1);
      case "AM", "PM" -> t.getHour() < 12 ? "AM" : "PM";
      case "am", "pm" -> t.getHour() < 12 ? "am" : "pm";
      case "A.M.", "P.M." -> t.getHour() < 12 ? "A.M." : "P.M.";
      case "a.m.", "p.m." -> t.getHour() < 12 ? "a.m." : "p.m.";
      case "MONTH", "Month", "month" -> name(monthName(t.getMonthValue()), p, fill ? 9 : 0);
      case "MON", "Mon", "mon" -> name(monthName(t.getMonthValue()).substring(0, 3), p, 0);
      case "DAY", "Day", "day" -> name(dayName(d.getDayOfWeek()), p, fill ? 9 : 0);
      case "DY", "Dy", "dy" -> name(dayName(d.getDayOfWeek()).substring(0, 3), p, 0);
      case "Q" -> Integer.toString((t.getMonthValue() + 2) / 3);
      case "W" -> Integer.toString((t.getDayOfMonth() - 1) / 7 + 1);
      case "WW" -> pad((t.getDayOfYear() - 1) / 7 + 1, fill ? 2 : 1);
      case "IW" -> pad(d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), fill ? 2 : 1);
      default -> p;
    };
  }

  private static String pad(int v, int width) {
    String s = Integer.toString(Math.abs(v));
    StringBuilder b = new StringBuilder(v < 0 ? "-" : "");
    for (int k = s.length(); k < width; k++) {
      b.append('0');
    }
    return b.append(s).toString();
  }

  /** A month or day name cased as the pattern is, blank-padded to {@code width}. */
  private static String name(String capitalized, String pattern, int width) {
    String s =
        Character.isLowerCase(pattern.charAt(0))
            ? capitalized.toLowerCase(Locale.ROOT)
            : Character.isUpperCase(pattern.charAt(1))
                ? capitalized.toUpperCase(Locale.ROOT)
                : capitalized;
    StringBuilder b = new StringBuilder(s);
    while (b.length() < width) {
      b.append(' ');
    }
    return b.toString();
  }

  private static String monthName(int m) {
    return switch (m) {
      case 1 -> "January";
      case 2 -> "February";
      case 3 -> "March";
      case 4 -> "April";
      case 5 -> "May";
      case 6 -> "June";
      case 7 -> "July";
      case 8 -> "August";
      case 9 -> "September";
      case 10 -> "October";
      case 11 -> "November";
      default -> "December";
    };
  }

  private static String dayName(DayOfWeek d) {
    String n = d.name();
    return n.charAt(0) + n.substring(1).toLowerCase(Locale.ROOT);
  }

  /**
   * {@code to_date(text, template)} and {@code to_timestamp(text, template)}: reads the fields the
   * template names, skipping the text's separators where the template has them; a field it does not
   * name is that of 0001-01-01 00:00:00 (the year, 1). Invalid values are errors, as in PostgreSQL
   * (22008 out of range, 22007 a bad format).
   */
  static LocalDateTime parse(String text, String template) {
    int year = 1;
    int month = 1;
    int day = 1;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int nanos = 0;
    boolean pm = false;
    boolean twelve = false;
    int i = 0;
    int t = 0;
    while (t < template.length()) {
      if (template.startsWith("FM", t) || template.startsWith("fm", t)) {
        t += 2;
        continue;
      }
      String p = patternAt(template, t);
      if (p == null) {
        // a letter or digit of the template stands for one character of the text; a separator
        // for a separator, if the text has one there
        char c = template.charAt(t++);
        if (i < text.length()
            && (Character.isLetterOrDigit(c) || !Character.isLetterOrDigit(text.charAt(i)))) {
          i++;
        }
        continue;
      }
      t += p.length();
      while (i < text.length() && text.charAt(i) == ' ') i++;
      switch (p) {
        case "MONTH", "Month", "month", "MON", "Mon", "mon" -> {
          int end = i;
          while (end < text.length() && Character.isLetter(text.charAt(end))) end++;
          month = monthOf(text.substring(i, end), text);
          i = end;
        }
        case "AM", "PM", "am", "pm", "A.M.", "P.M.", "a.m.", "p.m." -> {
          pm = text.regionMatches(true, i, "P", 0, 1);
          twelve = true;
          i = Math.min(text.length(), i + p.length());
        }
        case "DAY", "Day", "day", "DY", "Dy", "dy" -> {
          while (i < text.length() && Character.isLetter(text.charAt(i))) i++;
        }
        default -> {
          int width =
              switch (p) {
                case "YYYY", "IYYY" -> 4;
                case "YYY", "DDD", "MS" -> 3;
                case "US" -> 6;
                case "Y", "D", "ID", "Q", "W" -> 1;
                default -> 2;
              };
          int end = i;
          if (end < text.length() && text.charAt(end) == '-') end++;
          while (end < text.length() && end - i < width && Character.isDigit(text.charAt(end))) {
            end++;
          }
          boolean lastField = t >= template.length() || !Character.isLetter(template.charAt(t));
          if ((p.equals("YYYY") || p.equals("IYYY")) && lastField) {
            // a year of more digits, where no field follows at once (as 'YYYYMMDD' has)
            while (end < text.length() && Character.isDigit(text.charAt(end))) end++;
          }
          if (end == i) {
            throw new SqlException(
                "22007",
                "invalid value \""
                    + rest(text, i)
                    + "\" for \""
                    + p
                    + "\": no digits in "
                    + "\""
                    + text
                    + "\"");
          }
          int v = Integer.parseInt(text.substring(i, end));
          i = end;
          switch (p) {
            case "YYYY", "IYYY" -> year = v;
            case "YYY" -> year = 2000 + v;
            case "YY" -> year = v < 70 ? 2000 + v : 1900 + v;
            case "Y" -> year = 2000 + v;
            case "MM" -> month = v;
            case "DD" -> day = v;
            case "HH", "HH12" -> {
              hour = v;
              twelve = true;
            }
            case "HH24" -> hour = v;
            case "MI" -> minute = v;
            case "SS" -> second = v;
            case "MS" -> nanos = v * 1_000_000;
            case "US" -> nanos = v * 1000;
            default -> {
              // fields that name no part of the value (day of week, quarter, week)
            }
          }
        }
      }
    }
    if (twelve) {
      if (hour < 1 || hour > 12) {
        throw new SqlException("22008", "hour \"" + hour + "\" is invalid for the 12-hour clock");
      }
      hour = hour % 12 + (pm ? 12 : 0);
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second, nanos);
    } catch (java.time.DateTimeException e) {
      throw new SqlException("22008", "date/time field value out of range: \"" + text + "\"");
    }
  }

  private static String rest(String text, int i) {
    return text.substring(Math.min(i, text.length()));
  }

  private static int monthOf(String name, String text) {
    for (int m = 1; m <= 12; m++) {
      String full = monthName(m);
      if (name.equalsIgnoreCase(full) || name.equalsIgnoreCase(full.substring(0, 3))) {
        return m;
      }
    }
    throw new SqlException(
        "22007", "invalid value \"" + name + "\" for \"Mon\" in \"" + text + "\"");
  }
}
