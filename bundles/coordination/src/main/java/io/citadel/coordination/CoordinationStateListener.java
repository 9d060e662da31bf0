package io.citadel.coordination;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of every change of the {@link Coordination} session state. Called on a single notification
 * thread, in order; implementations must not block it.
 */
@ConsumerType
@FunctionalInterface
public interface CoordinationStateListener {

  /**
   * Called after the state changed.
   *
   * @param coordination the coordination service whose session changed
   * @param state the new state
   */
  void stateChanged(Coordination coordination, CoordinationState state);
}
