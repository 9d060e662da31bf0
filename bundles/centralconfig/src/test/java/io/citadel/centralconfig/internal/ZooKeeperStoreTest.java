package io.citadel.centralconfig.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.centralconfig.internal.PullReport.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's second backend against a real ZooKeeper server. */
class ZooKeeperStoreTest {
  private static final String ROOT = "/citadel/test/configuration";
  @TempDir Path dir;
  private TestingServer server;
  private CuratorFramework curator;
  private ZooKeeperStore store;

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    curator = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(200));
    curator.start();
    curator.blockUntilConnected();
    store = new ZooKeeperStore(() -> curator, ROOT);
  }

  @AfterEach
  void stop() throws Exception {
    curator.close();
    server.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void whatIsPutIsListedByScopeWithFoldersAsPaths() throws Exception {
    assertEquals(Map.of(), store.list(CentralStore.DEFAULT), "no store yet: no files");
    store.put(CentralStore.DEFAULT, "io.citadel.engine.cfg", utf8("threads = 2\n"));
    store.put(CentralStore.DEFAULT, "conf.d/warden.x.conf", utf8("services=x:all:\n"));
    store.put(CentralStore.node("n2"), "roles", utf8("engine\n"));
    store.put(CentralStore.DEFAULT, "io.citadel.engine.cfg", utf8("threads = 4\n"));

    Map<String, CentralStore.StoredFile> defaults = store.list(CentralStore.DEFAULT);
    assertEquals(
        List.of("conf.d/warden.x.conf", "io.citadel.engine.cfg"), List.copyOf(defaults.keySet()));
    assertEquals(
        "threads = 4\n",
        new String(defaults.get("io.citadel.engine.cfg").content(), StandardCharsets.UTF_8));
    assertTrue(defaults.get("io.citadel.engine.cfg").stable());
    assertEquals(List.of("roles"), List.copyOf(store.list("nodes/n2").keySet()));
  }

  @Test
  void aPullFromZooKeeperPrefersTheNodesOwnFile() throws Exception {
    Path etc = Files.createDirectories(dir.resolve("etc"));
    store.put(CentralStore.DEFAULT, "io.citadel.engine.cfg", utf8("threads = 2\n"));
    store.put(CentralStore.node("n2"), "io.citadel.engine.cfg", utf8("threads = 8\n"));
    Clock later = Clock.fixed(Instant.now().plusSeconds(60), ZoneOffset.UTC);
    Puller puller =
        new Puller(new LocalEtc(etc), dir.resolve("state"), (path, content) -> List.of(), later);
    List<String> problems = new ArrayList<>();
    PullSettings settings =
        PullSettings.parse(Map.of("backend", "zookeeper", "host-name", "n2"), dir, problems);
    assertEquals(List.of(), problems);

    PullReport report = puller.pull(store, settings);
    assertEquals(Outcome.INSTALLED, report.files().get(0).outcome());
    assertEquals("nodes/n2", report.files().get(0).source());
    assertEquals("threads = 8\n", Files.readString(etc.resolve("io.citadel.engine.cfg")));
  }

  @Test
  void aServerThatIsGoneIsAnAlarmNotAnException() throws Exception {
    server.stop();
    CuratorFramework impatient =
        CuratorFrameworkFactory.builder()
            .connectString(server.getConnectString())
            .retryPolicy(new RetryOneTime(100))
            .connectionTimeoutMs(500)
            .sessionTimeoutMs(2_000)
            .build();
    impatient.start();
    try {
      Puller puller =
          new Puller(
              new LocalEtc(Files.createDirectories(dir.resolve("etc"))),
              dir.resolve("state"),
              (path, content) -> List.of(),
              Clock.systemUTC());
      PullReport report =
          puller.pull(
              new ZooKeeperStore(() -> impatient, ROOT),
              PullSettings.parse(Map.of("backend", "zookeeper"), dir, new ArrayList<>()));
      assertTrue(
          report.problem().startsWith("cannot read the store zookeeper:" + ROOT), report.problem());
      assertEquals(Puller.STORE, puller.alarms().get(0).path());
    } finally {
      impatient.close();
    }
  }
}
