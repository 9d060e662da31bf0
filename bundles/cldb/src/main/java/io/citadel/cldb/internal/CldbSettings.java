package io.citadel.cldb.internal;

import io.citadel.sdk.ConfigReader;
import io.citadel.sdk.ServiceSettings;
import java.util.List;
import java.util.Map;

/**
 * The CLDB's settings, read from its configuration: each bad value is named in {@code problems} and
 * replaced by its default.
 */
record CldbSettings(String host, String listenAddress, int port, int diskFullPercent) {

  static CldbSettings from(Map<String, ?> c, List<String> problems) {
    ConfigReader r = new ConfigReader(c, problems);
    String address = r.text("listen-address", "127.0.0.1");
    int port = r.number("port", 7222, 1, 65_535);
    Object warden = c.get(ServiceSettings.PORT);
    if (warden != null && !warden.toString().isBlank()) {
      port = r.number(ServiceSettings.PORT, port, 1, 65_535);
    }
    int full = r.number("disk-full-percent", 90, 1, 100);
    return new CldbSettings(ServiceSettings.host(c), address, port, full);
  }

  String apiAddress() {
    return listenAddress + ":" + port;
  }
}
