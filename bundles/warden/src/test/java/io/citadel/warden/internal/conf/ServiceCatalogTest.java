package io.citadel.warden.internal.conf;

import static io.citadel.warden.internal.conf.ConfTestFiles.bundleService;
import static io.citadel.warden.internal.conf.ConfTestFiles.service;
import static io.citadel.warden.internal.conf.ConfTestFiles.warden;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The validator: every mistake is reported with file, line and key, and isolated. */
class ServiceCatalogTest {

  private static final Set<String> BUILT_IN = Set.of("coordination");

  private static ServiceCatalog catalog(ConfFile... files) {
    return ServiceCatalog.build(warden(), List.of(files), bsn -> true, BUILT_IN);
  }

  private static ConfProblem onlyProblem(ServiceCatalog catalog) {
    assertEquals(1, catalog.problems().size(), catalog.problems().toString());
    return catalog.problems().get(0);
  }

  @Test
  void servicesStartAfterTheirDependencies() {
    ServiceCatalog catalog =
        catalog(
            bundleService("loadbalancer:all:replication"),
            bundleService("replication:all:engine,kafka"),
            bundleService("engine:all:fileserver"),
            bundleService("fileserver:all:cldb"),
            bundleService("cldb:1:coordination"),
            bundleService("kafka:all:"),
            bundleService("centralconfig:all:coordination"));
    assertEquals(List.of(), catalog.problems());
    assertEquals(
        List.of(
            "centralconfig",
            "cldb",
            "fileserver",
            "engine",
            "kafka",
            "replication",
            "loadbalancer"),
        catalog.startOrder());
    assertEquals(
        List.of("loadbalancer", "replication", "engine", "fileserver"),
        catalog.dependentsOf("cldb"));
  }

  @Test
  void aMalformedTripletNamesFileLineAndKey() {
    ConfProblem problem =
        onlyProblem(catalog(service("cldb", "# cldb", "services=cldb:one:", "service.bundle=a.b")));
    assertEquals(Path.of("etc/conf.d/warden.cldb.conf"), problem.file());
    assertEquals(2, problem.line());
    assertEquals("services", problem.key());
    assertEquals(
        "warden.cldb.conf:2 services: count 'one' in 'cldb:one:' is neither 'all' nor a positive number",
        problem.toString());
  }

  @Test
  void anUnknownDependencyIsNamedAndOnlyThatServiceIsLeftOut() {
    ServiceCatalog catalog =
        catalog(bundleService("engine:all:fileservre"), bundleService("cldb:1:coordination"));
    ConfProblem problem = onlyProblem(catalog);
    assertEquals("services", problem.key());
    assertEquals(1, problem.line());
    assertTrue(problem.message().contains("depends on 'fileservre', which no file describes"));
    assertEquals(Set.of("cldb"), catalog.services().keySet());
  }

  @Test
  void aCycleIsNamedWhole() {
    ServiceCatalog catalog =
        catalog(
            bundleService("a:all:c"),
            bundleService("b:all:a"),
            bundleService("c:all:b"),
            bundleService("d:all:a"),
            bundleService("ok:all:coordination"));
    assertEquals(3, catalog.problems().size(), catalog.problems().toString());
    for (ConfProblem problem : catalog.problems()) {
      assertEquals("dependency cycle a -> c -> b -> a", problem.message());
      assertEquals("services", problem.key());
    }
    // d waits on a, whose file is bad; ok is undisturbed.
    assertEquals(List.of("d", "ok"), catalog.startOrder());
  }

  @Test
  void minAboveMaxIsNamed() {
    ConfProblem problem =
        onlyProblem(
            catalog(
                service(
                    "x",
                    "services=x:all:",
                    "service.bundle=a.b",
                    "service.heapsize.min=512",
                    "service.heapsize.max=256")));
    assertEquals(3, problem.line());
    assertEquals("service.heapsize.min", problem.key());
    assertEquals("512 is above service.heapsize.max=256", problem.message());
  }

  @Test
  void aPercentOutside0To100IsNamed() {
    ConfProblem problem =
        onlyProblem(
            catalog(
                service(
                    "x", "services=x:all:", "service.bundle=a.b", "service.heapsize.percent=140")));
    assertEquals(3, problem.line());
    assertEquals("service.heapsize.percent", problem.key());
    assertEquals("'140' is outside 0-100", problem.message());
  }

