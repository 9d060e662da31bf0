package io.citadel.sdk;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What the Warden tells a service about itself, read from the service's configuration.
 *
 * <p>The Warden writes these keys into the service's ConfigAdmin configuration (PID {@code
 * io.citadel.<name>}) before it starts the service and whenever they change; a service reads them
 * in its {@code @Activate}/{@code @Modified} method. Outside a Warden (a bundle started by hand),
 * the keys are absent and the optional values are empty: the service then uses its own defaults.
 *
 * @param name the service's name ({@value #NAME})
 * @param memoryBudgetMb the memory the service may use, in MiB ({@value #MEMORY_MB}): the Warden's
 *     share {@code max(heapsize.min, min(heapsize.max, total * percent / 100))}
 * @param port the port the service must listen on, from {@code service.port} ({@value #PORT})
 * @param dependencies the services it depends on, from its triplet ({@value #DEPENDS})
 */
public record ServiceSettings(
    String name, OptionalLong memoryBudgetMb, OptionalInt port, List<String> dependencies) {

  /** Configuration key: the service's name. */
  public static final String NAME = "citadel.service.name";

  /** Configuration key: the memory budget in MiB. */
  public static final String MEMORY_MB = "citadel.memory.mb";

  /** Configuration key: the port. */
  public static final String PORT = "citadel.port";

  /** Configuration key: comma-separated names of the services it depends on. */
  public static final String DEPENDS = "citadel.depends";

  /** Configuration key: this node's name in the cluster (the Warden's {@code host.name}). */
  public static final String HOST = "citadel.host";

  /**
   * This node's name in the cluster: what the Warden gave as {@value #HOST}, else the local host
   * name. Every service on a node names the node the same way in ZooKeeper and to its peers.
   *
   * @param configuration the component's configuration properties
   * @return the name
   */
  public static String host(Map<String, ?> configuration) {
    String given = text(configuration.get(HOST), "");
    if (!given.isEmpty()) {
      return given;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  private static final Pattern SERVICE_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

  public ServiceSettings {
    dependencies = List.copyOf(dependencies);
  }

  /**
   * Reads the settings from a configuration.
   *
   * @param configuration the component's configuration properties
   * @param defaultName the name to use when the configuration does not give one
   * @return the settings
   * @throws IllegalArgumentException naming the key and the value that cannot be used
   */
  public static ServiceSettings from(Map<String, ?> configuration, String defaultName) {
    String name = text(configuration.get(NAME), defaultName);
    if (!SERVICE_NAME.matcher(name).matches()) {
      throw invalid(NAME, name, "is not a service name (lower case, digits, '-' or '_')");
    }
    OptionalLong memory = OptionalLong.empty();
    String memoryText = text(configuration.get(MEMORY_MB), "");
    if (!memoryText.isEmpty()) {
      long mb = number(MEMORY_MB, memoryText);
      if (mb <= 0) {
        throw invalid(MEMORY_MB, memoryText, "must be positive");
      }
      memory = OptionalLong.of(mb);
    }
    OptionalInt port = OptionalInt.empty();
    String portText = text(configuration.get(PORT), "");
    if (!portText.isEmpty()) {
      long p = number(PORT, portText);
      if (p < 1 || p > 65_535) {
        throw invalid(PORT, portText, "must be between 1 and 65535");
      }
      port = OptionalInt.of((int) p);
    }
    Object depends = configuration.get(DEPENDS);
    List<String> dependencies;
    if (depends instanceof String[] array) {
      dependencies = Arrays.stream(array).map(String::trim).filter(s -> !s.isEmpty()).toList();
    } else {
      dependencies =
          Arrays.stream(text(depends, "").split(","))
              .map(String::trim)
              .filter(s -> !s.isEmpty())
              .toList();
    }
    for (String dependency : dependencies) {
      if (!SERVICE_NAME.matcher(dependency).matches()) {
        throw invalid(
            DEPENDS, String.join(",", dependencies), "'" + dependency + "' is not a service name");
      }
    }
    return new ServiceSettings(name, memory, port, dependencies);
  }

  /**
   * The memory budget in bytes, or {@code fallbackMb} MiB when the Warden gave none.
   *
   * @param fallbackMb what a service started outside a Warden uses
   * @return bytes
   */
  public long memoryBudgetBytes(long fallbackMb) {
    return memoryBudgetMb.orElse(fallbackMb) * 1024L * 1024L;
  }

  private static String text(Object value, String fallback) {
    if (value == null) {
      return fallback;
    }
    String s = value.toString().trim();
    return s.isEmpty() ? fallback : s;
  }

  private static long number(String key, String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw invalid(key, text, "is not a whole number");
    }
  }

  private static IllegalArgumentException invalid(String key, String value, String reason) {
    return new IllegalArgumentException(key + "=" + value + ": " + reason);
  }
}
