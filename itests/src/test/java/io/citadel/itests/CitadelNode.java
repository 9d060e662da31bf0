package io.citadel.itests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One Citadel node as an operator runs it: the built distribution unpacked in a folder of its own,
 * with free loopback ports, driven through bin/start, bin/client and bin/stop, and killed by PID.
 * Used by the multi-process tests and the benchmarks.
 */
public final class CitadelNode implements AutoCloseable {

  private static final Duration COMMAND_WAIT = Duration.ofSeconds(60);

  private final String name;
  private final Path home;

  private CitadelNode(String name, Path home) {
    this.name = name;
    this.home = home;
  }

  /**
   * Unpacks the distribution into {@code base/<name>} with its own free ports.
   *
   * @param distribution the citadel tar.gz
   * @param coordination settings for {@code io.citadel.coordination.cfg}
   */
  /**
   * A single node with its own embedded ZooKeeper on a free loopback port, unpacked (not started)
   * in a new folder under {@code target/<folder>} (the grandparent of its {@link #home()}).
   */
  public static CitadelNode standalone(String folder, String name) throws Exception {
    Path base =
        Files.createTempDirectory(
            Files.createDirectories(Path.of("target", folder)).toAbsolutePath(), name);
    return unpack(
        Path.of(System.getProperty("citadel.distribution")),
        base,
        name,
        Map.of("embedded.port", Integer.toString(Loopback.freePort())));
  }

  public static CitadelNode unpack(
      Path distribution, Path base, String name, Map<String, String> coordination)
      throws Exception {
    Path dir = Files.createDirectories(base.resolve(name));
    run(dir, COMMAND_WAIT, "tar", "-xzf", distribution.toAbsolutePath().toString());
    Path home;
    try (var entries = Files.list(dir)) {
      home = entries.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    CitadelNode node = new CitadelNode(name, home);
    node.cfg("org.apache.karaf.shell.cfg", Map.of("sshPort", port()));
    node.cfg(
        "org.apache.karaf.management.cfg",
        Map.of("rmiRegistryPort", port(), "rmiServerPort", port()));
    node.cfg("io.citadel.coordination.cfg", coordination);
    node.cfg("io.citadel.warden.cfg", Map.of("host.name", name));
    node.cfg("io.citadel.engine.cfg", Map.of("port", port(), "http-port", port()));
    node.cfg("io.citadel.cldb.cfg", Map.of("port", port()));
    node.cfg("io.citadel.loadbalancer.cfg", Map.of("pg-port", port(), "http-port", port()));
    return node;
  }

  public String name() {
    return name;
  }

  public Path home() {
    return home;
  }

  /** A key of one of the node's {@code etc/*.cfg} files. */
  public String cfgValue(String file, String key) throws IOException {
    return CfgFiles.read(etc(file)).get(key);
  }

  public Path etc(String file) {
    return home.resolve("etc").resolve(file);
  }

  /** Sets keys in one of the node's {@code etc/*.cfg} files. */
  public void cfg(String file, Map<String, String> values) throws IOException {
    CfgFiles.set(etc(file), values);
  }

  /** The engine superuser's password, as the engine wrote it at its first start. */
  public String enginePassword() throws IOException {
    return Files.readString(home.resolve("data/engine/initial-password")).strip();
  }

  /**
   * A pgjdbc connection to this node's engine as its superuser, reads bounded by {@code
   * socketTimeoutSeconds}.
   */
  public java.sql.Connection engineConnection(int socketTimeoutSeconds)
      throws java.sql.SQLException, IOException {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("user", "citadel");
    p.setProperty("password", enginePassword());
    p.setProperty("connectTimeout", "10");
    p.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
    return java.sql.DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + cfgValue("io.citadel.engine.cfg", "port") + "/citadel", p);
  }

  /** Waits until the Warden has started the engine and it answers a query. */
  public void awaitEngine(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try (java.sql.Connection c = engineConnection(30);
          java.sql.Statement st = c.createStatement();
          java.sql.ResultSet rs = st.executeQuery("SELECT 1")) {
        if (rs.next()) {
          return;
        }
      } catch (java.sql.SQLException | IOException e) {
        last = e;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "the engine did not answer within " + timeout + "; warden:list: " + client("warden:list"),
        last);
  }

  /** Runs bin/start and waits until the node's ZooKeeper session is connected. */
  public void start(Duration timeout) throws Exception {
    run(home, COMMAND_WAIT, "bin/start");
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = client("zk:stat");
      if (last.matches("(?s).*State +\\| (RE)?CONNECTED.*")) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(name + " not ready within " + timeout + ", last zk:stat: " + last);
  }

  /** Runs bin/stop and waits for the JVM to end. */
  public void stop() throws Exception {
    Optional<Long> pid = pid();
    run(home, COMMAND_WAIT, "bin/stop");
    if (pid.isPresent()) {
      Optional<ProcessHandle> karaf = ProcessHandle.of(pid.get());
      if (karaf.isPresent()) {
        karaf.get().onExit().get(COMMAND_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  /** SIGKILLs the Karaf JVM and waits for it to be gone; returns when it was killed. */
  public long kill9() throws Exception {
    ProcessHandle karaf = ProcessHandle.of(pid().orElseThrow()).orElseThrow();
    long killedAt = System.nanoTime();
    karaf.destroyForcibly();
    karaf.onExit().get(COMMAND_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    return killedAt;
  }

  /** One console command through bin/client, which logs in as the node's own user. */
  public String client(String command) throws Exception {
    return run(home, COMMAND_WAIT, "bin/client", "-r", "2", "-d", "1", command);
  }

  public Optional<Long> pid() throws IOException {
    return pidFile(home.resolve("karaf.pid"));
  }

  /** The pid of a child process the node's Warden runs. */
  public Optional<Long> servicePid(String service) throws IOException {
    return pidFile(home.resolve("data").resolve("warden").resolve(service + ".pid"));
  }

  public boolean running() throws IOException {
    return pid().flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Kills whatever this node left running: the JVM and the Warden's child processes. */
  @Override
  public void close() throws IOException {
    pid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
    Path pids = home.resolve("data").resolve("warden");
    if (Files.isDirectory(pids)) {
      try (var files = Files.list(pids)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
          pidFile(file).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
    }
  }

  private static Optional<Long> pidFile(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String text = Files.readString(file).trim();
    return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
  }

  /** Runs a command with a bound, an empty line on stdin, and returns what it printed. */
  static String run(Path dir, Duration timeout, String... command) throws Exception {
    Path output = Files.createTempFile("citadel-node", ".out");
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
