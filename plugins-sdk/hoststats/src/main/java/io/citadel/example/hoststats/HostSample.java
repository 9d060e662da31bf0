package io.citadel.example.hoststats;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * One sample of the node's resources.
 *
 * @param host the node's name
 * @param at when it was taken
 * @param cores processors available to the JVM
 * @param cpuLoad the whole machine's recent CPU load, 0..1, or -1 when unknown
 * @param loadAverage the one-minute load average, or -1 when unknown
 * @param memoryTotalBytes physical memory
 * @param memoryFreeBytes free physical memory
 * @param diskPath the path whose file system is reported
 * @param diskTotalBytes that file system's size
 * @param diskUsableBytes the bytes this JVM may still write there
 */
record HostSample(
    String host,
    Instant at,
    int cores,
    double cpuLoad,
    double loadAverage,
    long memoryTotalBytes,
    long memoryFreeBytes,
    String diskPath,
    long diskTotalBytes,
    long diskUsableBytes) {

  /**
   * Takes a sample. The operating-system figures come from the platform MBean's attributes, so the
   * bundle needs no import of {@code com.sun.management}.
   */
  static HostSample take(String host, Path disk) throws IOException {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName os;
    try {
      os = new ObjectName(ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME);
    } catch (JMException e) {
      throw new IllegalStateException(e);
    }
    Files.createDirectories(disk);
    FileStore store = Files.getFileStore(disk);
    return new HostSample(
        host,
        Instant.now(),
        Runtime.getRuntime().availableProcessors(),
        number(server, os, "CpuLoad", -1),
        number(server, os, "SystemLoadAverage", -1),
        (long) number(server, os, "TotalMemorySize", -1),
        (long) number(server, os, "FreeMemorySize", -1),
        disk.toString(),
        store.getTotalSpace(),
        store.getUsableSpace());
  }

  private static double number(MBeanServer server, ObjectName name, String attribute, double none) {
    try {
      Object value = server.getAttribute(name, attribute);
      return value instanceof Number n ? n.doubleValue() : none;
    } catch (JMException | RuntimeException e) {
      return none;
    }
  }

  /** The JSON document published in ZooKeeper. */
  String toJson() {
    return String.format(
        Locale.ROOT,
        "{\"host\":%s,\"timestamp\":\"%s\","
            + "\"cpu\":{\"cores\":%d,\"load\":%.4f,\"loadAverage1m\":%.2f},"
            + "\"memory\":{\"totalBytes\":%d,\"freeBytes\":%d},"
            + "\"disk\":{\"path\":%s,\"totalBytes\":%d,\"usableBytes\":%d}}",
        quote(host),
        at,
        cores,
        cpuLoad,
        loadAverage,
        memoryTotalBytes,
        memoryFreeBytes,
        quote(diskPath),
        diskTotalBytes,
        diskUsableBytes);
  }

  static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
