package io.citadel.warden.internal.conf;

/**
 * The cluster-wide settings of {@code warden.conf}.
 *
 * @param osHeap the operating system's reservation, sized like a service's
 * @param alarmThresholdPercent the share of the memory left after the OS reservation that the
 *     services may be given before an alarm is raised
 * @param defaultRetries restarts allowed for services whose file does not say
 * @param defaultRetryIntervalSec the retry window for services whose file does not say
 * @param triplets the triplets of warden.conf's own {@code services=} list, by service; a conf.d
 *     file may then leave its {@code services=} out
 */
public record WardenSettings(
    ServiceDefinition.HeapSize osHeap,
    double alarmThresholdPercent,
    int defaultRetries,
    int defaultRetryIntervalSec,
    java.util.Map<String, Triplet> triplets) {

  public static final WardenSettings DEFAULTS =
      new WardenSettings(
          new ServiceDefinition.HeapSize(10, 256, 4000), 97, 3, 30, java.util.Map.of());

  public WardenSettings {
    triplets = java.util.Map.copyOf(triplets);
  }
}
