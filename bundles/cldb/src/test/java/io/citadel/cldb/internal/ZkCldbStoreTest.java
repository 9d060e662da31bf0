package io.citadel.cldb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.cldb.internal.model.ClusterModel;
import io.citadel.cldb.internal.model.Heartbeat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CLDB's state in a real ZooKeeper server: what a master writes, the next one reads; fencing.
 */
class ZkCldbStoreTest {
  private static final String ROOT = "/citadel/test/cldb";
  private TestingServer server;
  private CuratorFramework a;
  private CuratorFramework b;

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
    a = client();
    b = client();
  }

  private CuratorFramework client() throws Exception {
    CuratorFramework c =
        CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(200));
    c.start();
    c.blockUntilConnected();
    return c;
  }

  @AfterEach
  void stop() throws Exception {
    a.close();
    b.close();
    server.close();
  }

  @Test
  void aNewMasterServesWhatTheOldOneWroteAndFencesItOff() throws Exception {
    ZkCldbStore first = new ZkCldbStore(a, ROOT);
    assertEquals(1, first.takeOver());
    ClusterModel m = new ClusterModel("test", 0.9);
    m.createVolume("sales", 10_000, 1, 2, 5);
    List<Heartbeat.Report> reports = new ArrayList<>();
    for (int f = 0; f < 1_000; f++) {
      reports.add(new Heartbeat.Report(m.createContainer("sales", "orders", f, "n1").id(), 10));
    }
    m.heartbeat(new Heartbeat("n1", "10.0.0.1:5432", 1 << 30, 1 << 20, reports), 0);
    m.removeContainer(reports.get(999).containerId());
    first.write(m.drainChanged());

    ZkCldbStore second = new ZkCldbStore(b, ROOT);
    assertEquals(2, second.takeOver());
    ZkCldbStore.State s = second.read();
    assertEquals(2, s.epoch());
    ClusterModel next = new ClusterModel("test", 0.9);
    next.load(s.volumes(), s.containers(), s.nextContainerId());
    next.loadNodes(s.nodes(), 0);
    assertEquals(m.volumes(), next.volumes());
    assertEquals(m.containers(null), next.containers(null));
    assertEquals(9_990, next.usage("sales"));
    assertEquals(999, next.lookup("orders").size());
    assertEquals(List.of("10.0.0.1:5432"), next.lookup("orders").get(0).liveAddresses());
    assertEquals(
        m.createContainer("sales", "orders", 1_000, "n1").id(),
        next.createContainer("sales", "orders", 1_000, "n1").id());

    // the deposed master's next write fails and changes nothing
    m.createVolume("late", 0, 1, 1, 6);
    assertThrows(ZkCldbStore.FencedException.class, () -> first.write(m.drainChanged()));
    assertTrue(second.read().volumes().stream().noneMatch(v -> v.name().equals("late")));
    second.write(next.drainChanged());
    assertEquals(1_000, second.read().containers().size());
  }

  /**
   * ZooKeeper goes away while the master writes: the write fails, and what it carried is written
   * with the master's next write once ZooKeeper is back, although nothing changed in between.
   */
  @Test
  void changesZooKeeperDidNotConfirmGoWithTheNextWrite() throws Exception {
    CuratorFramework quick =
        CuratorFrameworkFactory.newClient(
            server.getConnectString(), 10_000, 1_000, new RetryOneTime(100));
    quick.start();
    try {
      quick.blockUntilConnected();
      ZkCldbStore store = new ZkCldbStore(quick, ROOT);
      store.takeOver();
      ClusterModel m = new ClusterModel("test", 0.9);
      m.createVolume("before", 0, 1, 1, 5);
      store.writeChanged(m);

      server.stop();
      m.createVolume("during", 0, 1, 1, 5);
      assertThrows(Exception.class, () -> store.writeChanged(m));
      server.restart();
      assertTrue(quick.blockUntilConnected(30, java.util.concurrent.TimeUnit.SECONDS));
      store.writeChanged(m);

      ZkCldbStore next = new ZkCldbStore(b, ROOT);
      next.takeOver();
      assertEquals(
          List.of("before", "during"),
          next.read().volumes().stream().map(v -> v.name()).sorted().toList());
    } finally {
      quick.close();
    }
  }

  @Test
  void aCorruptZnodeIsNamed() throws Exception {
    ZkCldbStore store = new ZkCldbStore(a, ROOT);
    store.takeOver();
    a.create().forPath(ROOT + "/volumes/broken", "{not json".getBytes(StandardCharsets.UTF_8));
    var e = assertThrows(RuntimeException.class, store::read);
    assertTrue(e.getMessage().contains(ROOT + "/volumes/broken"), e.getMessage());
  }
}
