package io.citadel.warden.internal.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class MemoryPlanTest {

  private static ServiceDefinition service(String name, double percent, long min, long max) {
    return service(name, percent, min, max, false);
  }

  private static ServiceDefinition service(
      String name, double percent, long min, long max, boolean process) {
    return new ServiceDefinition(
        Path.of("warden." + name + ".conf"),
        new Triplet(name, Triplet.ALL, List.of()),
        process ? Optional.empty() : Optional.of("io.citadel." + name),
        process ? Optional.of("exec bin/" + name) : Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        new ServiceDefinition.HeapSize(percent, min, max),
        3,
        30,
        OptionalInt.empty(),
        false,
        Map.of());
  }

  @Test
  void theFormulaClampsTheShareBetweenMinAndMax() {
    ServiceDefinition.HeapSize heap = new ServiceDefinition.HeapSize(10, 256, 1024);
    assertEquals(512, heap.budgetMb(5120)); // 10 % of 5120
    assertEquals(256, heap.budgetMb(1000)); // 100 is under min
    assertEquals(1024, heap.budgetMb(100_000)); // 10 000 is over max
  }

  @Test
  void theOsIsReservedFirst() {
    // 32 GiB: the OS takes max(256, min(4000, 3276)) = 3276; 29492 is left.
    MemoryPlan plan =
        MemoryPlan.compute(
            32_768,
            WardenSettings.DEFAULTS,
            List.of(service("cldb", 8, 256, 4096), service("engine", 50, 1024, 1_000_000)));
    assertEquals(3276, plan.osReservationMb());
    assertEquals(29_492, plan.availableMb());
    assertEquals(2359, plan.budgetOf("cldb")); // floor(29492 * 0.08)
    assertEquals(14_746, plan.budgetOf("engine"));
    assertEquals(2359 + 14_746, plan.allocatedMb());
    assertFalse(plan.overThreshold());
  }

  @Test
  void overAllocationRaisesTheAlarm() {
    MemoryPlan plan =
        MemoryPlan.compute(
            4096,
            WardenSettings.DEFAULTS,
            List.of(service("a", 60, 0, 100_000), service("b", 40, 1024, 100_000)));
    // OS 409 (10 %, between 256 and 4000); 3687 left; a = 2212, b = 1474: 100 % > 97 %.
    assertEquals(409, plan.osReservationMb());
    assertEquals(3686, plan.allocatedMb());
    assertTrue(plan.overThreshold());
  }

  @Test
  void aServiceWithoutSizingGetsNothing() {
    MemoryPlan plan =
        MemoryPlan.compute(8192, WardenSettings.DEFAULTS, List.of(service("x", 0, 0, 0)));
    assertEquals(0, plan.budgetOf("x"));
  }

  @Test
  void bundlesTogetherGetNoMoreThanTheirJvmsHeapHolds() {
    // 24 GiB: the OS takes 2457, 22119 is left; the engine's formula gives 30 % of it, 6635 MiB,
    // more than a 6028 MiB heap holds. Bundles share nine tenths of the heap, 5425 MiB: each keeps
    // its minimum (256, 128) and what is above it is scaled in proportion; the child process keeps
    // its own heap's budget.
    MemoryPlan plan =
        MemoryPlan.compute(
            24_576,
            WardenSettings.DEFAULTS,
            List.of(
                service("engine", 30, 256, 65_536),
                service("cldb", 4, 128, 4096),
                service("kafka", 8, 256, 4096, true)),
            6028);
    long engine = plan.budgetOf("engine");
    long cldb = plan.budgetOf("cldb");
    assertEquals(6635, plan.shares().get(0).formulaMb());
    assertEquals(884, plan.shares().get(1).formulaMb());
    assertTrue(plan.shares().get(0).cappedByHeap());
    assertTrue(engine + cldb <= 6028 * 9 / 10, engine + " + " + cldb);
    assertTrue(engine + cldb >= 6028 * 9 / 10 - 2, engine + " + " + cldb);
    assertEquals((double) (6635 - 256) / (884 - 128), (double) (engine - 256) / (cldb - 128), 0.01);
    assertEquals(1769, plan.budgetOf("kafka")); // floor(22119 * 0.08), its own heap
    assertFalse(plan.shares().get(2).cappedByHeap());
    assertFalse(plan.minimumsExceedHeap());
  }

  @Test
  void minimumsStayWhenTheHeapIsSmall() {
    // a 400 MiB heap holds 360 MiB for services: less than the minimums (256 + 128)
    MemoryPlan plan =
        MemoryPlan.compute(
            24_576,
            WardenSettings.DEFAULTS,
            List.of(service("engine", 30, 256, 65_536), service("cldb", 4, 128, 4096)),
            400);
    assertEquals(256, plan.budgetOf("engine"));
    assertEquals(128, plan.budgetOf("cldb"));
    assertTrue(plan.minimumsExceedHeap());
  }

  @Test
  void aHeapThatHoldsTheBudgetsChangesNothing() {
    MemoryPlan plan =
        MemoryPlan.compute(
            8192, WardenSettings.DEFAULTS, List.of(service("engine", 30, 256, 65_536)), 6028);
    assertEquals(plan.shares().get(0).formulaMb(), plan.budgetOf("engine"));
    assertFalse(plan.shares().get(0).cappedByHeap());
  }
}
