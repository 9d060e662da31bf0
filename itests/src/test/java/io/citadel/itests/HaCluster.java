package io.citadel.itests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * An HA group as an operator builds it: one ZooKeeper server, three Citadel nodes (three JVMs on
 * loopback), the first running the group's Kafka broker through its Warden (the kafka service), the
 * others pointing {@code ha-brokers} at it, and a shared-data folder they all see. The group's
 * topic is made with {@code ha:create-group} on the first node, which then joins by a live
 * configuration change; the others start as members. Used by {@link HaGroupIT} and the replication
 * benchmark.
 */
public final class HaCluster implements AutoCloseable {

  public static final String GROUP = "itest-group";

  /** The cluster name every node of the group is configured with. */
  public static final String CLUSTER_NAME = "ha-itest";

  private final StandaloneZooKeeper zooKeeper;
  private final List<CitadelNode> nodes;
  private final Path shared;
  private final String brokers;

  private HaCluster(
      StandaloneZooKeeper zooKeeper, List<CitadelNode> nodes, Path shared, String brokers) {
    this.zooKeeper = zooKeeper;
    this.nodes = nodes;
    this.shared = shared;
    this.brokers = brokers;
  }

  /** A step run on each unpacked node before it starts (more configuration, say). */
  public interface Preparation {
    void prepare(CitadelNode node) throws Exception;
  }

  /** Starts ZooKeeper and {@code count} nodes in one HA group; returns when all are ONLINE. */
  public static HaCluster start(Path distribution, Path base, int count, Duration timeout)
      throws Exception {
    return start(distribution, base, count, timeout, node -> {});
  }

  /** As {@link #start(Path, Path, int, Duration)}, with {@code prepare} run on every node first. */
  public static HaCluster start(
      Path distribution, Path base, int count, Duration timeout, Preparation prepare)
      throws Exception {
    Path shared = Files.createDirectories(base.resolve("shared"));
    StandaloneZooKeeper zk =
        StandaloneZooKeeper.start(Loopback.freePort(), Files.createDirectories(base.resolve("zk")));
    List<CitadelNode> nodes = new ArrayList<>();
    try {
      String kafkaPort = Integer.toString(Loopback.freePort());
      String brokers = "127.0.0.1:" + kafkaPort;
      // A group's members share their users through its log and its snapshots (a member that
      // restores one takes the group's users): its first superuser's password is chosen once for
      // every node before their first start, as the cluster command does.
      String password = java.util.UUID.randomUUID().toString();
      for (int i = 1; i <= count; i++) {
        CitadelNode node =
            CitadelNode.unpack(
                distribution,
                base,
                "node" + i,
                Map.of(
                    "zookeeper.connect",
                    zk.connectString(),
                    "session.timeout.ms",
                    "6000",
                    "cluster.name",
                    CLUSTER_NAME));
        Files.deleteIfExists(node.etc("conf.d/warden.hoststats.conf"));
        Path initial =
            Files.createDirectories(node.home().resolve("data/engine")).resolve("initial-password");
        Files.writeString(initial, password + "\n");
        Files.setPosixFilePermissions(
            initial, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        node.cfg(
            "io.citadel.kafka.cfg",
            Map.of("port", kafkaPort, "controller-port", Integer.toString(Loopback.freePort())));
        node.cfg(
            "io.citadel.replication.cfg",
            Map.of(
                "ha-group-id",
                GROUP,
                "ha-unique-server-id",
                node.name(),
                "ha-brokers",
                i == 1 ? "" : brokers,
                "ha-shared-data",
                shared.toString()));
        prepare.prepare(node);
        nodes.add(node);
      }
      HaCluster cluster = new HaCluster(zk, nodes, shared, brokers);
      CitadelNode first = nodes.get(0);
      first.start(timeout);
      cluster.awaitService(first, "kafka", "running", timeout);
      cluster.awaitService(first, "replication", "running", timeout);
      // The first node is in the group before its topic exists: its replication waits for it,
      // up, refusing writes, with ha:create-group at hand.
      String waiting = "";
      long waitDeadline = System.nanoTime() + timeout.toNanos();
      while (!waiting.contains("does not exist") && System.nanoTime() < waitDeadline) {
        waiting = first.client("ha:status");
        Thread.sleep(250);
      }
      if (!waiting.contains("does not exist")) {
        throw new AssertionError("replication does not wait for the topic: " + waiting);
      }
      try (Connection c = connect(first);
          java.sql.Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE before_the_topic (a INTEGER)");
        throw new AssertionError("a write ran on one member before the group's topic existed");
      } catch (java.sql.SQLException refused) {
        // refused: nothing runs on one member alone
      }
      // The broker may still be starting: ask until it answers (an earlier call that timed out
      // on the client's side may have made the topic).
      String created = "";
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!made(created) && System.nanoTime() < deadline) {
        created = first.client("ha:create-group " + GROUP);
        if (!made(created)) {
          Thread.sleep(1_000);
        }
      }
      if (!made(created)) {
        throw new AssertionError("ha:create-group: " + created);
      }
      for (CitadelNode node : nodes.subList(1, nodes.size())) {
        node.start(timeout);
      }
      cluster.awaitAllOnline(timeout);
      return cluster;
    } catch (Exception | AssertionError e) {
      for (CitadelNode node : nodes) {
        node.close();
      }
      zk.close();
      throw e;
    }
  }

