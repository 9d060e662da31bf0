package io.citadel.centralconfig.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.centralconfig.internal.PullReport.FileResult;
import io.citadel.centralconfig.internal.PullReport.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PullerTest {
  @TempDir Path dir;
  private Path store;
  private Path etc;
  private final MutableClock clock = new MutableClock();
  private final List<String> validated = new ArrayList<>();
  private final Map<String, List<String>> verdicts = new HashMap<>();
  private Puller puller;

  @BeforeEach
  void setUp() throws IOException {
    store = Files.createDirectories(dir.resolve("store"));
    etc = Files.createDirectories(dir.resolve("etc"));
    puller = newPuller();
  }

  private Puller newPuller() throws IOException {
    return new Puller(
        new LocalEtc(etc),
        dir.resolve("data/installed.properties"),
        (path, content) -> {
          validated.add(path);
          return verdicts.getOrDefault(path, List.of());
        },
        clock);
  }

  private PullSettings settings(String host, boolean removeDeleted) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> config = new HashMap<>();
    config.put("store", store.toString());
    config.put("host-name", host);
    config.put("remove-deleted", Boolean.toString(removeDeleted));
    config.put("settle-ms", "1000");
    PullSettings s = PullSettings.parse(config, store, problems);
    assertEquals(List.of(), problems);
    return s;
  }

  private PullReport pull(String host) {
    return pull(host, false);
  }

  private PullReport pull(String host, boolean removeDeleted) {
    return puller.pull(new SharedFolderStore(store), settings(host, removeDeleted));
  }

  /** Writes a central file changed well before the clock's now, so it has settled. */
  private Path central(String scope, String path, String text) throws IOException {
    return central(scope, path, text.getBytes(StandardCharsets.UTF_8));
  }

  private Path central(String scope, String path, byte[] content) throws IOException {
    Path file = store.resolve(scope).resolve(path);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
    Files.setLastModifiedTime(file, FileTime.from(clock.instant().minusSeconds(60)));
    return file;
  }

  private static FileResult result(PullReport report, String path) {
    return report.files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
  }

  private String local(String path) throws IOException {
    return Files.readString(etc.resolve(path));
  }

  @Test
  void theNodesOwnCopyWinsOverTheDefaultOnThatNodeOnly() throws IOException {
    central("default", "io.citadel.engine.cfg", "max-connections = 100\n");
    central("nodes/node2", "io.citadel.engine.cfg", "max-connections = 222\n");
    central("default", "conf.d/warden.x.conf", "services=x:all:\n");

    PullReport onNode1 = pull("node1");
    assertEquals(Outcome.INSTALLED, result(onNode1, "io.citadel.engine.cfg").outcome());
    assertEquals("default", result(onNode1, "io.citadel.engine.cfg").source());
    assertEquals("max-connections = 100\n", local("io.citadel.engine.cfg"));
    assertEquals("services=x:all:\n", local("conf.d/warden.x.conf"));

    PullReport onNode2 = pull("node2");
    assertEquals("nodes/node2", result(onNode2, "io.citadel.engine.cfg").source());
    assertEquals(Outcome.INSTALLED, result(onNode2, "io.citadel.engine.cfg").outcome());
    assertEquals("max-connections = 222\n", local("io.citadel.engine.cfg"));
    // the default's file for the conf.d service is the same: not touched
    assertEquals(Outcome.UNCHANGED, result(onNode2, "conf.d/warden.x.conf").outcome());
  }

  @Test
  void anUnchangedFileIsNotTouchedAndTheWardensKeysStay() throws IOException {
    Files.writeString(
        etc.resolve("io.citadel.engine.cfg"),
        "port = 6274\ncitadel.memory.mb = 4096\ncitadel.host = node1\n");
    central("default", "io.citadel.engine.cfg", "# from the store\nport=6274\n");
    FileTime before = Files.getLastModifiedTime(etc.resolve("io.citadel.engine.cfg"));

    PullReport first = pull("node1");
    assertEquals(Outcome.UNCHANGED, result(first, "io.citadel.engine.cfg").outcome());
    assertEquals(before, Files.getLastModifiedTime(etc.resolve("io.citadel.engine.cfg")));

    central("default", "io.citadel.engine.cfg", "port = 7000\n");
    PullReport second = pull("node1");
    assertEquals(Outcome.INSTALLED, result(second, "io.citadel.engine.cfg").outcome());
    Map<String, String> now =
        LocalEtc.properties(Files.readAllBytes(etc.resolve("io.citadel.engine.cfg")));
    assertEquals("7000", now.get("port"));
    assertEquals("4096", now.get("citadel.memory.mb"), "the Warden's budget is kept");
    assertEquals("node1", now.get("citadel.host"));
    assertTrue(
        Files.getLastModifiedTime(etc.resolve("io.citadel.engine.cfg")).compareTo(before) > 0);
    // and a third pull finds nothing to do, the kept keys notwithstanding
    assertEquals(Outcome.UNCHANGED, result(pull("node1"), "io.citadel.engine.cfg").outcome());
    try (var files = Files.list(etc)) {
      assertEquals(1, files.count(), "no temporary file is left beside it");
    }
  }

  @Test
  void aNewCfgTakesTheWardensKeysFromTheConfigurationInForce() throws IOException {
    puller =
        new Puller(
            new LocalEtc(
                etc,
                pid ->
                    pid.equals("io.citadel.hoststats")
                        ? Map.of("citadel.memory.mb", "64", "citadel.host", "node1")
                        : Map.of()),
            dir.resolve("data/installed.properties"),
            (path, content) -> List.of(),
            clock);
    central("default", "io.citadel.hoststats.cfg", "sample.interval.sec = 2\n");
    assertEquals(Outcome.INSTALLED, result(pull("node1"), "io.citadel.hoststats.cfg").outcome());
    Map<String, String> now =
        LocalEtc.properties(Files.readAllBytes(etc.resolve("io.citadel.hoststats.cfg")));
    assertEquals(
        Map.of("sample.interval.sec", "2", "citadel.memory.mb", "64", "citadel.host", "node1"),
        now);
  }

  @Test
  void aFileThatFailsValidationIsNotInstalledAndRaisesAnAlarmUntilItIsFixed() throws IOException {
    Files.writeString(etc.resolve("warden.conf"), "services.retries=3\n");
    central("default", "warden.conf", "services.retries=lots\n");
    verdicts.put("warden.conf", List.of("warden.conf:1 services.retries: not a number"));

    PullReport bad = pull("node1");
    FileResult r = result(bad, "warden.conf");
    assertEquals(Outcome.REJECTED, r.outcome());
    assertTrue(r.detail().contains("services.retries: not a number"), r.detail());
    assertEquals("services.retries=3\n", local("warden.conf"), "the local copy stays");
    assertEquals(1, puller.alarms().size());
    Alarm alarm = puller.alarms().get(0);
    assertEquals("warden.conf", alarm.path());
    assertEquals("default", alarm.source());

    Instant raised = alarm.since();
    clock.advance(5_000);
    pull("node1");
    assertEquals(raised, puller.alarms().get(0).since(), "raised once, not every pull");

    verdicts.clear();
    central("default", "warden.conf", "services.retries=5\n");
    PullReport good = pull("node1");
    assertEquals(Outcome.INSTALLED, result(good, "warden.conf").outcome());
    assertEquals(List.of(), puller.alarms());
  }

  @Test
  void aMalformedCfgIsRejectedBeforeAnyValidatorSeesIt() throws IOException {
    Files.writeString(etc.resolve("io.citadel.loadbalancer.cfg"), "algorithm = round-robin\n");
    central(
        "default", "io.citadel.loadbalancer.cfg", "algorithm = least-connections\nthis is not\n");
    central("default", "io.citadel.cldb.cfg", "port = \\u12G4\n");
    central("default", "io.citadel.fileserver.cfg", new byte[] {'a', '=', (byte) 0xff});

    PullReport report = pull("node1");
    assertEquals(Outcome.REJECTED, result(report, "io.citadel.loadbalancer.cfg").outcome());
    assertTrue(
        result(report, "io.citadel.loadbalancer.cfg")
            .detail()
            .contains(":2: 'this is not' is not 'key = value'"),
        result(report, "io.citadel.loadbalancer.cfg").detail());
    assertEquals(Outcome.REJECTED, result(report, "io.citadel.cldb.cfg").outcome());
    assertTrue(result(report, "io.citadel.cldb.cfg").detail().contains("Malformed"));
    assertEquals(Outcome.REJECTED, result(report, "io.citadel.fileserver.cfg").outcome());
    assertTrue(result(report, "io.citadel.fileserver.cfg").detail().contains("not UTF-8"));
    assertEquals(List.of(), validated);
    assertEquals("algorithm = round-robin\n", local("io.citadel.loadbalancer.cfg"));
    assertFalse(Files.exists(etc.resolve("io.citadel.cldb.cfg")));
    assertEquals(3, puller.alarms().size());
  }

  @Test
  void linksOutOfTheStoreAndUnsafeNamesAreRefused() throws IOException {
    Path outside = Files.writeString(dir.resolve("secret.cfg"), "password = x\n");
    Files.createDirectories(store.resolve("default"));
    Files.createSymbolicLink(store.resolve("default/io.citadel.engine.cfg"), outside);
    // a link that stays inside the store is fine
    Path real = central("default", "shared/real.txt", "max-connections = 5\n");
    Files.createSymbolicLink(store.resolve("default/io.citadel.cldb.cfg"), real);
    central("default", ".hidden.cfg", "a = b\n");
    central("default", "etc.sh", "rm -rf /\n");
    // a node folder that is itself a link out of the store
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("roles"), "engine\n");
    Files.createDirectories(store.resolve("nodes"));
    Files.createSymbolicLink(store.resolve("nodes/node9"), elsewhere);

    PullReport report = pull("node1");
    FileResult link = result(report, "io.citadel.engine.cfg");
    assertEquals(Outcome.REFUSED, link.outcome());
    assertTrue(link.detail().contains("leads out of the store"), link.detail());
    assertFalse(Files.exists(etc.resolve("io.citadel.engine.cfg")));
    assertEquals(Outcome.INSTALLED, result(report, "io.citadel.cldb.cfg").outcome());
    assertEquals(2, report.files().size(), report.files().toString());
    try (var files = Files.list(etc)) {
      assertEquals(
          List.of("io.citadel.cldb.cfg"), files.map(f -> f.getFileName().toString()).toList());
    }

    PullReport node9 = pull("node9");
    FileResult scope = result(node9, "nodes/node9");
    assertEquals(Outcome.REFUSED, scope.outcome());
    assertFalse(Files.exists(etc.resolve("roles")));
  }

  @Test
  void aFileBeingWrittenWaitsUntilItHasSettled() throws IOException {
    Path file = central("default", "io.citadel.engine.cfg", "max-connections = 1");
    Files.setLastModifiedTime(file, FileTime.from(clock.instant().minusMillis(200)));

    PullReport early = pull("node1");
    assertEquals(Outcome.PENDING, result(early, "io.citadel.engine.cfg").outcome());
    assertTrue(early.pending());
    assertFalse(Files.exists(etc.resolve("io.citadel.engine.cfg")));

    Files.writeString(file, "max-connections = 100\n");
    Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
    clock.advance(1_500);
    PullReport later = pull("node1");
    assertEquals(Outcome.INSTALLED, result(later, "io.citadel.engine.cfg").outcome());
    assertEquals("max-connections = 100\n", local("io.citadel.engine.cfg"));
  }

  @Test
  void aFileRemovedFromTheStoreIsLeftUnlessToldAndOnlyIfThePullerInstalledIt() throws IOException {
    Path file = central("default", "io.citadel.engine.cfg", "threads = 2\n");
    Files.writeString(etc.resolve("io.citadel.cldb.cfg"), "port = 1\n"); // the operator's own
    pull("node1");
    Files.delete(file);

    PullReport left = pull("node1");
    assertEquals(Outcome.LEFT, result(left, "io.citadel.engine.cfg").outcome());
    assertTrue(Files.exists(etc.resolve("io.citadel.engine.cfg")));

    central("default", "io.citadel.engine.cfg", "threads = 3\n");
    pull("node1");
    Files.delete(store.resolve("default/io.citadel.engine.cfg"));
    // a new puller (a restart) still knows what it installed
    puller = newPuller();
    PullReport removed = pull("node1", true);
    assertEquals(Outcome.REMOVED, result(removed, "io.citadel.engine.cfg").outcome());
    assertFalse(Files.exists(etc.resolve("io.citadel.engine.cfg")));
    assertTrue(Files.exists(etc.resolve("io.citadel.cldb.cfg")), "never installed: never removed");
  }

  @Test
  void aStoreThatCannotBeReadRaisesAnAlarmAndTouchesNothing() throws IOException {
    Files.writeString(etc.resolve("roles"), "engine\n");
    Path gone = dir.resolve("unmounted");
    List<String> problems = new ArrayList<>();
    PullSettings s = PullSettings.parse(Map.of("store", gone.toString()), gone, problems);
    PullReport report = puller.pull(new SharedFolderStore(gone), s);
    assertTrue(report.problem().contains("does not exist"), report.problem());
    assertEquals(Puller.STORE, puller.alarms().get(0).path());
    assertEquals("engine\n", local("roles"));
    assertFalse(Files.exists(gone), "a store that is not there is not made");
  }

  @Test
  void badSettingsAreNamedAndTheirDefaultsUsed() {
    List<String> problems = new ArrayList<>();
    PullSettings s =
        PullSettings.parse(
            Map.of(
                "interval-sec", "0",
                "backend", "ftp",
                "store", "relative/path",
                "host-name", "../etc",
                "files", "../*.cfg",
                "remove-deleted", "maybe"),
            store,
            problems);
    assertEquals(6, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("backend=ftp"), problems.toString());
    assertEquals(300, s.intervalSec());
    assertEquals(PullSettings.SHARED, s.backend());
    assertEquals(store, s.store());
    assertTrue(s.files().allows("io.citadel.engine.cfg"));
    assertFalse(s.files().allows("../io.citadel.engine.cfg"));
  }

  @Test
  void pushLeavesOutTheWardensKeys() {
    byte[] pushed =
        CentralConfigService.withoutWardenKeys(
            ("port = 1\n# Set by this node's Warden, kept by the central configuration puller\n"
                    + "citadel.memory.mb = 100\ncitadel.host = n1\n")
                .getBytes(StandardCharsets.UTF_8));
    assertEquals("port = 1\n", new String(pushed, StandardCharsets.UTF_8));
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-12-01T10:00:00Z");

    void advance(long millis) {
      now = now.plusMillis(millis);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
