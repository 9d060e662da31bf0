package io.citadel.cldb.internal.model;

/**
 * A raised alarm: it stays until the condition that raised it ends.
 *
 * @param type what is wrong
 * @param subject the node, volume or CLDB it is about
 * @param raisedMillis when it was first raised
 * @param description what an operator reads
 */
public record Alarm(Type type, String subject, long raisedMillis, String description) {

  /** The conditions that raise alarms. */
  public enum Type {
    NODE_HEARTBEAT_MISSED,
    NODE_DISK_NEARLY_FULL,
    VOLUME_QUOTA_EXCEEDED,
    CONTAINER_UNDER_REPLICATED,
    CLDB_MASTER_CHANGED
  }

  String key() {
    return type + "/" + subject;
  }
}
