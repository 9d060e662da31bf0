package io.citadel.itests;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** What the tests take from loopback: free ports and plain ZooKeeper clients. */
final class Loopback {

  private static final Random RANDOM = new Random();

  /** Ports handed out by this JVM, so that two callers never get the same one. */
  private static final Set<Integer> TAKEN = new HashSet<>();

  private Loopback() {}

  /**
   * A port free on loopback now, chosen below the kernel's ephemeral range: a port from that range
   * (what {@code new ServerSocket(0)} gives) may be taken by any outgoing connection between the
   * moment it is chosen and the moment a server binds it.
   */
  static synchronized int freePort() throws IOException {
    int below = ephemeralRangeStart();
    int low = Math.max(1024, below - 12_000);
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = low + RANDOM.nextInt(below - low);
      if (TAKEN.contains(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        TAKEN.add(port);
        return port;
      } catch (IOException inUse) {
        // Try another.
      }
    }
    throw new IOException("no free port between " + low + " and " + below);
  }

  private static int ephemeralRangeStart() {
    // Not Files.readString: a /proc file reports a size that makes it read a single byte.
    try (BufferedReader reader =
        Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
      int start = Integer.parseInt(reader.readLine().trim().split("\\s+")[0]);
      return start >= 16_384 && start <= 65_535 ? start : 32_768;
    } catch (IOException | RuntimeException e) {
      return 32_768; // Linux's default
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
