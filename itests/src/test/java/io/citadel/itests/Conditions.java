package io.citadel.itests;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Negative checks: a condition that must keep holding for a while, checked all along. */
final class Conditions {

  private Conditions() {}

  /**
   * Checks {@code condition} every 50 ms for {@code window}, failing at the first sample where it
   * does not hold: "nothing happens" stated as an assertion, not as a sleep.
   */
  static void holdsFor(String what, Duration window, Callable<Boolean> condition) throws Exception {
    long end = System.nanoTime() + window.toNanos();
    do {
      if (!Boolean.TRUE.equals(condition.call())) {
        throw new AssertionError("stopped holding within " + window + ": " + what);
      }
      Thread.sleep(50);
    } while (System.nanoTime() < end);
  }
}
