package io.citadel.coordination;

/**
 * Where the node's ZooKeeper session stands.
 *
 * <p>A service that acts for the cluster (a leader, the holder of a singleton's master znode) must
 * stop acting as such when the state is {@link #SUSPENDED}: the session may already have expired on
 * the ensemble, and another node may have taken over. After {@link #LOST} the session is gone and
 * every ephemeral node it owned has been deleted.
 */
public enum CoordinationState {
  /** The client was started and has not yet reached any server. */
  CONNECTING,
  /** Connected for the first time with this client. */
  CONNECTED,
  /** The connection to the ensemble broke; the session may or may not still exist. */
  SUSPENDED,
  /** Connected again after {@link #SUSPENDED} or {@link #LOST}. */
  RECONNECTED,
  /** The session expired or could not be recovered: its ephemeral nodes are gone. */
  LOST,
  /** The client was closed, e.g. because the configuration named another ensemble. */
  CLOSED;

  /** Whether requests can be sent now. */
  public boolean isConnected() {
    return this == CONNECTED || this == RECONNECTED;
  }
}
