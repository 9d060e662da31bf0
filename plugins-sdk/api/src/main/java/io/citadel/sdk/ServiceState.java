package io.citadel.sdk;

/** The life of a service as the Warden sees it. */
public enum ServiceState {
  /** Getting ready; services that depend on it wait. */
  STARTING,
  /** Doing its work; services that depend on it may start. */
  RUNNING,
  /** Running with reduced function (e.g. a dependency is unreachable); not restarted. */
  DEGRADED,
  /** Not doing its work; the Warden restarts it within its retry budget. */
  FAILED,
  /** Shutting down. */
  STOPPING
}
