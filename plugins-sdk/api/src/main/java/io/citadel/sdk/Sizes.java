package io.citadel.sdk;

import java.util.Locale;

/**
 * Byte sizes as operators write them: 500, 10K, 20M, 3G, 1T (powers of 1024), for options and
 * console commands that take or print sizes.
 */
public final class Sizes {
  private Sizes() {}

  /**
   * The bytes {@code text} names.
   *
   * @throws IllegalArgumentException naming the text when it is no size
   */
  public static long parse(String text) {
    String s = text.strip().toUpperCase(Locale.ROOT);
    if (s.endsWith("B")) {
      s = s.substring(0, s.length() - 1);
    }
    int shift = 0;
    if (!s.isEmpty()) {
      switch (s.charAt(s.length() - 1)) {
        case 'K' -> shift = 10;
        case 'M' -> shift = 20;
        case 'G' -> shift = 30;
        case 'T' -> shift = 40;
        default -> shift = 0;
      }
    }
    String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
    try {
      long v = Long.parseLong(digits.strip());
      if (v < 0 || v > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException();
      }
      return v << shift;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a size: a whole number of bytes, or with K, M, G or T");
    }
  }

  /** {@code bytes} in the largest unit that leaves a number from 1 to 1023, e.g. "1.5 MiB". */
  public static String format(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
