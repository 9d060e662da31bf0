package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.sdk.ServiceState;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ${serviceClass}Test {

  @Test
  void runsWithTheBudgetTheWardenGives() {
    ${serviceClass} service = new ${serviceClass}(Map.of("citadel.memory.mb", "256"));
    assertEquals(ServiceState.RUNNING, service.health().state());
    assertEquals(256L * 1024 * 1024, service.memoryBudgetBytes());
    assertEquals("${serviceName}", service.name());
  }

  @Test
  void aBadValueIsReportedAndTheSettingsInForceStay() {
    ${serviceClass} service = new ${serviceClass}(Map.of("citadel.memory.mb", "256"));
    service.modified(Map.of("citadel.memory.mb", "lots"));
    assertEquals(ServiceState.DEGRADED, service.health().state());
    assertTrue(service.health().detail().contains("citadel.memory.mb=lots"));
    assertEquals(256L * 1024 * 1024, service.memoryBudgetBytes());
  }
}
