package io.citadel.coordination.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster's own ZooKeeper ensemble: its description, and three real quorum peers in this JVM
 * that elect a leader, serve a client through the loss of that leader, and take the lost server
 * back with the data it missed.
 */
class EnsembleTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void aDescriptionReadsBackAndNamesWhatIsWrong() {
    Ensemble e =
        Ensemble.parse(
            "3=10.0.0.3:2888:3888;2181, 1=10.0.0.1:2888:3888;2181,"
                + " server.2=10.0.0.2:2888:3888;0.0.0.0:2182");
    assertEquals(List.of(1L, 2L, 3L), e.servers().stream().map(Ensemble.Server::id).toList());
    assertEquals("10.0.0.1:2181,0.0.0.0:2182,10.0.0.3:2181", e.connectString());
    assertEquals(2, e.quorum());
    assertEquals(1, e.toleratedFailures());
    assertEquals(e, Ensemble.parse(e.toString()));
    Ensemble four = Ensemble.parse("1=a:1:2;3,2=b:1:2;3,3=c:1:2;3,4=d:1:2;3,5=e:1:2:observer;3");
    assertEquals(4, four.voters());
    assertEquals(3, four.quorum());
    assertEquals(1, four.toleratedFailures(), "four voters tolerate no more than three do");
    assertTrue(Ensemble.parse("  ").isEmpty());
    // one server alone, as zk:reconfig --add takes it: an observer too
    Ensemble.Server observer = Ensemble.server("6=10.0.0.6:2888:3888:observer;2181");
    assertTrue(observer.observer());
    assertEquals("server.6=10.0.0.6:2888:3888:observer;10.0.0.6:2181", observer.zooKeeperLine());
    assertThrows(IllegalArgumentException.class, () -> Ensemble.server("6=10.0.0.6:2888;2181"));
    for (String bad :
        List.of(
            "1=a:2888;2181",
            "0=a:1:2;3",
            "1=a:1:2;3,1=b:1:2;3",
            "1=a:1:2;3,2=a:1:5;6",
            "1=a:1:1;3",
            "1=a:1:2:observer;3",
            "1=a:1:2;70000")) {
      assertThrows(IllegalArgumentException.class, () -> Ensemble.parse(bad), bad);
    }
  }

  @Test
  void settingsNameAServerThatIsNotInTheEnsemble() throws Exception {
    Map<String, Object> p = new HashMap<>();
    p.put("ensemble.servers", "1=127.0.0.1:2888:3888;2181,2=127.0.0.1:2889:3889;2182");
    p.put("ensemble.id", "3");
    InvalidSettingException e =
        assertThrows(InvalidSettingException.class, () -> CoordinationSettings.parse(p, dir));
    assertEquals("ensemble.id", e.key());
    p.put("ensemble.id", "2");
    CoordinationSettings s = CoordinationSettings.parse(p, dir);
    assertEquals("127.0.0.1:2181,127.0.0.1:2182", s.effectiveConnect());
    assertTrue(s.runsPeer());
    assertTrue(!s.embedded(), "a node of an ensemble runs no standalone server");
    assertEquals(s, CoordinationSettings.parse(s.toProperties(), dir));
    p.put("embedded", "true");
    assertThrows(InvalidSettingException.class, () -> CoordinationSettings.parse(p, dir));
  }

  @Test
  void threePeersServeThroughTheLossOfTheirLeaderAndTakeItBack() throws Exception {
    int[] ports = freePorts(9);
    Ensemble ensemble = Ensemble.parse(describe(ports, 1, 2, 3));
    List<EnsemblePeer> peers = new ArrayList<>();
    try {
      long start = System.nanoTime();
      for (int id = 1; id <= 3; id++) {
        EnsemblePeer p = new EnsemblePeer(ensemble, id, dir.resolve("peer" + id));
        p.start();
        peers.add(p);
      }
      Await.until(WAIT, () -> leader(peers) != null, () -> roles(peers));
      System.out.printf(
          "ensemble of 3 formed in %d ms: %s%n",
          (System.nanoTime() - start) / 1_000_000, roles(peers));
      Map<String, Object> props = new HashMap<>();
      props.put("ensemble.servers", ensemble.toString());
      props.put("session.timeout.ms", "10000");
      props.put("connection.timeout.ms", "2000");
      CoordinationSettings settings = CoordinationSettings.parse(props, dir);
      try (CuratorCoordination c = new CuratorCoordination(settings, (x, s) -> {})) {
        c.start();
        assertTrue(c.awaitConnected(WAIT));
        String path = c.clusterPath("volumes", "v1");
        c.curator().create().creatingParentsIfNeeded().forPath(path, "one".getBytes());

        EnsemblePeer lost = leader(peers);
        int lostIndex = peers.indexOf(lost);
        long killed = System.nanoTime();
        lost.close();
        // the two left elect a leader among them and go on taking writes
        byte[] two = "two".getBytes(StandardCharsets.UTF_8);
        Await.until(
            WAIT,
            () -> {
              try {
                c.curator().setData().forPath(path, two);
                return true;
              } catch (Exception e) {
                return false;
              }
            },
            () -> roles(peers));
        System.out.printf(
            "a write went through %d ms after the leader stopped: %s%n",
            (System.nanoTime() - killed) / 1_000_000, roles(peers));
        assertEquals("stopped", lost.role());

        // the lost server comes back on its data and catches up with what it missed
        EnsemblePeer back = new EnsemblePeer(ensemble, lost.id(), dir.resolve("peer" + lost.id()));
        back.start();
        peers.set(lostIndex, back);
        Await.until(
            WAIT,
            () -> back.role().equals("following") || back.role().equals("leading"),
            () -> roles(peers));
        // read through the returned server alone: it has caught up with what it missed
        Map<String, Object> only = new HashMap<>(props);
        only.put("zookeeper.connect", ensemble.server(back.id()).orElseThrow().clientAddress());
        try (CuratorCoordination direct =
            new CuratorCoordination(CoordinationSettings.parse(only, dir), (x, s) -> {})) {
          direct.start();
          assertTrue(direct.awaitConnected(WAIT));
          direct.curator().sync().forPath(path);
          assertArrayEquals(two, direct.curator().getData().forPath(path));
        }
        assertArrayEquals(two, c.curator().getData().forPath(path));
      }
    } finally {
      closeAll(peers);
    }
  }

  /**
   * Growing 3 to 5 as README documents it: the two new servers start with a description of the
   * current three and themselves and sync as learners; {@code reconfig} through one of the three
   * makes them voters, and the five then keep serving, with everything written before, while two of
   * the original three are down.
   */
  @Test
  void reconfigGrowsThreeToFiveAndKeepsTheData() throws Exception {
    int[] ports = freePorts(15);
    Ensemble three = Ensemble.parse(describe(ports, 1, 2, 3));
    Ensemble five = Ensemble.parse(describe(ports, 1, 2, 3, 4, 5));
    List<EnsemblePeer> peers = new ArrayList<>();
    try {
      for (int id = 1; id <= 3; id++) {
        EnsemblePeer p = new EnsemblePeer(three, id, dir.resolve("peer" + id));
        p.start();
        peers.add(p);
      }
      Await.until(WAIT, () -> leader(peers) != null, () -> roles(peers));
      Map<String, Object> props = new HashMap<>();
      props.put("ensemble.servers", three.toString());
      props.put("session.timeout.ms", "10000");
      props.put("connection.timeout.ms", "2000");
      try (CuratorCoordination c =
          new CuratorCoordination(CoordinationSettings.parse(props, dir), (x, s) -> {})) {
        c.start();
        assertTrue(c.awaitConnected(WAIT));
        String path = c.clusterPath("volumes", "before-growth");
        c.curator().create().creatingParentsIfNeeded().forPath(path, "kept".getBytes());

        for (int id = 4; id <= 5; id++) {
          EnsemblePeer p = new EnsemblePeer(five, id, dir.resolve("peer" + id));
          p.start();
          peers.add(p);
        }
        Await.until(
            WAIT,
            () ->
                peers.get(3).role().equals("following") && peers.get(4).role().equals("following"),
            () -> roles(peers));
        long asked = System.nanoTime();
        Ensemble after =
            Ensemble.fromZooKeeperConfig(
                peers
                    .get(0)
                    .reconfigure(
                        List.of(
                            five.server(4).orElseThrow().zooKeeperLine(),
                            five.server(5).orElseThrow().zooKeeperLine()),
                        List.of(),
                        WAIT));
        System.out.printf(
            "reconfig committed in %d ms: %s%n", (System.nanoTime() - asked) / 1_000_000, after);
        assertEquals(5, after.voters());
        assertEquals(
            List.of(1L, 2L, 3L, 4L, 5L),
            after.servers().stream().map(Ensemble.Server::id).toList());

        // the client is given the five (as every node is after a reconfig): its session goes on
        // over the new list, with its ephemeral znode, through the loss of servers 1 and 2
        String mine = c.clusterPath("nodes", "this-client");
        c.curator().create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(mine);
        long session = c.curator().getZookeeperClient().getZooKeeper().getSessionId();
        Map<String, Object> fiveProps = new HashMap<>(props);
        fiveProps.put("ensemble.servers", five.toString());
        c.moveToServers(CoordinationSettings.parse(fiveProps, dir));

        // two of the original three go: three of five are a quorum
        EnsemblePeer first = peers.get(0);
        EnsemblePeer second = peers.get(1);
        first.close();
        second.close();
        Map<String, Object> only = new HashMap<>(props);
        only.put("zookeeper.connect", five.server(4).orElseThrow().clientAddress());
        try (CuratorCoordination direct =
            new CuratorCoordination(CoordinationSettings.parse(only, dir), (x, s) -> {})) {
          direct.start();
          assertTrue(direct.awaitConnected(WAIT));
          byte[] later = "written with 1 and 2 down".getBytes(StandardCharsets.UTF_8);
          Await.until(
              WAIT,
              () -> {
                try {
                  direct.curator().setData().forPath(c.clusterPath("volumes", "late"), later);
                  return true;
                } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
                  try {
                    direct.curator().create().forPath(c.clusterPath("volumes", "late"), later);
                    return true;
                  } catch (Exception again) {
                    return false;
                  }
                } catch (Exception e) {
                  return false;
                }
              },
              () -> roles(peers));
          direct.curator().sync().forPath(path);
          assertArrayEquals("kept".getBytes(), direct.curator().getData().forPath(path));
          System.out.println("with servers 1 and 2 down: " + roles(peers));
        }
        Await.until(
            WAIT,
            () -> {
              try {
                return c.curator().checkExists().forPath(mine) != null;
              } catch (Exception e) {
                return false;
              }
            },
            () -> roles(peers));
        assertEquals(
            session,
            c.curator().getZookeeperClient().getZooKeeper().getSessionId(),
            "the client kept its session while moving to the five servers");
      }
    } finally {
      closeAll(peers);
    }
  }

  /**
   * A node that ran the standalone server moves to an ensemble: its data folder, where the peer
   * keeps its data too, holds everything written before, and the new servers, starting empty, take
   * it from the leader it elects (the server with the latest transaction).
   */
  @Test
  void aStandaloneServersDataBecomesTheEnsemblesData() throws Exception {
    int[] ports = freePorts(10);
    Path first = dir.resolve("node1");
    EmbeddedZooKeeper standalone = new EmbeddedZooKeeper("127.0.0.1", ports[9], first);
    standalone.start();
    Map<String, Object> alone = new HashMap<>();
    alone.put("zookeeper.connect", "127.0.0.1:" + ports[9]);
    alone.put("session.timeout.ms", "10000");
    alone.put("connection.timeout.ms", "2000");
    String path;
    try (CuratorCoordination c =
        new CuratorCoordination(CoordinationSettings.parse(alone, dir), (x, s) -> {})) {
      c.start();
      assertTrue(c.awaitConnected(WAIT));
      path = c.clusterPath("volumes", "standalone");
      c.curator().create().creatingParentsIfNeeded().forPath(path, "from before".getBytes());
    } finally {
      standalone.close();
    }
    Ensemble ensemble = Ensemble.parse(describe(ports, 1, 2, 3));
    List<EnsemblePeer> peers = new ArrayList<>();
    try {
      for (int id = 1; id <= 3; id++) {
        EnsemblePeer p = new EnsemblePeer(ensemble, id, id == 1 ? first : dir.resolve("node" + id));
        p.start();
        peers.add(p);
      }
      Await.until(WAIT, () -> leader(peers) != null, () -> roles(peers));
      for (int id = 2; id <= 3; id++) {
        Map<String, Object> one = new HashMap<>(alone);
        one.put("zookeeper.connect", ensemble.server(id).orElseThrow().clientAddress());
        try (CuratorCoordination c =
            new CuratorCoordination(CoordinationSettings.parse(one, dir), (x, s) -> {})) {
          c.start();
          assertTrue(c.awaitConnected(WAIT));
          c.curator().sync().forPath(path);
          assertArrayEquals(
              "from before".getBytes(), c.curator().getData().forPath(path), "server " + id);
        }
      }
    } finally {
      closeAll(peers);
    }
  }

  /** The description of servers {@code ids}, server I on ports[3(I-1)..3(I-1)+2]. */
  private static String describe(int[] ports, int... ids) {
    StringBuilder text = new StringBuilder();
    for (int id : ids) {
      int k = (id - 1) * 3;
      text.append(text.length() == 0 ? "" : ",")
          .append(id)
          .append("=127.0.0.1:")
          .append(ports[k])
          .append(':')
          .append(ports[k + 1])
          .append(";127.0.0.1:")
          .append(ports[k + 2]);
    }
    return text.toString();
  }

  private static int[] freePorts(int n) throws IOException {
    int[] ports = new int[n];
    for (int i = 0; i < n; i++) ports[i] = freePort();
    return ports;
  }

  private static void closeAll(List<EnsemblePeer> peers) throws InterruptedException {
    for (EnsemblePeer p : peers) {
      p.close();
    }
  }

  private static EnsemblePeer leader(List<EnsemblePeer> peers) {
    return peers.stream().filter(p -> p.role().equals("leading")).findFirst().orElse(null);
  }

  private static String roles(List<EnsemblePeer> peers) {
    StringBuilder s = new StringBuilder();
    for (EnsemblePeer p : peers) {
      s.append(p.id()).append('=').append(p.role()).append(' ');
    }
    return s.toString().strip();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
