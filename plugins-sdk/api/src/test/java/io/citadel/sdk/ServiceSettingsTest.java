package io.citadel.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ServiceSettingsTest {

  @Test
  void outsideAWardenEverythingIsOptional() {
    ServiceSettings s = ServiceSettings.from(Map.of(), "hoststats");
    assertEquals("hoststats", s.name());
    assertEquals(OptionalLong.empty(), s.memoryBudgetMb());
    assertEquals(OptionalInt.empty(), s.port());
    assertEquals(List.of(), s.dependencies());
    assertEquals(64L * 1024 * 1024, s.memoryBudgetBytes(64));
  }

  @Test
  void readsWhatTheWardenWrites() {
    ServiceSettings s =
        ServiceSettings.from(
            Map.of(
                "citadel.service.name", "engine",
                "citadel.memory.mb", "2048",
                "citadel.port", 6274,
                "citadel.depends", "fileserver, coordination"),
            "x");
    assertEquals("engine", s.name());
    assertEquals(OptionalLong.of(2048), s.memoryBudgetMb());
    assertEquals(OptionalInt.of(6274), s.port());
    assertEquals(List.of("fileserver", "coordination"), s.dependencies());
  }

  @Test
  void badValuesNameTheKey() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServiceSettings.from(Map.of("citadel.memory.mb", "lots"), "x"));
    assertEquals("citadel.memory.mb=lots: is not a whole number", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServiceSettings.from(Map.of("citadel.port", "70000"), "x"));
    assertTrue(e.getMessage().startsWith("citadel.port=70000"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServiceSettings.from(Map.of("citadel.depends", "cldb,Bad Name"), "x"));
    assertTrue(e.getMessage().startsWith("citadel.depends="), e.getMessage());
  }

  @Test
  void healthSaysWhetherDependentsMayRun() {
    assertTrue(ServiceHealth.running().isUsable());
    assertTrue(ServiceHealth.degraded("zookeeper suspended").isUsable());
    assertEquals(false, ServiceHealth.failed("disk full").isUsable());
    assertEquals(false, ServiceHealth.starting("").isUsable());
  }
}
