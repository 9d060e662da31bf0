package io.citadel.itests;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;

/**
 * Nodes of one cluster on one real ZooKeeper server, all with the role of a singleton service
 * {@value #SERVICE} (a child process), and ways to see which node runs it. Used by {@link
 * MultiNodeIT} and by the failover benchmark.
 */
public final class SingletonCluster implements AutoCloseable {

  public static final String SERVICE = "single";

  /** A service the cluster runs on exactly two nodes. */
  public static final String PAIR = "pair";

  public static final String CLUSTER = "itest";

  private final Path zooKeeperDir;
  private final int zooKeeperPort;
  private final List<CitadelNode> nodes;
  private StandaloneZooKeeper zooKeeper;
  private ZooKeeper observer;

  private SingletonCluster(
      StandaloneZooKeeper zooKeeper, Path zooKeeperDir, List<CitadelNode> nodes) throws Exception {
    this.zooKeeper = zooKeeper;
    this.zooKeeperDir = zooKeeperDir;
    this.zooKeeperPort = zooKeeper.port();
    this.nodes = nodes;
    this.observer = zooKeeper.client(Duration.ofSeconds(30));
  }

  /** Stops the ZooKeeper server (its data stays), as an outage would. */
  public synchronized void stopZooKeeper() throws Exception {
    observer.close();
    zooKeeper.close();
  }

  /** Starts the ZooKeeper server again on the same port and data. */
  public synchronized void startZooKeeper() throws Exception {
    zooKeeper = StandaloneZooKeeper.start(zooKeeperPort, zooKeeperDir);
    observer = zooKeeper.client(Duration.ofSeconds(30));
  }

  /** Starts a ZooKeeper server and {@code count} nodes on it, and waits until all are up. */
  public static SingletonCluster start(
      Path distribution, Path base, int count, int sessionTimeoutMs) throws Exception {
    Path zkDir = Files.createDirectories(base.resolve("zk"));
    StandaloneZooKeeper zk = StandaloneZooKeeper.start(Loopback.freePort(), zkDir);
    List<CitadelNode> nodes = new ArrayList<>();
    try {
      for (int i = 1; i <= count; i++) {
        CitadelNode node =
            CitadelNode.unpack(
                distribution,
                base,
                "node" + i,
                Map.of(
                    "zookeeper.connect", zk.connectString(),
                    "session.timeout.ms", Integer.toString(sessionTimeoutMs),
                    "cluster.name", CLUSTER));
        Files.writeString(node.etc("roles"), "*\n");
        // Only the singleton: the example service is not what is measured.
        Files.deleteIfExists(node.etc("conf.d/warden.hoststats.conf"));
        Files.writeString(
            node.etc("conf.d/warden." + SERVICE + ".conf"),
            "services=" + SERVICE + ":1:coordination\nservice.command.start=exec sleep 3600\n",
            StandardCharsets.UTF_8);
        Files.writeString(
            node.etc("conf.d/warden." + PAIR + ".conf"),
            "services=" + PAIR + ":2:coordination\nservice.command.start=exec sleep 3600\n",
            StandardCharsets.UTF_8);
        nodes.add(node);
      }
      for (CitadelNode node : nodes) {
        node.start(Duration.ofSeconds(180));
      }
      return new SingletonCluster(zk, zkDir, nodes);
    } catch (Exception | AssertionError e) {
      for (CitadelNode node : nodes) {
        node.close();
      }
      zk.close();
      throw e;
    }
  }

  public List<CitadelNode> nodes() {
    return nodes;
  }

  public CitadelNode node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
  }

  /** The nodes whose status znode says the service is running, now. */
  public List<String> runners() throws Exception {
    return hostsIn(SERVICE, "running");
  }

  /** The nodes whose status znode says {@code service} is in {@code state}, now. */
  public synchronized List<String> hostsIn(String service, String state) throws Exception {
    String path = "/citadel/" + CLUSTER + "/services/" + service;
    List<String> hosts = new ArrayList<>();
    List<String> children;
    try {
      children = observer.getChildren(path, false);
    } catch (KeeperException.NoNodeException none) {
      return hosts;
    }
    for (String host : children) {
      try {
        String json =
            new String(observer.getData(path + "/" + host, false, null), StandardCharsets.UTF_8);
        if (json.contains("\"state\":\"" + state + "\"")) {
          hosts.add(host);
        }
      } catch (KeeperException.NoNodeException gone) {
        // Its session ended while we looked.
      }
    }
    return hosts;
  }

  public String awaitSingleRunner(Duration timeout) throws Exception {
    return await(
        timeout,
        () -> {
          List<String> runners = runners();
          return runners.size() == 1 ? runners.get(0) : null;
        },
        "one node running " + SERVICE);
  }

  public String awaitRunnerOtherThan(String previous, Duration timeout) throws Exception {
    return await(
        timeout,
        () -> {
          List<String> runners = runners();
          return runners.size() == 1 && !runners.get(0).equals(previous) ? runners.get(0) : null;
        },
        "a node other than " + previous + " running " + SERVICE);
  }

  public void awaitState(String host, String state, Duration timeout) throws Exception {
    await(timeout, () -> hostsIn(SERVICE, state).contains(host) ? host : null, host + " " + state);
  }

  private interface Probe {
    String get() throws Exception;
  }

  /** Every node's status document of {@code service}, by node. */
  public synchronized java.util.Map<String, String> statuses(String service) throws Exception {
    String path = "/citadel/" + CLUSTER + "/services/" + service;
    java.util.Map<String, String> statuses = new java.util.TreeMap<>();
    for (String host : observer.getChildren(path, false)) {
      try {
        statuses.put(
            host,
            new String(observer.getData(path + "/" + host, false, null), StandardCharsets.UTF_8));
      } catch (KeeperException.NoNodeException gone) {
        // Its session ended while we looked.
      }
    }
    return statuses;
  }

  /** Waits until exactly {@code count} nodes run {@code service}; returns them. */
  public List<String> awaitRunners(String service, int count, Duration timeout) throws Exception {
    await(
        timeout,
        () -> hostsIn(service, "running").size() == count ? "yes" : null,
        count + " nodes running " + service);
    return hostsIn(service, "running");
  }

  private static String await(Duration timeout, Probe probe, String what) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String found = probe.get();
      if (found != null) {
        return found;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("not within " + timeout + ": " + what);
  }

  /** Samples who runs the service until closed, remembering the worst instant. */
  public Sampler sample(Duration period) {
    return new Sampler(period);
  }

  /** Counts, at each sample, how many nodes report the singleton running. */
  public final class Sampler implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger samples = new AtomicInteger();
    private final AtomicReference<List<String>> worst = new AtomicReference<>(List.of());
    private final Thread thread;

    private Sampler(Duration period) {
      thread =
          new Thread(
              () -> {
                while (running.get()) {
                  try {
                    List<String> now = runners();
                    samples.incrementAndGet();
                    if (now.size() > worst.get().size()) {
                      worst.set(now);
                    }
                    Thread.sleep(period.toMillis());
                  } catch (InterruptedException e) {
                    return;
                  } catch (Exception e) {
                    // A failed read is not a sample.
                  }
                }
              },
              "singleton-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    public int samples() {
      return samples.get();
    }

    public void assertNeverMoreThanOne() {
      if (worst.get().size() > 1) {
        throw new AssertionError(
            "two nodes reported " + SERVICE + " running at once: " + worst.get());
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(5_000);
    }
  }

  @Override
  public void close() throws Exception {
    for (CitadelNode node : nodes) {
      node.close();
    }
    observer.close();
    zooKeeper.close();
  }
}
