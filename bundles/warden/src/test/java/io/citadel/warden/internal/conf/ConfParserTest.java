package io.citadel.warden.internal.conf;

import static io.citadel.warden.internal.conf.ConfTestFiles.service;
import static io.citadel.warden.internal.conf.ConfTestFiles.warden;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ConfParserTest {

  @Test
  void aBundleServiceWithEveryKey() {
    ConfParser.Parsed<ServiceDefinition> parsed =
        ConfParser.service(
            service(
                "cldb",
                "# the container location database",
                "services=cldb:1:coordination",
                "service.bundle=io.citadel.cldb",
                "service.heapsize.percent=8",
                "service.heapsize.min=256",
                "service.heapsize.max=4096",
                "service.retries=5",
                "service.retryinterval.time.sec=60",
                "service.port=7222",
                "service.depends.local=true"),
            WardenSettings.DEFAULTS);
    assertEquals(List.of(), parsed.problems());
    ServiceDefinition cldb = parsed.value().orElseThrow();
    assertEquals("cldb", cldb.name());
    assertTrue(cldb.triplet().singleton());
    assertEquals(Optional.of("io.citadel.cldb"), cldb.bundle());
    assertEquals(new ServiceDefinition.HeapSize(8, 256, 4096), cldb.heap());
    assertEquals(5, cldb.retries());
    assertEquals(60, cldb.retryIntervalSec());
    assertEquals(OptionalInt.of(7222), cldb.port());
    assertTrue(cldb.dependsLocal());
  }

  @Test
  void aChildProcessServiceTakesTheDefaultsOfWardenConf() {
    WardenSettings settings =
        ConfParser.warden(warden("services.retries=7", "services.retryinterval.time.sec=11"))
            .value()
            .orElseThrow();
    ServiceDefinition kafka =
        ConfParser.service(
                service(
                    "kafka",
                    "services=kafka:all:",
                    "service.command.start=bin/kafka-server-start.sh config/server.properties",
                    "service.command.stop=bin/kafka-server-stop.sh",
                    "service.command.monitorcommand=bin/kafka-broker-api-versions.sh",
                    "service.env=KAFKA_HEAP_OPTS=-Xmx1g LOG_DIR=/var/log/kafka"),
                settings)
            .value()
            .orElseThrow();
    assertTrue(kafka.isProcess());
    assertEquals(7, kafka.retries());
    assertEquals(11, kafka.retryIntervalSec());
    assertEquals(Map.of("KAFKA_HEAP_OPTS", "-Xmx1g", "LOG_DIR", "/var/log/kafka"), kafka.env());
  }

  @Test
  void wardenConfReadsEveryKey() {
    WardenSettings settings =
        ConfParser.warden(
                warden(
                    "service.command.os.heapsize.percent=5",
                    "service.command.os.heapsize.min=512",
                    "service.command.os.heapsize.max=2048",
                    "services.memoryallocation.alarm.threshold=90"))
            .value()
            .orElseThrow();
    assertEquals(new ServiceDefinition.HeapSize(5, 512, 2048), settings.osHeap());
    assertEquals(Map.of(), settings.triplets());
    assertEquals(90, settings.alarmThresholdPercent());
  }

  @Test
  void aLineThatIsNotKeyValueAndAKeySetTwiceAreNamed() {
    List<ConfProblem> problems =
        ConfParser.service(
                service(
                    "x",
                    "services=x:all:",
                    "service.bundle=a.b",
                    "garbage here",
                    "service.bundle=c.d"),
                WardenSettings.DEFAULTS)
            .problems();
    assertEquals(2, problems.size(), problems.toString());
    assertEquals(3, problems.get(0).line());
    assertTrue(problems.get(0).message().contains("is not key=value"));
    assertEquals(4, problems.get(1).line());
    assertEquals("service.bundle", problems.get(1).key());
    assertTrue(problems.get(1).message().contains("first on line 2"));
  }

  @Test
  void aFileNamedForAnotherServiceIsRejected() {
    List<ConfProblem> problems =
        ConfParser.service(
                service("cldb", "services=fileserver:all:cldb", "service.bundle=a.b"),
                WardenSettings.DEFAULTS)
            .problems();
    assertEquals(1, problems.size());
    assertTrue(problems.get(0).message().contains("expected warden.fileserver.conf"));
  }

  @Test
  void nothingToRunAndBothKindsAreMistakes() {
    assertTrue(
        ConfParser.service(service("x", "services=x:all:"), WardenSettings.DEFAULTS)
            .problems()
            .get(0)
            .message()
            .contains("nothing to run"));
    assertTrue(
        ConfParser.service(
                service("x", "services=x:all:", "service.bundle=a.b", "service.command.start=run"),
                WardenSettings.DEFAULTS)
            .problems()
            .get(0)
            .message()
            .contains("choose one"));
  }
}
