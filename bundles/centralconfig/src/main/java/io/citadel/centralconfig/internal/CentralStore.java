package io.citadel.centralconfig.internal;

import java.io.IOException;
import java.util.Map;

/**
 * The central configuration store: cluster-wide files under {@code default/}, a node's own under
 * {@code nodes/<host>/}, each at its path relative to {@code etc/}.
 */
interface CentralStore {

  /** The scope of the cluster-wide files. */
  String DEFAULT = "default";

  /** The scope of one node's files. */
  static String node(String host) {
    return "nodes/" + host;
  }

  /**
   * Every file in a scope, by relative path; an empty map when the scope does not exist.
   *
   * @throws IOException when the store cannot be read at all
   */
  Map<String, StoredFile> list(String scope) throws IOException;

  /** Writes a file into a scope so that no reader ever sees it half-written. */
  void put(String scope, String path, byte[] content) throws IOException;

  /** Where the store is, for operators. */
  String describe();

  /**
   * One file of the store as read.
   *
   * @param content the bytes read, empty when {@code refused} is set
   * @param modifiedMillis when it last changed
   * @param stable whether nothing changed while it was read
   * @param refused why the file must not be used (a link out of the store), else empty
   */
  record StoredFile(byte[] content, long modifiedMillis, boolean stable, String refused) {}
}
