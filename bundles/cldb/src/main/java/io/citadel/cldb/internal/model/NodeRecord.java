package io.citadel.cldb.internal.model;

/**
 * What the master persists about a node, so that slaves answer lookups with live addresses: it
 * changes when the node comes, goes or moves, not with every heartbeat.
 *
 * @param id the node
 * @param address where its engine answers clients
 * @param available whether its heartbeats arrive
 * @param capacityBytes its container disk
 * @param usedBytes how much of it was used when the record was written
 */
public record NodeRecord(
    String id, String address, boolean available, long capacityBytes, long usedBytes) {}
