package io.citadel.coordination.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.coordination.CoordinationState;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real ZooKeeper server embedded, kills it, restarts it, and watches the client. */
class EmbeddedCoordinationTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dataDir;

  @Test
  void dataSurvivesAServerRestart() throws Exception {
    int port = freePort();
    CoordinationSettings settings = settings(port, 20_000);
    EmbeddedZooKeeper server = startServer(port);
    try (CuratorCoordination coordination = new CuratorCoordination(settings, (c, s) -> {})) {
      coordination.start();
      assertTrue(coordination.awaitConnected(WAIT));
      coordination
          .curator()
          .create()
          .creatingParentsIfNeeded()
          .forPath(coordination.clusterPath("volumes", "v1"), "quota=10G".getBytes());
    } finally {
      server.close();
    }

    EmbeddedZooKeeper again = startServer(port);
    try (CuratorCoordination coordination = new CuratorCoordination(settings, (c, s) -> {})) {
      coordination.start();
      assertTrue(coordination.awaitConnected(WAIT));
      byte[] data = coordination.curator().getData().forPath("/citadel/test-cluster/volumes/v1");
      assertArrayEquals("quota=10G".getBytes(StandardCharsets.UTF_8), data);
    } finally {
      again.close();
    }
  }

  @Test
  void aKilledServerSuspendsThenLosesTheSessionAndARestartReconnects() throws Exception {
    int port = freePort();
    // A short session, so that LOST comes quickly.
    CoordinationSettings settings = settings(port, 4_000);
    EmbeddedZooKeeper server = startServer(port);
    List<CoordinationState> seen = new CopyOnWriteArrayList<>();
    try (CuratorCoordination coordination = new CuratorCoordination(settings, (c, s) -> {})) {
      coordination.addStateListener((c, s) -> seen.add(s));
      coordination.start();
      assertTrue(coordination.awaitConnected(WAIT));
      String ephemeral = coordination.clusterPath("nodes", "host-a");
      coordination
          .curator()
          .create()
          .creatingParentsIfNeeded()
          .withMode(CreateMode.EPHEMERAL)
          .forPath(ephemeral);

      server.close();
      Await.until(WAIT, () -> seen.contains(CoordinationState.SUSPENDED), seen::toString);
      Await.until(WAIT, () -> seen.contains(CoordinationState.LOST), seen::toString);

      server = startServer(port);
      Await.until(
          WAIT, () -> coordination.state() == CoordinationState.RECONNECTED, seen::toString);
      assertEquals(
          List.of(
              CoordinationState.CONNECTED,
              CoordinationState.SUSPENDED,
              CoordinationState.LOST,
              CoordinationState.RECONNECTED),
          seen);
      // The session is new: the ephemeral node of the lost one is gone.
      Await.until(
          WAIT,
          () -> {
            try {
              return coordination.curator().checkExists().forPath(ephemeral) == null;
            } catch (Exception e) {
              return false;
            }
          },
          () -> ephemeral + " still exists");
    } finally {
      server.close();
    }
    assertEquals(CoordinationState.CLOSED, seen.get(seen.size() - 1));
  }

  @Test
  void aPortInUseIsAClearError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      EmbeddedZooKeeper server =
          new EmbeddedZooKeeper("127.0.0.1", taken.getLocalPort(), dataDir.resolve("zk"));
      IOException e = assertThrows(IOException.class, server::start);
      assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
    }
  }

  @Test
  void clusterPathsRejectBadSegments() throws Exception {
    try (CuratorCoordination coordination =
        new CuratorCoordination(settings(freePort(), 20_000), (c, s) -> {})) {
      assertEquals("/citadel/test-cluster/nodes/h1", coordination.clusterPath("nodes", "h1"));
      assertThrows(IllegalArgumentException.class, () -> coordination.clusterPath("a/b"));
      assertThrows(IllegalArgumentException.class, () -> coordination.clusterPath(""));
    }
  }

  private EmbeddedZooKeeper startServer(int port) throws Exception {
    EmbeddedZooKeeper server = new EmbeddedZooKeeper("127.0.0.1", port, dataDir.resolve("zk"));
    server.start();
    return server;
  }

  private CoordinationSettings settings(int port, int sessionTimeoutMs) throws Exception {
    return CoordinationSettings.parse(
        Map.of(
            "embedded.port",
            port,
            "session.timeout.ms",
            sessionTimeoutMs,
            "connection.timeout.ms",
            2_000,
            "cluster.name",
            "test-cluster"),
        dataDir.resolve("zk"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