  @Test
  void aMissingBundleIsNamed() {
    ServiceCatalog catalog =
        ServiceCatalog.build(
            warden(),
            List.of(bundleService("cldb:1:coordination")),
            bsn -> !bsn.equals("io.citadel.cldb"),
            BUILT_IN);
    ConfProblem problem = onlyProblem(catalog);
    assertEquals("service.bundle", problem.key());
    assertEquals(2, problem.line());
    assertTrue(problem.message().startsWith("bundle 'io.citadel.cldb' is not installed"));
  }

  @Test
  void aMvnLocationNeedsNoInstalledBundle() {
    ServiceCatalog catalog =
        ServiceCatalog.build(
            warden(),
            List.of(service("x", "services=x:all:", "service.bundle=mvn:com.example/x/1.0")),
            bsn -> false,
            BUILT_IN);
    assertEquals(List.of(), catalog.problems());
  }

  @Test
  void anUnknownKeyIsNamed() {
    ConfProblem problem =
        onlyProblem(
            catalog(
                service(
                    "x", "services=x:all:", "service.bundle=a.b", "service.heapsize.precent=5")));
    assertEquals(3, problem.line());
    assertEquals("service.heapsize.precent", problem.key());
    assertEquals("is not a service key", problem.message());
  }

  @Test
  void anUnknownWardenConfKeyIsNamedAndDefaultsApply() {
    ServiceCatalog catalog =
        ServiceCatalog.build(
            warden("services.retries=2", "service.os.heapsize.percent=5"),
            List.of(bundleService("x:all:")),
            bsn -> true,
            BUILT_IN);
    ConfProblem problem = onlyProblem(catalog);
    assertEquals(Path.of("etc/warden.conf"), problem.file());
    assertEquals(2, problem.line());
    assertEquals("service.os.heapsize.percent", problem.key());
    assertEquals(WardenSettings.DEFAULTS, catalog.settings());
    assertTrue(catalog.services().containsKey("x"));
  }

  @Test
  void aSecondFileClaimingAServiceIsRefusedAndTheFirstStays() {
    ServiceCatalog catalog =
        catalog(
            service("cldb", "services=cldb:1:", "service.bundle=a.b"),
            ConfFile.parse(
                Path.of("etc/conf.d/warden.cldb2.conf"), "services=cldb:1:\nservice.bundle=a.b"));
    ConfProblem problem = onlyProblem(catalog);
    assertEquals(Path.of("etc/conf.d/warden.cldb2.conf"), problem.file());
    assertTrue(problem.message().contains("expected warden.cldb.conf"), problem.message());
    assertTrue(catalog.services().containsKey("cldb"));
  }

  @Test
  void badFilesDoNotDisturbGoodOnes() {
    ServiceCatalog catalog =
        catalog(
            service("bad", "services=bad:all:", "service.bundle=a.b", "service.retries=many"),
            bundleService("good:all:coordination"),
            bundleService("dependent:all:good"));
    assertEquals(1, catalog.problems().size());
    assertEquals(List.of("good", "dependent"), catalog.startOrder());
  }

  @Test
  void wardenConfMayHoldTheTriplets() {
    ServiceCatalog catalog =
        ServiceCatalog.build(
            warden("services=cldb:1:coordination;fileserver:all:cldb"),
            List.of(
                service("cldb", "service.bundle=io.citadel.cldb"),
                service("fileserver", "service.bundle=io.citadel.fileserver")),
            bsn -> true,
            BUILT_IN);
    assertEquals(List.of(), catalog.problems());
    assertEquals(List.of("cldb", "fileserver"), catalog.startOrder());
    assertTrue(catalog.services().get("cldb").triplet().singleton());
  }

  @Test
  void aTripletInBothPlacesMustAgree() {
    ServiceCatalog catalog =
        ServiceCatalog.build(
            warden("services=cldb:1:coordination"),
            List.of(service("cldb", "services=cldb:3:coordination", "service.bundle=a.b")),
            bsn -> true,
            BUILT_IN);
    ConfProblem problem = onlyProblem(catalog);
    assertEquals("services", problem.key());
    assertEquals(1, problem.line());
    assertTrue(problem.message().contains("disagrees with warden.conf's 'cldb:1:coordination'"));
  }

  @Test
  void aWardenConfTripletWithoutAFileIsReported() {
    ServiceCatalog catalog =
        ServiceCatalog.build(
            warden("# services", "services=cldb:1:coordination"), List.of(), bsn -> true, BUILT_IN);
    ConfProblem problem = onlyProblem(catalog);
    assertEquals(Path.of("etc/warden.conf"), problem.file());
    assertEquals(2, problem.line());
    assertTrue(problem.message().contains("no conf.d/warden.cldb.conf describes it"));
  }
}
