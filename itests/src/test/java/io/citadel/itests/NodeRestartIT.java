package io.citadel.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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

  private Path home;
  private int zkPort;

  @Before
  public void unpack() throws Exception {
    Path base = Files.createDirectories(Path.of("target", "node-it"));
    Path dir = Files.createTempDirectory(base.toAbsolutePath(), "node");
    run(dir, Duration.ofSeconds(60), "tar", "-xzf", System.getProperty("citadel.distribution"));
    try (var entries = Files.list(dir)) {
      home = entries.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    zkPort = Loopback.freePort();
    CfgFiles.set(etc("org.apache.karaf.shell.cfg"), Map.of("sshPort", port()));
    CfgFiles.set(
        etc("org.apache.karaf.management.cfg"),
        Map.of("rmiRegistryPort", port(), "rmiServerPort", port()));
    CfgFiles.set(
        etc("io.citadel.coordination.cfg"), Map.of("embedded.port", Integer.toString(zkPort)));
  }

  @After
  public void killWhatWasStarted() throws Exception {
    pid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
  }

  @Test
  public void zooKeeperDataSurvivesKillAndStop() throws Exception {
    start();
    String bundles = client("bundle:list");
    assertTrue(bundles, bundles.matches("(?s).*Active .*Citadel :: Coordination.*"));
    byte[] data = "written before the kill".getBytes(StandardCharsets.UTF_8);
    try (ZooKeeper zk = connect()) {
      zk.create(ZNODE, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    long pid = pid().orElseThrow();
    ProcessHandle karaf = ProcessHandle.of(pid).orElseThrow();
    karaf.destroyForcibly(); // SIGKILL: no shutdown hook, no ZooKeeper snapshot on the way out
    karaf.onExit().get(30, TimeUnit.SECONDS);

    start();
    try (ZooKeeper zk = connect()) {
      assertArrayEquals(data, zk.getData(ZNODE, false, null));
    }

    // A malformed value in the file while the node is down: it comes back on the last good
    // configuration and reports the file's mistake.
    stop();
    CfgFiles.set(etc("io.citadel.coordination.cfg"), Map.of("session.timeout.ms", "thirty"));
    start();
    String stat = client("zk:stat");
    assertTrue(stat, stat.contains("session.timeout.ms=thirty: is not a whole number"));
    assertTrue(stat, stat.contains("running on the last good configuration"));
    try (ZooKeeper zk = connect()) {
      assertArrayEquals(data, zk.getData(ZNODE, false, null));
    }
    stop();
  }

  private void start() throws Exception {
    run(home, Duration.ofSeconds(60), "bin/start");
    long deadline = System.nanoTime() + WAIT.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = client("zk:stat");
      if (last.matches("(?s).*State +\\| (RE)?CONNECTED.*")) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("node not ready within " + WAIT + ", last zk:stat: " + last);
  }

  private void stop() throws Exception {
    long pid = pid().orElseThrow();
    run(home, Duration.ofSeconds(60), "bin/stop");
    Optional<ProcessHandle> karaf = ProcessHandle.of(pid);
    if (karaf.isPresent()) {
      karaf.get().onExit().get(60, TimeUnit.SECONDS);
    }
  }

  /** One console command through bin/client, which logs in as the node's own user. */
  private String client(String command) throws Exception {
    return run(home, Duration.ofSeconds(60), "bin/client", "-r", "2", "-d", "1", command);
  }

  private Optional<Long> pid() throws IOException {
    Path file = home.resolve("karaf.pid");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String text = Files.readString(file).trim();
    return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
  }

  private ZooKeeper connect() throws Exception {
    return Loopback.zooKeeper(zkPort, Duration.ofSeconds(30));
  }

  private Path etc(String name) {
    return home.resolve("etc").resolve(name);
  }

  /** Runs a command with a bound, an empty line on stdin, and returns what it printed. */
  private static String run(Path dir, Duration timeout, String... command) throws Exception {
    Path output = Files.createTempFile("citadel-it", ".out");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      // bin/client with no input prints only "Closed".
      process.getOutputStream().write('\n');
      process.getOutputStream().close();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not end within " + timeout);
      }
      return Files.readString(output);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static String port() throws IOException {
    return Integer.toString(Loopback.freePort());
  }
}
