package io.citadel.engine.internal.types;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A session's time zone, PostgreSQL's {@code TimeZone} setting: what a {@code timestamp with time
 * zone} is shown in, what text without an offset is read in, and where date_trunc, extract and the
 * casts to and from {@code timestamp}, {@code date} and {@code time} find the local date and time.
 *
 * <p>The setting takes what PostgreSQL takes: a name of the IANA time zone database, matched
 * without regard to case ({@code europe/berlin} is {@code Europe/Berlin}); a number of hours east
 * of Greenwich, quoted or not ({@code SET TIME ZONE -7}, {@code '+03'}, shown as {@code <-07>+07});
 * and a POSIX zone with a fixed offset, which counts hours <em>west</em> of Greenwich ({@code
 * 'UTC+3'} is three hours behind UTC). POSIX zones with daylight-saving rules are refused. A local
 * time that a daylight-saving transition skips or repeats is read as PostgreSQL reads it: in the
 * offset that held before a gap, and in standard time in an overlap.
 */
public final class TimeZones {
  private TimeZones() {}

  /** A setting read: the zone and the name SHOW TimeZone answers. */
  public record Setting(ZoneId zone, String shown) {}

  public static final Setting UTC = new Setting(ZoneOffset.UTC, "UTC");

  private static final Map<String, String> IDS = new HashMap<>();

  static {
    for (String id : ZoneId.getAvailableZoneIds()) {
      IDS.put(id.toLowerCase(Locale.ROOT), id);
    }
  }

  /** The zone names that mean UTC itself, shown as given. */
  private static final java.util.Set<String> UTC_NAMES =
      java.util.Set.of(
          "utc",
          "etc/utc",
          "gmt",
          "etc/gmt",
          "universal",
          "etc/universal",
          "zulu",
          "etc/zulu",
          "z",
          "gmt0",
          "etc/gmt0",
          "uct",
          "etc/uct",
          "greenwich",
          "etc/greenwich");

  /** A POSIX zone with a fixed offset: an optional name, then hours (and minutes) west of UTC. */
  private static final Pattern POSIX =
      Pattern.compile("([A-Za-z]{3,}|<[^>]*>)?([+-]?)(\\d{1,2})(?::(\\d{2}))?(?::(\\d{2}))?");

  /** A number of hours east of UTC, as {@code SET TIME ZONE 5.5} gives it. */
  private static final Pattern HOURS = Pattern.compile("([+-]?)(\\d{1,2})(?:\\.(\\d+))?");

  /**
   * Reads a TimeZone setting's value, as SET (without its quotes) or the start-up packet gives it.
   * {@code DEFAULT} and {@code LOCAL} are the server's zone, UTC (a session's SET takes them as its
   * start-up value first).
   *
   * @throws SqlException 22023 naming the value when it is no time zone
   */
  public static Setting setting(String value) {
    String v = value.strip();
    String lower = v.toLowerCase(Locale.ROOT);
    if (lower.equals("default") || lower.equals("local")) {
      return UTC;
    }
    if (UTC_NAMES.contains(lower)) {
      return new Setting(ZoneOffset.UTC, v);
    }
    Matcher hours = HOURS.matcher(v);
    if (hours.matches()) {
      // hours east of Greenwich; PostgreSQL shows the POSIX zone it makes of them
      double h = Double.parseDouble(v);
      int seconds = (int) Math.round(h * 3600);
      return fixed(seconds, v);
    }
    String id = IDS.get(lower);
    if (id != null) {
      return new Setting(ZoneId.of(id), id);
    }
    Matcher posix = POSIX.matcher(v);
    if (posix.matches()) {
      int h = Integer.parseInt(posix.group(3));
      int m = posix.group(4) == null ? 0 : Integer.parseInt(posix.group(4));
      int s = posix.group(5) == null ? 0 : Integer.parseInt(posix.group(5));
      if (h <= 24 && m < 60 && s < 60) {
        int west = (h * 3600 + m * 60 + s) * (posix.group(2).equals("-") ? -1 : 1);
        return new Setting(ZoneOffset.ofTotalSeconds(-west), v);
      }
    }
    throw new SqlException(
        SqlException.INVALID_PARAMETER, "invalid value for parameter \"TimeZone\": \"" + v + "\"");
  }

  /** A fixed offset given in hours east, shown as PostgreSQL shows it: {@code <+05:30>-05:30}. */
  private static Setting fixed(int secondsEast, String given) {
    if (Math.abs(secondsEast) > 15 * 3600 + 59 * 60) {
      throw new SqlException(
          SqlException.INVALID_PARAMETER,
          "invalid value for parameter \"TimeZone\": \"" + given + "\"");
    }
    String east = offset(secondsEast);
    String west = offset(-secondsEast);
    return new Setting(ZoneOffset.ofTotalSeconds(secondsEast), "<" + east + ">" + west);
  }

  /** Whether values in this zone read and show as in UTC. */
  public static boolean isUtc(ZoneId zone) {
    return zone == null || zone.equals(ZoneOffset.UTC);
  }

  /** An instant's local date and time in the zone, as milliseconds of a zoneless timestamp. */
  public static long local(long instantMillis, ZoneId zone) {
    if (isUtc(zone)) {
      return instantMillis;
    }
    int offset = zone.getRules().getOffset(Instant.ofEpochMilli(instantMillis)).getTotalSeconds();
    return instantMillis + offset * 1000L;
  }

  /**
   * The instant at which the zone's clocks show a local date and time (milliseconds of a zoneless
   * timestamp): before a gap's offset for a time the gap skips, standard time for a repeated one.
   */
  public static long instant(long localMillis, ZoneId zone) {
    if (isUtc(zone)) {
      return localMillis;
    }
    LocalDateTime t =
        LocalDateTime.ofEpochSecond(
            Math.floorDiv(localMillis, 1000),
            (int) Math.floorMod(localMillis, 1000) * 1_000_000,
            ZoneOffset.UTC);
    return at(t, zone).toInstant().toEpochMilli();
  }

  /** A local date and time in the zone, read as PostgreSQL reads an ambiguous or skipped one. */
  static ZonedDateTime at(LocalDateTime t, ZoneId zone) {
    ZonedDateTime z = ZonedDateTime.ofLocal(t, zone, null);
    try {
      // of two readings, the later offset's: after a fall-back transition, standard time
      return z.withLaterOffsetAtOverlap();
    } catch (DateTimeException e) {
      return z;
    }
  }

  /**
   * The zone's offset at an instant as PostgreSQL writes it after a value: +00, -03:30, +00:53:28.
   */
  public static String offsetAt(long instantMillis, ZoneId zone) {
    if (isUtc(zone)) {
      return "+00";
    }
    return offset(zone.getRules().getOffset(Instant.ofEpochMilli(instantMillis)).getTotalSeconds());
  }

  private static String offset(int seconds) {
    int a = Math.abs(seconds);
    StringBuilder s = new StringBuilder(seconds < 0 ? "-" : "+");
    s.append(String.format(Locale.ROOT, "%02d", a / 3600));
    if (a % 3600 != 0) {
      s.append(String.format(Locale.ROOT, ":%02d", a / 60 % 60));
      if (a % 60 != 0) {
        s.append(String.format(Locale.ROOT, ":%02d", a % 60));
      }
    }
    return s.toString();
  }
}
