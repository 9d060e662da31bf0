package io.citadel.warden.internal;

import java.util.Locale;

/** Where one service instance on this node stands, as published in ZooKeeper. */
public enum InstanceState {
  /** Its dependencies do not all run yet. */
  WAITING,
  /** Started; not yet healthy. */
  STARTING,
  /** Healthy. */
  RUNNING,
  /** Being stopped. */
  STOPPING,
  /** Not running: stopped by an operator, or its file was removed. */
  STOPPED,
  /** Failed more than its retries allow; tried again after the retry interval. */
  FAILED,
  /** A singleton (or counted) service whose slots are all held by other nodes. */
  STANDBY;

  /** The name used in ZooKeeper and on the console. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
