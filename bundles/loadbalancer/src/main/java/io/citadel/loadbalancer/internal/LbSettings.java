package io.citadel.loadbalancer.internal;

import io.citadel.sdk.ConfigReader;
import io.citadel.sdk.ServiceSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The balancer's settings, read from its configuration: each bad value is named in {@code problems}
 * and replaced by its default.
 */
record LbSettings(
    String host,
    String listenAddress,
    int pgPort,
    int httpPort,
    Algorithm algorithm,
    String group,
    List<Server> servers,
    int checkIntervalMs,
    int fall,
    int rise,
    int connectTimeoutMs) {

  /** A server named in the configuration: host:pg-port[:http-port]. */
  record Server(String id, String pg, String http) {}

  static LbSettings from(Map<String, ?> c, List<String> problems) {
    ConfigReader r = new ConfigReader(c, problems);
    Algorithm algorithm = Algorithm.LEAST_CONNECTIONS;
    String a = r.text("algorithm", "");
    if (!a.isEmpty()) {
      try {
        algorithm = Algorithm.parse(a);
      } catch (IllegalArgumentException e) {
        problems.add("algorithm=" + a + ": " + e.getMessage());
      }
    }
    List<Server> servers = new ArrayList<>();
    for (String s : r.text("servers", "").split(",")) {
      String t = s.strip();
      if (t.isEmpty()) {
        continue;
      }
      String[] p = t.split(":");
      if (p.length < 2 || p.length > 3 || !port(p[1]) || p.length == 3 && !port(p[2])) {
        problems.add("servers: \"" + t + "\" is not host:pg-port or host:pg-port:http-port");
        continue;
      }
      servers.add(
          new Server(p[0] + ":" + p[1], p[0] + ":" + p[1], p.length == 3 ? p[0] + ":" + p[2] : ""));
    }
    return new LbSettings(
        ServiceSettings.host(c),
        r.text("listen-address", "127.0.0.1"),
        r.number("pg-port", 6273, 1, 65_535),
        r.number("http-port", 6277, 0, 65_535),
        algorithm,
        r.text("group", ""),
        List.copyOf(servers),
        r.number("check-interval-ms", 500, 50, 60_000),
        r.number("fall", 2, 1, 100),
        r.number("rise", 2, 1, 100),
        r.number("connect-timeout-ms", 1_000, 10, 60_000));
  }

  private static boolean port(String text) {
    try {
      int p = Integer.parseInt(text.strip());
      return p > 0 && p < 65_536;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Whether changing to {@code o} needs the listeners or the servers' checks started again. */
  boolean sameExceptAlgorithm(LbSettings o) {
    return o != null
        && host.equals(o.host)
        && listenAddress.equals(o.listenAddress)
        && pgPort == o.pgPort
        && httpPort == o.httpPort
        && group.equals(o.group)
        && servers.equals(o.servers)
        && checkIntervalMs == o.checkIntervalMs
        && fall == o.fall
        && rise == o.rise
        && connectTimeoutMs == o.connectTimeoutMs;
  }
}
