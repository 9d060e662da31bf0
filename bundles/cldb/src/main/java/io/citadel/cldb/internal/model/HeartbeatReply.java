package io.citadel.cldb.internal.model;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The master's answer to a heartbeat.
 *
 * @param intervalMs when to send the next one
 * @param epoch the master's CLDB epoch; a fileserver ignores answers of an older one
 * @param unknownContainers reported containers the CLDB does not know (left from a removed table)
 * @param volumesOverQuota volumes into which the fileserver must refuse writes
 * @param quotas every volume with a quota: the quota and what its containers hold now, so the
 *     fileserver refuses a write that would take the volume past its quota before it reports again
 */
public record HeartbeatReply(
    long intervalMs,
    long epoch,
    List<Long> unknownContainers,
    Set<String> volumesOverQuota,
    Map<String, Space> quotas) {

  /** A volume's quota and usage, in bytes. */
  public record Space(long quotaBytes, long usedBytes) {}
}
