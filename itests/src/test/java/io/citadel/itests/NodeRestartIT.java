package io.citadel.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The distribution as an operator runs it: bin/start, bin/client, bin/stop, and a kill -9 of the
 * Karaf JVM. The embedded ZooKeeper's data must survive both kinds of stop, and a node restarted
 * with a malformed configuration file must come up on its last good configuration and say so.
 */
public class NodeRestartIT {

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String ZNODE = "/itest-durable";

  private CitadelNode node;
  private int zkPort;

  @Before
  public void unpack() throws Exception {
    Path base =
        Files.createTempDirectory(
            Files.createDirectories(Path.of("target", "node-it")).toAbsolutePath(), "node");
    zkPort = Loopback.freePort();
    node =
        CitadelNode.unpack(
            Path.of(System.getProperty("citadel.distribution")),
            base,
            "node1",
            Map.of("embedded.port", Integer.toString(zkPort)));
  }

  @After
  public void killWhatWasStarted() throws Exception {
    node.close();
  }

  @Test
  public void zooKeeperDataSurvivesKillAndStop() throws Exception {
    node.start(WAIT);
    String bundles = node.client("bundle:list");
    assertTrue(bundles, bundles.matches("(?s).*Active .*Citadel :: Coordination.*"));
    byte[] data = "written before the kill".getBytes(StandardCharsets.UTF_8);
    try (ZooKeeper zk = connect()) {
      zk.create(ZNODE, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    node.kill9(); // SIGKILL: no shutdown hook, no ZooKeeper snapshot on the way out

    node.start(WAIT);
    try (ZooKeeper zk = connect()) {
      assertArrayEquals(data, zk.getData(ZNODE, false, null));
    }

    // A malformed value in the file while the node is down: it comes back on the last good
    // configuration and reports the file's mistake.
    node.stop();
    node.cfg("io.citadel.coordination.cfg", Map.of("session.timeout.ms", "thirty"));
    node.start(WAIT);
    String stat = node.client("zk:stat");
    assertTrue(stat, stat.contains("session.timeout.ms=thirty: is not a whole number"));
    assertTrue(stat, stat.contains("running on the last good configuration"));
    try (ZooKeeper zk = connect()) {
      assertArrayEquals(data, zk.getData(ZNODE, false, null));
    }
    node.stop();
  }

  private ZooKeeper connect() throws Exception {
    return Loopback.zooKeeper(zkPort, Duration.ofSeconds(30));
  }
}
