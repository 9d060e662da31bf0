package io.citadel.coordination.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the console shows of the coordination component, whether or not it is connected. */
public interface CoordinationRuntime {

  /** A configuration that was rejected, or that could not be applied. */
  record Problem(String key, String value, String message, Instant at) {}

  /** The configuration in force. */
  Optional<CoordinationSettings> settings();

  /** The live coordination, absent while no valid configuration could be applied. */
  Optional<CuratorCoordination> coordination();

  /** The embedded server's address, when this node runs one. */
  Optional<String> embeddedServer();

  /** This node's peer of the cluster's ensemble: its id and its state. */
  record PeerView(long id, String role) {}

  /** This node's peer of the cluster's ensemble, when it runs one. */
  Optional<PeerView> peer();

  /**
   * Changes the ensemble's membership through this node's peer (ZooKeeper's {@code reconfig}).
   *
   * @param joining servers to add, in the ensemble's notation ({@code 4=host:q:e;host:client})
   * @param leaving ids of servers to remove
   * @return the membership after the change
   * @throws IllegalStateException when this node runs no peer of the ensemble
   * @throws Exception what ZooKeeper refused, or why it could not be asked
   */
  Ensemble reconfigure(List<String> joining, List<Long> leaving) throws Exception;

  /**
   * The membership ZooKeeper has now ({@code /zookeeper/config}): after a {@code reconfig} it is no
   * longer the description this node was started with. Empty when not connected or not an ensemble.
   */
  Optional<Ensemble> membership();

  /** The last configuration problem, cleared by the next configuration that applies. */
  Optional<Problem> lastProblem();
}
