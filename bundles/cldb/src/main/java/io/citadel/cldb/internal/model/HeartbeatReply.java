package io.citadel.cldb.internal.model;

import java.util.List;
import java.util.Set;

/**
 * The master's answer to a heartbeat.
 *
 * @param intervalMs when to send the next one
 * @param epoch the master's CLDB epoch; a fileserver ignores answers of an older one
 * @param unknownContainers reported containers the CLDB does not know (left from a removed table)
 * @param volumesOverQuota volumes into which the fileserver must refuse writes
 */
public record HeartbeatReply(
    long intervalMs, long epoch, List<Long> unknownContainers, Set<String> volumesOverQuota) {}
