package io.citadel.sdk;

import java.time.Instant;
import java.util.Objects;

/**
 * A service's health at one moment: its state and, for anything but {@link ServiceState#RUNNING},
 * why. The detail is shown to operators as is ({@code warden:list}), so it should name what is
 * wrong in their terms.
 *
 * @param state the state
 * @param detail a short explanation, empty when there is nothing to say
 * @param since when the service entered this state
 */
public record ServiceHealth(ServiceState state, String detail, Instant since) {

  public ServiceHealth {
    Objects.requireNonNull(state, "state");
    detail = detail == null ? "" : detail;
    Objects.requireNonNull(since, "since");
  }

  public static ServiceHealth starting(String detail) {
    return new ServiceHealth(ServiceState.STARTING, detail, Instant.now());
  }

  public static ServiceHealth running() {
    return new ServiceHealth(ServiceState.RUNNING, "", Instant.now());
  }

  public static ServiceHealth degraded(String detail) {
    return new ServiceHealth(ServiceState.DEGRADED, detail, Instant.now());
  }

  public static ServiceHealth failed(String detail) {
    return new ServiceHealth(ServiceState.FAILED, detail, Instant.now());
  }

  /** Whether services that depend on this one may run. */
  public boolean isUsable() {
    return state == ServiceState.RUNNING || state == ServiceState.DEGRADED;
  }
}
