package io.citadel.itests;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** Negative checks: a condition that must keep holding for a while, checked all along. */
final class Conditions {

  private Conditions() {}

  /**
   * Observes a value every 50 ms for {@code window}, failing at the first observation that is not
   * acceptable, and naming it: "nothing happens" stated as an assertion, not as a sleep.
   */
  static <T> void holdsFor(
      String what, Duration window, Callable<T> observe, Predicate<T> acceptable) throws Exception {
    long start = System.nanoTime();
    long end = start + window.toNanos();
    do {
      T seen = observe.call();
      if (!acceptable.test(seen)) {
        throw new AssertionError(
            what
                + " stopped holding after "
                + (System.nanoTime() - start) / 1_000_000
                + " ms: saw "
                + seen);
      }
      Thread.sleep(50);
    } while (System.nanoTime() < end);
  }

  /** Polls every 50 ms until {@code condition} holds, failing after {@code timeout}. */
  static void within(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
    if (!becomesTrue(timeout, condition)) {
      throw new AssertionError("not within " + timeout + ": " + what);
    }
  }

  /**
   * Polls every 50 ms until {@code condition} holds, an exception counting as "not yet" (a server
   * still starting, a connection refused); fails after {@code timeout}, naming the last exception.
   */
  static void eventually(String what, Duration timeout, Callable<Boolean> condition)
      throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (true) {
      try {
        if (Boolean.TRUE.equals(condition.call())) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + timeout + ": " + what, last);
      }
      Thread.sleep(50);
    }
  }

  /** Polls every 50 ms until {@code condition} holds; false if it does not within the timeout. */
  static boolean becomesTrue(Duration timeout, Callable<Boolean> condition) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (!Boolean.TRUE.equals(condition.call())) {
      if (System.nanoTime() > end) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
  }

  /** Checks every 50 ms for {@code window}; false at the first check that fails. */
  static boolean staysTrue(Duration window, Callable<Boolean> condition) throws Exception {
    long end = System.nanoTime() + window.toNanos();
    do {
      if (!Boolean.TRUE.equals(condition.call())) {
        return false;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < end);
    return true;
  }
}
