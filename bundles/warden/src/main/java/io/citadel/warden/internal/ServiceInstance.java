package io.citadel.warden.internal;

import io.citadel.warden.internal.conf.ServiceDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One service on this node and everything the Warden remembers of it: its state, its runner, its
 * failures inside the retry window, its claim when it is counted. Touched only by the Warden's
 * thread; the console reads {@link #view()} snapshots.
 */
final class ServiceInstance {

  ServiceDefinition definition;
  InstanceState state = InstanceState.WAITING;
  Instant since = Instant.now();
  String detail = "";
  int restarts;
  long memoryMb;
  ServiceRunner runner;
  Instant startedAt;
  Instant retryAt;
  boolean stoppedByOperator;
  Claim claim;

  /** The lease on {@link #claim} while the service runs here under it. */
  Lease lease;

  private final Deque<Instant> failures = new ArrayDeque<>();
  private volatile ServiceView view;

  ServiceInstance(ServiceDefinition definition) {
    this.definition = definition;
    publishView();
  }

  String name() {
    return definition.name();
  }

  boolean isStarted() {
    return runner != null;
  }

  /** Moves to a state; returns whether anything visible changed. */
  boolean moveTo(InstanceState next, String why) {
    String reason = why == null ? "" : why;
    if (next == state && reason.equals(detail)) {
      return false;
    }
    if (next != state) {
      since = Instant.now();
    }
    state = next;
    detail = reason;
    publishView();
    return true;
  }

  /**
   * Records a failure; returns whether the service used up its retries inside the window, in which
   * case it is marked failed until {@link #retryAt}.
   */
  boolean recordFailure(Instant now) {
    restarts++;
    Duration window = Duration.ofSeconds(definition.retryIntervalSec());
    failures.addLast(now);
    while (!failures.isEmpty() && failures.peekFirst().isBefore(now.minus(window))) {
      failures.removeFirst();
    }
    if (failures.size() > definition.retries()) {
      failures.clear();
      retryAt = now.plus(window);
      return true;
    }
    return false;
  }

  void publishView() {
    view =
        new ServiceView(
            name(),
            state,
            runner == null ? "-" : runner.describe(),
            memoryMb,
            restarts,
            since,
            String.join(",", definition.dependencies()),
            detail,
            definition.triplet().toString());
  }

  ServiceView view() {
    return view;
  }
}
