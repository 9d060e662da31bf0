package io.citadel.coordination.internal;

import java.time.Instant;
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

  /** The last configuration problem, cleared by the next configuration that applies. */
  Optional<Problem> lastProblem();
}
