package io.citadel.warden.internal.conf;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * How the node's memory is shared out: first the operating system's reservation, then each
 * service's {@code max(min, min(max, available * percent / 100))} MiB of what is left.
 *
 * <p>A child process gets its budget as its own heap. Services that run as bundles share the node's
 * JVM instead, so their budgets together are held to what that heap can give them (nine tenths of
 * it; the rest is Karaf's own): when the formula gives them more, each is scaled down in
 * proportion, and its share says from what. A budget the JVM cannot hold would only move the
 * out-of-memory error from the Warden's plan to a query.
 *
 * @param totalMb the node's physical memory (or the configured override)
 * @param osReservationMb the operating system's share
 * @param availableMb what is left for services
 * @param shares each service's budget, with the formula's inputs
 * @param allocatedMb the sum of the budgets
 * @param thresholdPercent the alarm threshold, in percent of {@code availableMb}
 * @param jvmHeapMb the heap of the JVM the bundles share; 0 when not bounded
 */
public record MemoryPlan(
    long totalMb,
    long osReservationMb,
    long availableMb,
    List<Share> shares,
    long allocatedMb,
    double thresholdPercent,
    long jvmHeapMb) {

  /**
   * One service's budget and the inputs it came from.
   *
   * @param formulaMb what the formula gave before the JVM heap capped it (equal to {@code budgetMb}
   *     when it did not)
   * @param ownProcess whether it runs as a child process with a heap of its own
   */
  public record Share(
      String service,
      ServiceDefinition.HeapSize heap,
      long budgetMb,
      long formulaMb,
      boolean ownProcess) {
    /** Whether the JVM's heap held this budget below what the formula gives. */
    public boolean cappedByHeap() {
      return budgetMb < formulaMb;
    }
  }

  public MemoryPlan {
    shares = List.copyOf(shares);
  }

  /** Computes the plan for the services that run on this node, with no bound from a JVM heap. */
  public static MemoryPlan compute(
      long totalMb, WardenSettings settings, Collection<ServiceDefinition> services) {
    return compute(totalMb, settings, services, 0);
  }

  /**
   * Computes the plan for the services that run on this node.
   *
   * @param jvmHeapMb the largest heap of the JVM that bundles run in; 0 when not bounded
   */
  public static MemoryPlan compute(
      long totalMb,
      WardenSettings settings,
      Collection<ServiceDefinition> services,
      long jvmHeapMb) {
    long os = Math.min(totalMb, settings.osHeap().budgetMb(totalMb));
    long available = Math.max(0, totalMb - os);
    // In the JVM: each service's floor (its minimum, or less where the formula gives less) first,
    // then what the heap leaves shared out in proportion to what the formula gives above it.
    long floors = 0;
    long above = 0;
    for (ServiceDefinition service : services) {
      if (!service.isProcess()) {
        long formula = service.heap().budgetMb(available);
        long floor = Math.min(formula, service.heap().minMb());
        floors += floor;
        above += formula - floor;
      }
    }
    long room = jvmHeapMb > 0 ? jvmHeapMb * 9 / 10 : Long.MAX_VALUE;
    boolean capped = floors + above > room;
    double share = !capped || above == 0 ? 1 : Math.max(0, (double) (room - floors) / above);
    List<Share> shares = new ArrayList<>();
    long allocated = 0;
    for (ServiceDefinition service : services) {
      long formula = service.heap().budgetMb(available);
      long budget = formula;
      if (!service.isProcess() && capped) {
        long floor = Math.min(formula, service.heap().minMb());
        budget = floor + (long) Math.floor((formula - floor) * share);
      }
      shares.add(new Share(service.name(), service.heap(), budget, formula, service.isProcess()));
      allocated += budget;
    }
    return new MemoryPlan(
        totalMb, os, available, shares, allocated, settings.alarmThresholdPercent(), jvmHeapMb);
  }

  /** Whether the minimums of the services in the JVM alone exceed what its heap can give them. */
  public boolean minimumsExceedHeap() {
    if (jvmHeapMb <= 0) {
      return false;
    }
    long floors =
        shares.stream()
            .filter(s -> !s.ownProcess())
            .mapToLong(s -> Math.min(s.formulaMb(), s.heap().minMb()))
            .sum();
    return floors > jvmHeapMb * 9 / 10;
  }

  /** The budget of one service, 0 when it has none. */
  public long budgetOf(String service) {
    return shares.stream()
        .filter(s -> s.service().equals(service))
        .mapToLong(Share::budgetMb)
        .findFirst()
        .orElse(0);
  }

  /** What is allocated, in percent of what is available. */
  public double allocatedPercent() {
    return availableMb == 0
        ? (allocatedMb == 0 ? 0 : Double.POSITIVE_INFINITY)
        : 100.0 * allocatedMb / availableMb;
  }

  /** Whether the services were given more than the threshold allows: an alarm. */
  public boolean overThreshold() {
    return allocatedPercent() > thresholdPercent;
  }
}
