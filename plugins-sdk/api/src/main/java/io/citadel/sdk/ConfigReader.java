package io.citadel.sdk;

import java.util.List;
import java.util.Map;

/**
 * Reads a service's options from its ConfigAdmin properties. A value that cannot be used is named
 * in {@code problems} (key, value, why) and the fallback is answered instead, so a service logs
 * every mistake and runs on what it can use.
 */
public final class ConfigReader {
  private final Map<String, ?> configuration;
  private final List<String> problems;

  public ConfigReader(Map<String, ?> configuration, List<String> problems) {
    this.configuration = configuration;
    this.problems = problems;
  }

  /** The value, stripped, or {@code fallback} when it is missing or blank. */
  public String text(String key, String fallback) {
    Object v = configuration.get(key);
    return v == null || v.toString().isBlank() ? fallback : v.toString().strip();
  }

  /** A whole number from {@code min} to {@code max}, or {@code fallback} (named when bad). */
  public int number(String key, int fallback, int min, int max) {
    String text = text(key, "");
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(text);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // named below
    }
    problems.add(key + "=" + text + ": must be a whole number from " + min + " to " + max);
    return fallback;
  }
}
