package io.citadel.replication.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The replication options, read and checked: a bad value is named with why, and the service does
 * not join a group on settings it cannot trust.
 */
public record ReplicationSettings(
    String group,
    String serverId,
    String brokers,
    Path sharedData,
    boolean readOnly,
    int applyTimeoutSec,
    int kafkaTimeoutMs,
    int writeTimeoutMs,
    int snapshotIntervalSec) {

  /** Kafka's rule for topic names, and ZooKeeper's for a path segment. */
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private static final Pattern BROKERS =
      Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}(,[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5})*");

  boolean inGroup() {
    return !group.isEmpty();
  }

  /**
   * Reads the settings.
   *
   * @param localBrokers the bootstrap address of this node's own broker, used when ha-brokers is
   *     empty
   * @param problems receives what is wrong, one line each
   */
  static ReplicationSettings from(Map<String, ?> c, String localBrokers, List<String> problems) {
    String group = text(c, "ha-group-id");
    if (!group.isEmpty() && (!NAME.matcher(group).matches() || group.matches("\\.+"))) {
      problems.add(
          "ha-group-id \""
              + group
              + "\" is not a valid Kafka topic name (letters, digits, '.', '_', '-'; at most 249)");
    }
    String id = text(c, "ha-unique-server-id");
    if (id.isEmpty()) {
      id = hostName(c);
    }
    if (!NAME.matcher(id).matches()) {
      problems.add(
          "ha-unique-server-id \"" + id + "\" may hold only letters, digits, '.', '_' and '-'");
    }
    String brokers = text(c, "ha-brokers").replace(" ", "");
    if (brokers.isEmpty()) {
      brokers = localBrokers;
    } else if (!BROKERS.matcher(brokers).matches()) {
      problems.add("ha-brokers \"" + brokers + "\" is not a list of host:port");
    }
    String shared = text(c, "ha-shared-data");
    Path sharedData = null;
    if (!shared.isEmpty()) {
      Path p = Path.of(shared);
      if (!p.isAbsolute()) {
        problems.add("ha-shared-data \"" + shared + "\" must be an absolute path");
      } else if (!Files.isDirectory(p)) {
        problems.add("ha-shared-data \"" + shared + "\" is not an existing folder");
      } else {
        sharedData = p.normalize();
      }
    }
    return new ReplicationSettings(
        group,
        id,
        brokers,
        sharedData,
        Boolean.parseBoolean(text(c, "ha-read-only")),
        integer(c, "ha-apply-timeout-sec", 300, 1, problems),
        integer(c, "ha-kafka-timeout-ms", 10_000, 500, problems),
        integer(c, "ha-write-timeout-ms", 20_000, 1_000, problems),
        integer(c, "ha-snapshot-interval-sec", 0, 0, problems));
  }

  static List<String> newProblems() {
    return new ArrayList<>();
  }

  private static String text(Map<String, ?> c, String key) {
    Object v = c.get(key);
    return v == null ? "" : v.toString().strip();
  }

  private static int integer(
      Map<String, ?> c, String key, int dflt, int min, List<String> problems) {
    String v = text(c, key);
    if (v.isEmpty()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min) {
        problems.add(key + " = " + v + " is below its minimum " + min);
        return dflt;
      }
      return n;
    } catch (NumberFormatException e) {
      problems.add(key + " = \"" + v + "\" is not a whole number");
      return dflt;
    }
  }

  /** The node's name: {@code host.name} from the configuration, else the machine's. */
  static String hostName(Map<String, ?> c) {
    String configured = text(c, "host.name");
    if (!configured.isEmpty()) {
      return configured;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
