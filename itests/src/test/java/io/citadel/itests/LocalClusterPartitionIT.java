package io.citadel.itests;

import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The local cluster with each node in its own network namespace ({@code cluster start 3 --netns}),
 * partitioned rather than killed: the node whose broker leads the group's topic is cut off from
 * every other node ({@code cluster isolate}) under a steady write load through another node's
 * balancer, then joined again. Every acknowledged write is on every member afterwards, the cut-off
 * node included, and the time to the first acknowledged write after the cut is printed.
 *
 * <p>It needs root and iproute2, and owns the machine's namespaces {@code citadel-n1..3}: it runs
 * only when {@code CITADEL_IT_NETNS=1} is set (the long form of the fault tests, see README).
 */
public class LocalClusterPartitionIT {

  private static final Duration START = Duration.ofMinutes(10);
  private static final int NODES = 3;
  private static final String SUBNET = "10.77.0.";
  private static LocalCluster local;

  @BeforeClass
  public static void startCluster() throws Exception {
    assumeTrue(
        "CITADEL_IT_NETNS=1 runs the partition test (root, iproute2)",
        "1".equals(System.getenv("CITADEL_IT_NETNS")));
    local = LocalCluster.startInNamespaces(Path.of("target", "local-cluster-netns"), NODES, START);
  }

  @AfterClass
  public static void stopCluster() throws Exception {
    if (local != null && local.made()) {
      System.out.println(local.run(Duration.ofMinutes(4), "stop"));
    }
  }

  private static String address(int node) {
    return SUBNET + node;
  }

  private static String engine(int node) {
    return address(node) + ":" + local.port(node, 10);
  }

  private static String balancer(int node) {
    return address(node) + ":" + local.port(node, 30);
  }

  private static AckedWriter.Connector connector() {
    return target -> {
      int colon = target.lastIndexOf(':');
      return local.connect(
          target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
    };
  }

  private static String status(int node) throws Exception {
    return local.run(
        Duration.ofMinutes(1), "client", Integer.toString(node), "ha:status --no-format");
  }

  private static int topicLeader(int asking) throws Exception {
    Pattern p = Pattern.compile("Topic replication\\s+[^\\n]*?\\(leader (\\d+)");
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    String out = "";
    while (System.nanoTime() < deadline) {
      out = status(asking);
      Matcher m = p.matcher(out);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      AckedWriter.sleepQuietly(1_000);
    }
    throw new AssertionError("no topic leader in ha:status of node " + asking + "\n" + out);
  }

  private static void awaitStatus(int node, String regex, Duration timeout) throws Exception {
    Pattern wanted = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    String out = "";
    while (System.nanoTime() < deadline) {
      out = status(node);
      if (wanted.matcher(out).find()) {
        return;
      }
      AckedWriter.sleepQuietly(1_000);
    }
    throw new AssertionError(regex + ": not within " + timeout + " on node " + node + "\n" + out);
  }

  @Test
  public void theTopicLeaderCutOffUnderWritesLosesNoAcknowledgedWriteAndCatchesUp()
      throws Exception {
    int leader = topicLeader(1);
    int writerNode = leader % NODES + 1;
    AtomicInteger through = new AtomicInteger(writerNode);
    try (AckedWriter writer =
        new AckedWriter("partitioned", () -> balancer(through.get()), connector())) {
      writer.awaitAcked(20, Duration.ofMinutes(2));
      System.out.println(local.run(Duration.ofMinutes(1), "isolate", Integer.toString(leader)));
      long cut = System.nanoTime();
      writer.awaitMore(50, Duration.ofMinutes(2));
      System.out.printf(
          "node %d (the topic's leader) cut off: first acknowledged write after %d ms, longest"
              + " wait %d ms%n",
          leader, writer.firstAckAfterMs(cut), writer.longestWaitAfterMs(cut));
      awaitStatus(writerNode, "Topic alarm\\s+HA_TOPIC_UNDER_REPLICATED", Duration.ofSeconds(60));
      System.out.println(status(writerNode));
      System.out.println(local.run(Duration.ofMinutes(1), "heal", Integer.toString(leader)));
      long healed = System.nanoTime();
      awaitStatus(writerNode, "in sync \\[1, 2, 3\\]", Duration.ofMinutes(2));
      System.out.printf(
          "node %d joined again: its replica in sync after %d ms%n",
          leader, (System.nanoTime() - healed) / 1_000_000);
      writer.awaitMore(50, Duration.ofMinutes(2));
      writer.close();
      List<String> members = new ArrayList<>();
      for (int node = 1; node <= NODES; node++) {
        members.add(engine(node));
      }
      writer.assertHeldBy("partitioned", members, connector(), Duration.ofMinutes(3));
    }
    assertTrue(Files.exists(local.home().resolve("netns")));
  }
}
