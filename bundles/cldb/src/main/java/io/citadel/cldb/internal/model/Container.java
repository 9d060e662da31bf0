package io.citadel.cldb.internal.model;

import java.util.Set;
import java.util.TreeSet;

/**
 * A container: a unit of data that lives on one or more nodes. In Citadel a container stores one
 * fragment of one table.
 *
 * @param id assigned by the master CLDB; 1 is the cluster's own kvstore container
 * @param volume the volume it belongs to
 * @param table the table whose fragment it stores
 * @param fragment the fragment's number within the table
 * @param sizeBytes its size as its replicas last reported it
 * @param replicas the nodes holding a replica
 */
public record Container(
    long id, String volume, String table, int fragment, long sizeBytes, Set<String> replicas) {

  public Container {
    replicas = Set.copyOf(replicas);
  }

  Container withReplica(String node, long size) {
    Set<String> r = new TreeSet<>(replicas);
    r.add(node);
    return new Container(id, volume, table, fragment, size, r);
  }

  Container withoutReplica(String node) {
    Set<String> r = new TreeSet<>(replicas);
    r.remove(node);
    return new Container(id, volume, table, fragment, sizeBytes, r);
  }
}
