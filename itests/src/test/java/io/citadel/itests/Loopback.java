package io.citadel.itests;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** What the tests take from loopback: free ports and plain ZooKeeper clients. */
final class Loopback {

  private Loopback() {}

  /** A port free on loopback now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * A plain ZooKeeper client, not Citadel's: what it sees is what the server holds.
   *
   * @throws AssertionError if it does not connect within {@code timeout}
   */
  static ZooKeeper zooKeeper(int port, Duration timeout) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            "127.0.0.1:" + port,
            10_000,
            event -> {
              if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    if (!connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      zk.close();
      throw new AssertionError("no ZooKeeper session with 127.0.0.1:" + port + " in " + timeout);
    }
    return zk;
  }
}
