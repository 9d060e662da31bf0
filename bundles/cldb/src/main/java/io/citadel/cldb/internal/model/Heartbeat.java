package io.citadel.cldb.internal.model;

import java.util.List;

/**
 * What a fileserver reports to the master CLDB every interval: where it answers, its disk, and
 * every container it holds with its size.
 *
 * @param node the node's id (its host name in the cluster)
 * @param address where the node's engine answers clients, host:port
 * @param capacityBytes the disk the node gives to containers
 * @param usedBytes how much of it is used
 * @param containers every container the node holds
 */
public record Heartbeat(
    String node, String address, long capacityBytes, long usedBytes, List<Report> containers) {

  /** One container held by the reporting node. */
  public record Report(long containerId, long sizeBytes) {}

  public Heartbeat {
    if (node == null || node.isBlank()) {
      throw new CldbException(CldbException.INVALID, "a heartbeat must name its node");
    }
    if (capacityBytes < 0 || usedBytes < 0) {
      throw new CldbException(
          CldbException.INVALID,
          "heartbeat of " + node + ": capacity and used bytes must not be negative");
    }
    containers = List.copyOf(containers);
  }
}
