package io.citadel.warden.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.warden.internal.conf.ConfFile;
import io.citadel.warden.internal.conf.ConfParser;
import io.citadel.warden.internal.conf.WardenSettings;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceInstanceTest {

  private static ServiceInstance instance(int retries, int intervalSec) {
    ConfFile file =
        ConfFile.parse(
            Path.of("warden.x.conf"),
            "services=x:all:\nservice.bundle=a.b\nservice.retries="
                + retries
                + "\nservice.retryinterval.time.sec="
                + intervalSec);
    return new ServiceInstance(
        ConfParser.service(file, WardenSettings.DEFAULTS).value().orElseThrow());
  }

  @Test
  void retriesAreCountedInsideTheWindow() {
    ServiceInstance instance = instance(2, 30);
    Instant t = Instant.parse("2026-11-22T00:00:00Z");
    assertFalse(instance.recordFailure(t)); // first failure: retry 1
    assertFalse(instance.recordFailure(t.plusSeconds(1))); // retry 2
    assertTrue(instance.recordFailure(t.plusSeconds(2))); // third failure: failed
    assertEquals(t.plusSeconds(32), instance.retryAt);
    assertEquals(3, instance.restarts);
  }

  @Test
  void failuresOutsideTheWindowAreForgotten() {
    ServiceInstance instance = instance(1, 10);
    Instant t = Instant.parse("2026-11-22T00:00:00Z");
    assertFalse(instance.recordFailure(t));
    assertFalse(instance.recordFailure(t.plusSeconds(11)));
    assertTrue(instance.recordFailure(t.plusSeconds(12)));
  }

  @Test
  void statusJsonRoundTrips() {
    String json =
        StatusJson.write(
            new java.util.LinkedHashMap<>(
                Map.of("state", "running", "detail", "said \"no\"\nthen", "restarts", 2)));
    Map<String, String> read = StatusJson.read(json);
    assertEquals("running", read.get("state"));
    assertEquals("said \"no\"\nthen", read.get("detail"));
    assertEquals("2", read.get("restarts"));
  }
}
