package io.citadel.warden.internal.conf;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * How the node's memory is shared out: first the operating system's reservation, then each
 * service's {@code max(min, min(max, available * percent / 100))} MiB of what is left.
 *
 * @param totalMb the node's physical memory (or the configured override)
 * @param osReservationMb the operating system's share
 * @param availableMb what is left for services
 * @param shares each service's budget, with the formula's inputs
 * @param allocatedMb the sum of the budgets
 * @param thresholdPercent the alarm threshold, in percent of {@code availableMb}
 */
public record MemoryPlan(
    long totalMb,
    long osReservationMb,
    long availableMb,
    List<Share> shares,
    long allocatedMb,
    double thresholdPercent) {

  /** One service's budget and the inputs it came from. */
  public record Share(String service, ServiceDefinition.HeapSize heap, long budgetMb) {}

  public MemoryPlan {
    shares = List.copyOf(shares);
  }

  /** Computes the plan for the services that run on this node. */
  public static MemoryPlan compute(
      long totalMb, WardenSettings settings, Collection<ServiceDefinition> services) {
    long os = Math.min(totalMb, settings.osHeap().budgetMb(totalMb));
    long available = Math.max(0, totalMb - os);
    List<Share> shares = new ArrayList<>();
    long allocated = 0;
    for (ServiceDefinition service : services) {
      long budget = service.heap().budgetMb(available);
      shares.add(new Share(service.name(), service.heap(), budget));
      allocated += budget;
    }
    return new MemoryPlan(
        totalMb, os, available, shares, allocated, settings.alarmThresholdPercent());
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