  private static boolean made(String createGroupOutput) {
    return createGroupOutput.contains("created the HA group's topic")
        || createGroupOutput.contains("exists already");
  }

  public List<CitadelNode> nodes() {
    return nodes;
  }

  /** The ZooKeeper server the group's nodes use, for another node to join them. */
  public String zooKeeperConnect() {
    return zooKeeper.connectString();
  }

  public Path shared() {
    return shared;
  }

  public String brokers() {
    return brokers;
  }

  /** Waits until {@code warden:list} on the node shows the service in the state. */
  public void awaitService(CitadelNode node, String service, String state, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = node.client("warden:list --no-format");
      if (last.matches("(?s).*(^|\n)" + service + "\\s*\t" + state + "\\s*\t.*")) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        node.name() + ": " + service + " not " + state + " within " + timeout + ":\n" + last);
  }

  /** The group's members as the first live node's {@code ha:members} shows them. */
  public List<String[]> members() throws Exception {
    for (CitadelNode node : nodes) {
      if (!node.running()) {
        continue;
      }
      String out = node.client("ha:members --no-format " + GROUP);
      List<String[]> rows = new ArrayList<>();
      for (String line : out.split("\n")) {
        String[] cells = line.split("\t");
        if (cells.length >= 5 && cells[0].strip().startsWith("node")) {
          for (int i = 0; i < cells.length; i++) {
            cells[i] = cells[i].strip();
          }
          rows.add(cells);
        }
      }
      return rows;
    }
    return List.of();
  }

  /**
   * Waits until every node is a member, ONLINE, with lag 0 and the same applied offset; returns
   * that offset.
   */
  public long awaitAllOnline(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String[]> last = List.of();
    while (System.nanoTime() < deadline) {
      last = members();
      if (last.size() == nodes.size()
          && last.stream().allMatch(m -> m[2].equals("ONLINE") && m[4].equals("0"))
          && last.stream().map(m -> m[3]).distinct().count() == 1) {
        return Long.parseLong(last.get(0)[3]);
      }
      Thread.sleep(300);
    }
    throw new AssertionError("the group did not converge within " + timeout + ":\n" + table(last));
  }

  /** What {@code ha:members} says now, one member a line, for a failure's message. */
  public String membersTable() {
    try {
      return table(members());
    } catch (Exception e) {
      return "(ha:members failed: " + e + ")";
    }
  }

  private static String table(List<String[]> members) {
    StringBuilder b = new StringBuilder();
    for (String[] m : members) {
      b.append(String.join(" | ", m)).append('\n');
    }
    return b.toString();
  }

  /** A JDBC connection to the node's engine as its superuser. */
  public static Connection connect(CitadelNode node) throws Exception {
    return connect(
        node,
        "citadel",
        Files.readString(node.home().resolve("data/engine/initial-password")).strip());
  }

  /** A JDBC connection to the node's engine as {@code user}. */
  public static Connection connect(CitadelNode node, String user, String password)
      throws Exception {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "5");
    p.setProperty("socketTimeout", "60");
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:"
            + node.cfgValue("io.citadel.engine.cfg", "port")
            + "/citadel",
        p);
  }

  @Override
  public void close() throws Exception {
    for (CitadelNode node : nodes) {
      node.close();
    }
    zooKeeper.close();
  }
}
