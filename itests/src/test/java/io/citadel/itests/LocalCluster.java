package io.citadel.itests;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A local cluster as {@code karaf-distro/citadel-node.sh cluster} makes and drives it: in a folder
 * of its own, at a base of free loopback ports, every step through the script a user runs.
 *
 * @param script the path of {@code citadel-node.sh}
 * @param home the cluster's folder ({@code CITADEL_CLUSTER_HOME})
 * @param portBase its ports' base ({@code CITADEL_CLUSTER_PORT_BASE}): node I's at base + 100·I
 */
public record LocalCluster(Path script, Path home, int portBase) {

  /** A cluster folder under {@code parent} and a free range of ports; nothing started yet. */
  public static LocalCluster in(Path script, Path parent, int nodes) throws IOException {
    Path home = Files.createTempDirectory(Files.createDirectories(parent).toAbsolutePath(), "c");
    return new LocalCluster(script.toAbsolutePath().normalize(), home, freePortBase(nodes));
  }

  /**
   * Makes and starts a cluster of {@code nodes} under {@code parent} with every node in its own
   * network namespace ({@code cluster start N --no-build --netns}); prints what the script said.
   */
  public static LocalCluster startInNamespaces(Path parent, int nodes, Duration timeout)
      throws Exception {
    LocalCluster local = in(Path.of("..", "karaf-distro", "citadel-node.sh"), parent, nodes);
    String out = local.run(timeout, "start", Integer.toString(nodes), "--no-build", "--netns");
    System.out.println(out);
    if (!out.contains("a cluster of " + nodes + " nodes runs")) {
      throw new AssertionError(out);
    }
    return local;
  }

  /** A base at which all of the cluster's ports (base + 100 .. base + 100·(nodes+1)) are free. */
  private static int freePortBase(int nodes) throws IOException {
    Random random = new Random();
    for (int attempt = 0; attempt < 50; attempt++) {
      // below Linux's ephemeral ports (32768 and up), which outgoing connections take
      int base = 20_000 + random.nextInt(120) * 100;
      boolean free = true;
      for (int p = base + 100; p < base + 100 * (nodes + 1) && free; p++) {
        try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
          s.setReuseAddress(true);
        } catch (IOException taken) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IOException("no free range of ports for a local cluster");
  }

  /**
   * Runs {@code citadel-node.sh cluster ARGS...} for this cluster, waits at most {@code timeout}
   * (and a minute), and answers its output; throws with the output when it fails.
   */
  public String run(Duration timeout, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", script.toString(), "cluster"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("CITADEL_CLUSTER_HOME", home.toString());
    pb.environment().put("CITADEL_CLUSTER_PORT_BASE", Integer.toString(portBase));
    pb.environment().put("CITADEL_START_TIMEOUT", Long.toString(timeout.toSeconds()));
    Path output = Files.createTempFile("cluster", ".out");
    pb.redirectOutput(output.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    try {
      if (!p.waitFor(timeout.toMillis() + 60_000, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(
            "cluster " + String.join(" ", args) + " did not end: " + Files.readString(output));
      }
      String out = Files.readString(output);
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "cluster " + String.join(" ", args) + " exited " + p.exitValue() + ":\n" + out);
      }
      return out;
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** Whether the script made the cluster (so that stopping it has something to do). */
  public boolean made() {
    return Files.exists(home.resolve("size"));
  }

  /** Node {@code node}'s port at {@code offset} (10: engine, 30: balancer, 50: Kafka). */
  public int port(int node, int offset) {
    return portBase + 100 * node + offset;
  }

  /** A pgjdbc connection as the engines' superuser to the PostgreSQL port {@code port}. */
  public Connection connect(int port) throws Exception {
    return connect("127.0.0.1", port);
  }

  /** A pgjdbc connection as the engines' superuser to {@code host:port}. */
  public Connection connect(String host, int port) throws Exception {
    Properties p = new Properties();
    p.setProperty("user", "citadel");
    p.setProperty("password", Files.readString(home.resolve("password")).strip());
    p.setProperty("connectTimeout", "5");
    p.setProperty("socketTimeout", "60");
    return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/citadel", p);
  }
}
