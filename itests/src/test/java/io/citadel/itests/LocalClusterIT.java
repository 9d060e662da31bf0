package io.citadel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The local cluster made by {@code karaf-distro/citadel-node.sh cluster start 3}, as a user starts
 * it: three Citadel nodes forming a ZooKeeper ensemble of their own peers and one three-broker
 * Kafka cluster, with one HA group over it. Under a steady write load through a balancer, the node
 * whose peer leads the ensemble is killed with kill -9 (its Kafka broker with it), then, once it is
 * back, the node whose broker leads the group's topic: every write that was acknowledged is on
 * every member afterwards, the group takes writes again within a measured bound, and each killed
 * node, restarted, rejoins and catches up.
 */
public class LocalClusterIT {

  private static final Duration START = Duration.ofMinutes(10);
  private static final int NODES = 3;
  private static LocalCluster local;

  @BeforeClass
  public static void startCluster() throws Exception {
    local =
        LocalCluster.in(
            Path.of("..", "karaf-distro", "citadel-node.sh"),
            Path.of("target", "local-cluster"),
            NODES);
    String out = cluster(START, "start", Integer.toString(NODES), "--no-build");
    System.out.println(out);
    assertTrue(out, out.contains("a cluster of 3 nodes runs"));
  }

  @AfterClass
  public static void stopCluster() throws Exception {
    if (local != null && local.made()) {
      System.out.println(cluster(Duration.ofMinutes(4), "stop"));
    }
  }

  private static String cluster(Duration timeout, String... args) throws Exception {
    return local.run(timeout, args);
  }

  private static int port(int node, int offset) {
    return local.port(node, offset);
  }

  private static Connection connect(int port) throws Exception {
    return local.connect(port);
  }

  /** The node whose broker leads the group's topic, as ha:status shows it. */
  private static int topicLeader(int asking) throws Exception {
    String out =
        cluster(Duration.ofMinutes(1), "client", Integer.toString(asking), "ha:status --no-format");
    Matcher m =
        Pattern.compile("Topic replication\\s+in sync \\[[^\\]]*\\] \\(leader (\\d+)").matcher(out);
    assertTrue(out, m.find());
    return Integer.parseInt(m.group(1));
  }

  /** The node whose ZooKeeper peer leads, as zk:ensemble shows it. */
  private static int zooKeeperLeader() throws Exception {
    String out = cluster(Duration.ofMinutes(1), "client", "1", "zk:ensemble");
    Matcher m = Pattern.compile("(?m)^(\\d+)\\D[^\\n]*\\|\\s*leader\\s*\\|").matcher(out);
    assertTrue(out, m.find());
    return Integer.parseInt(m.group(1));
  }

