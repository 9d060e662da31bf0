package io.citadel.cldb.internal.model;

import java.util.List;

/**
 * Where one container of a table can be read: the answer of a lookup.
 *
 * @param containerId the container
 * @param volume its volume
 * @param table its table
 * @param fragment the table's fragment it stores
 * @param liveAddresses the client addresses of the live nodes holding it, in the order to try
 * @param replicas how many nodes hold it, live or not
 */
public record Location(
    long containerId,
    String volume,
    String table,
    int fragment,
    List<String> liveAddresses,
    int replicas) {}
