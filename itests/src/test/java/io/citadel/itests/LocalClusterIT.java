package io.citadel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
      long t0 = System.nanoTime();
      String out = cluster(Duration.ofMinutes(4), "stop");
      System.out.println(out);
      System.out.printf("cluster stop took %.1f s%n", (System.nanoTime() - t0) / 1e9);
      // every node stops by itself, the last ones without a quorum: none is killed at the bound
      assertTrue(out, !out.contains("still running after"));
      // nor does a Warden take the bundles the framework stops first for failed and restart them
      for (int node = 1; node <= NODES; node++) {
        Path log = local.home().resolve("node" + node).resolve("citadel/data/log/karaf.log");
        if (Files.isRegularFile(log)) {
          for (String line :
              Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            assertTrue(
                "node " + node + ": " + line,
                !(line.contains("is stopping") && line.contains("restarting it")));
          }
        }
      }
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
    return awaitNumber(
        asking, "ha:status --no-format", "Topic replication\\s+[^\\n]*?\\(leader (\\d+)");
  }

  /** The node whose broker leads the Kafka controller quorum, as ha:status shows it. */
  private static int controllerLeader(int asking) throws Exception {
    return awaitNumber(asking, "ha:status --no-format", "Kafka controllers\\s+leader (\\d+)");
  }

  /**
   * Runs a console command on a node until its output matches {@code regex} (a node that was just
   * restarted, or one under load, may not answer the first time); answers the first group.
   */
  private static int awaitNumber(int node, String command, String regex) throws Exception {
    Pattern wanted = Pattern.compile(regex);
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    String out = "";
    while (System.nanoTime() < deadline) {
      out = cluster(Duration.ofMinutes(1), "client", Integer.toString(node), command);
      Matcher m = wanted.matcher(out);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      AckedWriter.sleepQuietly(1_000);
    }
    throw new AssertionError(
        "node " + node + ": " + command + " did not show " + regex + " within a minute\n" + out);
  }

  /** Sends the writer through another node's balancer when it goes through {@code node}'s. */
  private static void moveWriterOff(
      java.util.concurrent.atomic.AtomicInteger through, AckedWriter writer, int node)
      throws InterruptedException {
    if (through.get() == node) {
      through.set(node % NODES + 1);
      writer.awaitMore(20, Duration.ofMinutes(2));
    }
  }

  /** The node whose ZooKeeper peer leads, as zk:ensemble shows it. */
  private static int zooKeeperLeader() throws Exception {
    return awaitNumber(1, "zk:ensemble", "(?m)^(\\d+)\\D[^\\n]*\\|\\s*leader\\s*\\|");
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
    AckedWriter.Connector connector =
        target -> local.connect(Integer.parseInt(target.substring(target.indexOf(':') + 1)));
    try (AckedWriter writer =
        new AckedWriter("acked", () -> "127.0.0.1:" + port(through.get(), 30), connector)) {
      writer.awaitAcked(20, Duration.ofMinutes(2));
      killUnderWrites(victim, "whose ZooKeeper peer leads", writer);
      // then the node whose broker leads the Kafka controller quorum, and the one whose broker
      // leads the group's topic (one kill when one node leads both); the writer moved off them
      int controller = controllerLeader(through.get());
      int leader = topicLeader(through.get());
      moveWriterOff(through, writer, controller);
      killUnderWrites(
          controller,
          controller == leader
              ? "whose broker leads the controller quorum and the topic"
              : "whose broker leads the controller quorum",
          writer);
      if (controller != leader) {
        leader = topicLeader(through.get());
        moveWriterOff(through, writer, leader);
        killUnderWrites(leader, "whose broker leads the topic", writer);
      }
      writer.close();
      // every member, the restarted ones included, holds every acknowledged write
      List<String> members = new ArrayList<>();
      for (int node = 1; node <= NODES; node++) {
        members.add("127.0.0.1:" + port(node, 10));
      }
      writer.assertHeldBy("acked", members, connector, Duration.ofMinutes(3));
    }
  }

  /**
   * Two of the three ZooKeeper peers freeze (SIGSTOP of their nodes: hung machines). The survivor
   * has no quorum: its singletons (a Warden service of count 1, hoststats made one here as an
   * operator would, and the CLDB master) stop within the suspension bound, while its engine goes on
   * answering reads. When the two come back, the singletons run again, each on exactly one node,
   * and the group's topic is back in sync.
   */
  @Test
  public void losingTheEnsemblesQuorumStopsTheSingletonsUntilItReturns() throws Exception {
    int survivor = cldbMaster();
    try (Connection c = connect(port(survivor, 30));
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE quorum_probe (id INTEGER)");
      s.execute("INSERT INTO quorum_probe VALUES (1), (2), (3)");
    }
    // hoststats a singleton: claimed first on the survivor, then standing by on the others
    makeSingleton(survivor, "hoststats");
    // the survivor's Warden holds the singleton's znode (its host name is nodeI) before the
    // others learn of the count: then they can only stand by
    awaitNumber(
        survivor, "zk:get /citadel/local/masters/hoststats", "(?m)^node(" + survivor + ")\\s*$");
    awaitService(survivor, "hoststats", "running", Duration.ofMinutes(1));
    List<Integer> frozen = new ArrayList<>();
    for (int node = 1; node <= NODES; node++) {
      if (node != survivor) {
        makeSingleton(node, "hoststats");
        awaitService(node, "hoststats", "standby", Duration.ofMinutes(1));
        frozen.add(node);
      }
    }
    System.out.println("before: the CLDB master and hoststats run on node " + survivor);
    long paused = System.nanoTime();
    try {
      for (int node : frozen) {
        System.out.println(cluster(Duration.ofMinutes(1), "pause", Integer.toString(node)));
      }
      // stopped: standby, then waiting (its dependency, the coordination session, is gone)
      awaitService(survivor, "hoststats", "(standby|waiting)", Duration.ofSeconds(60));
      long singletonStopped = System.nanoTime();
      awaitCldbRole(survivor, "(?m)^\\S+\\s+STARTING\\b", Duration.ofSeconds(60));
      long cldbStopped = System.nanoTime();
      System.out.printf(
          "quorum lost (nodes %s paused): hoststats stopped on node %d after %d ms, its CLDB"
              + " gave up mastership after %d ms%n",
          frozen,
          survivor,
          (singletonStopped - paused) / 1_000_000,
          (cldbStopped - paused) / 1_000_000);
      System.out.println(cluster(Duration.ofMinutes(1), "client", "" + survivor, "zk:stat"));
      // the rest go on: the engine answers reads from its own copy
      try (Connection c = connect(port(survivor, 10));
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM quorum_probe")) {
        assertTrue(rs.next());
        assertEquals("the survivor's engine answers reads without quorum", 3, rs.getInt(1));
      }
      awaitService(survivor, "engine", "running", Duration.ofSeconds(5));
    } finally {
      for (int node : frozen) {
        System.out.println(cluster(Duration.ofMinutes(1), "resume", Integer.toString(node)));
      }
    }
    long resumed = System.nanoTime();
    // quorum back: each singleton runs again on exactly one node
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    int masters = 0;
    int running = 0;
    while (System.nanoTime() < deadline) {
      masters = 0;
      running = 0;
      for (int node = 1; node <= NODES; node++) {
        if (cluster(Duration.ofMinutes(1), "client", "" + node, "cldb:master --no-format")
            .matches("(?s).*\\bMASTER\\b.*")) {
          masters++;
        }
        if (serviceIs(node, "hoststats", "running")) {
          running++;
        }
      }
      if (masters == 1 && running == 1) {
        break;
      }
      AckedWriter.sleepQuietly(1_000);
    }
    System.out.printf(
        "quorum back: one CLDB master and one hoststats within %d ms of the resume%n",
        (System.nanoTime() - resumed) / 1_000_000);
    assertEquals("CLDB masters after quorum returned", 1, masters);
    assertEquals("hoststats instances running after quorum returned", 1, running);
    // and the topic, whose two frozen replicas fell out of sync, is whole again
    awaitStatus(
        survivor, "in sync \\[1, 2, 3\\]", Duration.ofMinutes(2), "every replica back in sync");
  }

  /** The node whose CLDB is master. */
  private static int cldbMaster() throws Exception {
    for (int attempt = 0; attempt < 60; attempt++) {
      for (int node = 1; node <= NODES; node++) {
        String out = cluster(Duration.ofMinutes(1), "client", "" + node, "cldb:master --no-format");
        if (out.matches("(?s).*\\bMASTER\\b.*")) {
          return node;
        }
      }
      AckedWriter.sleepQuietly(1_000);
    }
    throw new AssertionError("no node's CLDB is master");
  }

  private static void awaitCldbRole(int node, String regex, Duration timeout) throws Exception {
    Pattern wanted = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    String out = "";
    while (System.nanoTime() < deadline) {
      out = cluster(Duration.ofMinutes(1), "client", "" + node, "cldb:master --no-format");
      if (wanted.matcher(out).find()) {
        return;
      }
      AckedWriter.sleepQuietly(500);
    }
    throw new AssertionError(
        "node " + node + "'s CLDB: not " + regex + " within " + timeout + "\n" + out);
  }

  /** Makes {@code service} a singleton on {@code node}, as an operator edits its conf.d file. */
  private static void makeSingleton(int node, String service) throws Exception {
    Path file =
        local
            .home()
            .resolve("node" + node)
            .resolve("citadel/etc/conf.d/warden." + service + ".conf");
    String conf = Files.readString(file);
    String singleton =
        conf.replaceFirst("(?m)^services=" + service + ":all:", "services=" + service + ":1:");
    assertTrue(conf, !singleton.equals(conf));
    Files.writeString(file, singleton);
  }

  private static boolean serviceIs(int node, String service, String state) throws Exception {
    String out = cluster(Duration.ofMinutes(1), "client", "" + node, "warden:list --no-format");
    return Pattern.compile("(?im)^" + service + "\\s+" + state + "\\b").matcher(out).find();
  }

  private static void awaitService(int node, String service, String state, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!serviceIs(node, service, state)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            service
                + " on node "
                + node
                + " is not "
                + state
                + " within "
                + timeout
                + "\n"
                + cluster(Duration.ofMinutes(1), "client", "" + node, "warden:list --no-format"));
      }
      AckedWriter.sleepQuietly(500);
    }
  }

  /** Kills a node with writes going on, measures the wait, restarts it and sees writes go on. */
  private static void killUnderWrites(int victim, String which, AckedWriter writer)
      throws Exception {
    System.out.println(cluster(Duration.ofMinutes(1), "kill", Integer.toString(victim)));
    long killed = System.nanoTime(); // the command returns once the node's processes are killed
    writer.awaitMore(50, Duration.ofMinutes(2));
    long maxGapMs = writer.longestWaitAfterMs(killed);
    System.out.printf(
        "after kill -9 of node %d (%s): first acknowledged write after %d ms, longest wait %d"
            + " ms%n",
        victim, which, writer.firstAckAfterMs(killed), maxGapMs);
    int other = victim % NODES + 1;
    // the killed broker's replica is out of sync: the survivors raise the alarm
    String raised =
        awaitStatus(
            other,
            "Topic alarm\\s+HA_TOPIC_UNDER_REPLICATED",
            Duration.ofSeconds(60),
            "the under-replicated topic's alarm");
    System.out.printf(
        "alarm raised %d ms after the kill%n", (System.nanoTime() - killed) / 1_000_000);
    System.out.println(raised);
    assertTrue("writes stalled " + maxGapMs + " ms", maxGapMs < 30_000);
    System.out.println(cluster(START, "restart", Integer.toString(victim)));
    writer.awaitMore(50, Duration.ofMinutes(2));
    // back in the group: its replica in sync again before the next kill, and the alarm cleared
    awaitStatus(
        other, "in sync \\[1, 2, 3\\]", Duration.ofMinutes(2), "every replica back in sync");
    awaitStatus(other, "Topic alarm\\s+none", Duration.ofSeconds(30), "the alarm cleared");
  }

  /** Polls {@code ha:status} on a node until it matches {@code regex}; answers the status. */
  private static String awaitStatus(int node, String regex, Duration timeout, String what)
      throws Exception {
    Pattern wanted = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    String status = "";
    while (System.nanoTime() < deadline) {
      status =
          cluster(Duration.ofMinutes(1), "client", Integer.toString(node), "ha:status --no-format");
      if (wanted.matcher(status).find()) {
        return status;
      }
      AckedWriter.sleepQuietly(1_000);
    }
    throw new AssertionError(what + ": not within " + timeout + " on node " + node + "\n" + status);
  }
}