  @Test
  public void theEnsemblesLeaderKilledUnderWritesLosesNoAcknowledgedWriteAndRejoins()
      throws Exception {
    int victim = zooKeeperLeader();
    // the balancer the writer goes through is on a node that stays up
    java.util.concurrent.atomic.AtomicInteger through =
        new java.util.concurrent.atomic.AtomicInteger(victim == 1 ? 2 : 1);
    System.out.println(
        "ZooKeeper leader: node "
            + victim
            + "; before the kill: "
            + cluster(Duration.ofMinutes(1), "client", "1", "ha:status --no-format")
                .lines()
                .filter(l -> l.startsWith("Topic replication"))
                .findFirst()
                .orElse("?"));
    try (Connection c = connect(port(through.get(), 30));
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE acked (id INTEGER PRIMARY KEY, at BIGINT)");
    }
    ConcurrentSkipListMap<Integer, Long> acked = new ConcurrentSkipListMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer =
        new Thread(
            () -> {
              int next = 0;
              Connection c = null;
              while (!stop.get()) {
                try {
                  int via = through.get();
                  if (c == null || !c.getMetaData().getURL().contains(":" + port(via, 30) + "/")) {
                    if (c != null) c.close();
                    c = connect(port(via, 30));
                  }
                  try (Statement s = c.createStatement()) {
                    s.executeUpdate(
                        "INSERT INTO acked VALUES ("
                            + next
                            + ", "
                            + System.currentTimeMillis()
                            + ")");
                  }
                  acked.put(next, System.nanoTime());
                } catch (Exception e) {
                  try {
                    if (c != null) c.close();
                  } catch (SQLException ignored) {
                    // reconnecting anyway
                  }
                  c = null;
                  sleepQuietly(100);
                }
                next++;
              }
              try {
                if (c != null) c.close();
              } catch (SQLException ignored) {
                // done
              }
            },
            "writer");
    writer.start();
    try {
      awaitAcked(acked, 20, Duration.ofMinutes(2));
      killUnderWrites(victim, "whose ZooKeeper peer leads", acked);
      // then the node whose broker leads the group's topic, the writer moved off it
      int leader = topicLeader(through.get());
      if (leader == through.get()) {
        through.set(leader % NODES + 1);
        awaitAcked(acked, acked.size() + 20, Duration.ofMinutes(2));
      }
      killUnderWrites(leader, "whose broker leads the topic", acked);
    } finally {
      stop.set(true);
      writer.join(120_000);
    }
    // every member, the restarted one included, holds every acknowledged write
    Set<Integer> want = new TreeSet<>(acked.keySet());
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    for (int node = 1; node <= NODES; node++) {
      Set<Integer> have = Set.of();
      while (System.nanoTime() < deadline) {
        have = ids(node);
        if (have.containsAll(want)) {
          break;
        }
        sleepQuietly(500);
      }
      Set<Integer> missing = new TreeSet<>(want);
      missing.removeAll(have);
      assertTrue("node " + node + " lacks acknowledged writes " + missing, missing.isEmpty());
      System.out.printf(
          "node %d holds all %d acknowledged writes (%d rows)%n", node, want.size(), have.size());
    }
    assertEquals("the members hold the same rows", ids(1), ids(2));
    assertEquals("the members hold the same rows", ids(1), ids(3));
  }

  /** Kills a node with writes going on, measures the wait, restarts it and sees writes go on. */
  private static void killUnderWrites(int victim, String which, Map<Integer, Long> acked)
      throws Exception {
    System.out.println(cluster(Duration.ofMinutes(1), "kill", Integer.toString(victim)));
    long killed = System.nanoTime(); // the command returns once the node's processes are killed
    int before = acked.size();
    awaitAcked(acked, before + 50, Duration.ofMinutes(2));
    long firstAfter =
        acked.values().stream().filter(t -> t > killed).min(Long::compare).orElseThrow();
    long maxGap = maxGap(acked, killed);
    System.out.printf(
        "after kill -9 of node %d (%s): first acknowledged write after %d ms, longest wait %d"
            + " ms%n",
        victim, which, (firstAfter - killed) / 1_000_000, maxGap / 1_000_000);
    int other = victim % NODES + 1;
    System.out.println(
        cluster(Duration.ofMinutes(1), "client", Integer.toString(other), "ha:status --no-format"));
    assertTrue("writes stalled " + maxGap / 1_000_000 + " ms", maxGap < 30_000_000_000L);
    System.out.println(cluster(START, "restart", Integer.toString(victim)));
    awaitAcked(acked, acked.size() + 50, Duration.ofMinutes(2));
    // back in the group: its replica in sync again before the next kill
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    String status = "";
    while (System.nanoTime() < deadline) {
      status =
          cluster(
              Duration.ofMinutes(1), "client", Integer.toString(other), "ha:status --no-format");
      if (status.contains("in sync [1, 2, 3]")) {
        break;
      }
      sleepQuietly(1_000);
    }
    assertTrue(status, status.contains("in sync [1, 2, 3]"));
  }

  private static Set<Integer> ids(int node) {
    Set<Integer> ids = new TreeSet<>();
    try (Connection c = connect(port(node, 10));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM acked")) {
      while (rs.next()) {
        ids.add(rs.getInt(1));
      }
    } catch (Exception e) {
      return Set.of();
    }
    return ids;
  }

  /** The longest time between two acknowledgements (or the kill and the first) after a kill. */
  private static long maxGap(Map<Integer, Long> acked, long killed) {
    List<Long> times = new ArrayList<>(acked.values());
    times.sort(Long::compare);
    long last = killed;
    long max = 0;
    for (long t : times) {
      if (t > killed) {
        max = Math.max(max, t - last);
        last = t;
      }
    }
    return max;
  }

  private static void awaitAcked(Map<Integer, Long> acked, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (acked.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "only " + acked.size() + " writes acknowledged, waited for " + count);
      }
      Thread.sleep(50);
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
