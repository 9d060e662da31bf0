package io.citadel.warden.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * The validated settings of PID {@value #PID}.
 *
 * @param scanIntervalMs how often files are read and services checked
 * @param hostName this node's name in ZooKeeper
 * @param memoryTotalMb memory to share out, 0 for the physical memory
 * @param startTimeoutSec how long a service may take to become healthy
 * @param monitorIntervalSec how often a monitor command runs
 * @param suspendedStopMs when a suspended counted service stops, 0 for a sixth of the session
 */
record WardenOptions(
    int scanIntervalMs,
    String hostName,
    long memoryTotalMb,
    int startTimeoutSec,
    int monitorIntervalSec,
    long suspendedStopMs) {

  static final String PID = "io.citadel.warden";

  static WardenOptions parse(Map<String, ?> properties) {
    return new WardenOptions(
        (int) number(properties, "scan.interval.ms", 1000, 100, 60_000),
        hostName(properties.get("host.name")),
        number(properties, "memory.total.mb", 0, 0, Long.MAX_VALUE / 2),
        (int) number(properties, "start.timeout.sec", 60, 1, 3600),
        (int) number(properties, "monitor.interval.sec", 5, 1, 3600),
        number(properties, "suspended.stop.ms", 0, 0, 3_600_000));
  }

  private static String hostName(Object configured) {
    if (configured != null && !configured.toString().isBlank()) {
      String name = configured.toString().trim();
      if (!name.matches("[A-Za-z0-9_.-]+")) {
        throw new IllegalArgumentException("host.name=" + name + ": is not a host name");
      }
      return name;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  private static long number(
      Map<String, ?> properties, String key, long fallback, long min, long max) {
    Object value = properties.get(key);
    if (value == null || value.toString().isBlank()) {
      return fallback;
    }
    long parsed;
    try {
      parsed = value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + "=" + value + ": is not a whole number");
    }
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException(
          key + "=" + value + ": must be between " + min + " and " + max);
    }
    return parsed;
  }
}
