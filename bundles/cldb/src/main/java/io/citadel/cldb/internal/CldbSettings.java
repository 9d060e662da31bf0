package io.citadel.cldb.internal;

import io.citadel.sdk.ServiceSettings;
import java.util.List;
import java.util.Map;

/**
 * The CLDB's settings, read from its configuration: each bad value is named in {@code problems} and
 * replaced by its default.
 */
record CldbSettings(String host, String listenAddress, int port, int diskFullPercent) {

  static CldbSettings from(Map<String, ?> c, List<String> problems) {
    String address = text(c, "listen-address", "127.0.0.1");
    int port = number(c, "port", 7222, 1, 65_535, problems);
    Object warden = c.get(ServiceSettings.PORT);
    if (warden != null && !warden.toString().isBlank()) {
      port = number(c, ServiceSettings.PORT, port, 1, 65_535, problems);
    }
    int full = number(c, "disk-full-percent", 90, 1, 100, problems);
    return new CldbSettings(ServiceSettings.host(c), address, port, full);
  }

  private static String text(Map<String, ?> c, String key, String fallback) {
    Object v = c.get(key);
    return v == null || v.toString().isBlank() ? fallback : v.toString().strip();
  }

  private static int number(
      Map<String, ?> c, String key, int fallback, int min, int max, List<String> problems) {
    String text = text(c, key, "");
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

  String apiAddress() {
    return listenAddress + ":" + port;
  }
}
