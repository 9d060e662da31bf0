package io.citadel.coordination.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.metrics.impl.DefaultMetricsProvider;
import org.apache.zookeeper.server.quorum.QuorumPeer;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.apache.zookeeper.server.quorum.QuorumPeerMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's server of the cluster's ZooKeeper ensemble: a real quorum peer, run in the node's JVM
 * on a thread of its own, as the standalone {@link EmbeddedZooKeeper} is.
 *
 * <p>In the JVM rather than as a Warden child process because the Warden itself stands on
 * ZooKeeper: it is started after coordination, and a peer it started could not be restarted by it
 * while the quorum it needs was lost; and because one JVM per node is what the operator sizes and
 * watches. A peer's failure does not take the node's other services with it: the peer's thread
 * ends, the node's client goes on with the other servers, and {@code zk:stat} says so; where
 * ZooKeeper would end the JVM (an election port it cannot bind, a snapshot it cannot write), the
 * peer is stopped instead.
 *
 * <p>The peer's configuration is a real {@code zoo.cfg} in its data folder, written from the
 * ensemble's description, so the folder is what an operator of any ZooKeeper ensemble knows.
 * Dynamic reconfiguration is on: once the ensemble has formed, ZooKeeper keeps the membership in
 * its own dynamic file (changed with {@code reconfig}), which later starts take as it is.
 */
final class EnsemblePeer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EnsemblePeer.class);

  /** A tick of half a second, as the standalone server has (see EmbeddedZooKeeper.TICK_MS). */
  static final int TICK_MS = EmbeddedZooKeeper.TICK_MS;

  /** A follower has 10 s to connect and sync to a new leader, 5 s to answer it afterwards. */
  static final int INIT_LIMIT_TICKS = 20;

  static final int SYNC_LIMIT_TICKS = 10;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

  private final Ensemble ensemble;
  private final Ensemble.Server self;
  private final Path dataDir;
  private final Main main = new Main();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean closed;
  private Thread thread;

  EnsemblePeer(Ensemble ensemble, long id, Path dataDir) {
    this.ensemble = ensemble;
    this.self =
        ensemble
            .server(id)
            .orElseThrow(
                () -> new IllegalArgumentException("server " + id + " is not in the ensemble"));
    this.dataDir = dataDir;
  }

  /**
   * Writes the peer's configuration, starts it and waits until it takes client connections (it
   * serves them once a quorum of the ensemble has elected a leader).
   *
   * @throws IOException if the data folder cannot be used, the configuration is refused, or the
   *     peer does not listen within 30 s
   */
  void start() throws IOException, InterruptedException {
    SuperUser.install();
    Files.createDirectories(dataDir);
    Path config = writeConfig();
    if (System.getProperty("zookeeper.admin.enableServer") == null) {
      System.setProperty("zookeeper.admin.enableServer", "false");
    }
    QuorumPeerConfig parsed = new QuorumPeerConfig();
    Thread current = Thread.currentThread();
    ClassLoader caller = current.getContextClassLoader();
    // ZooKeeper finds its own classes (the metrics provider, the authentication providers)
    // through the context class loader, here as in the peer's thread
    current.setContextClassLoader(QuorumPeerMain.class.getClassLoader());
    try {
      parsed.parse(config.toString());
    } catch (QuorumPeerConfig.ConfigException e) {
      StringBuilder why = new StringBuilder(e.getMessage());
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
        why.append(": ").append(c);
      }
      throw new IOException("the ensemble's configuration " + config + " is refused: " + why, e);
    } finally {
      current.setContextClassLoader(caller);
    }
    thread =
        new Thread(
            () -> {
              try {
                main.runFromConfig(parsed);
              } catch (Exception | LinkageError e) {
                failure.set(e);
                if (!closed) {
                  LOG.error("ZooKeeper peer {} of the ensemble stopped", self.id(), e);
                }
              }
            },
            "citadel-zookeeper-peer-" + self.id());
    thread.setContextClassLoader(QuorumPeerMain.class.getClassLoader());
    thread.setDaemon(true);
    thread.start();
    LIVE.add(this);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!(running() && listening())) {
      Throwable f = failure.get();
      if (f != null || !thread.isAlive()) {
        close();
        throw new IOException(
            "ZooKeeper peer "
                + self.id()
                + " could not start on "
                + self.clientAddress()
                + (f == null ? "" : ": " + f.getMessage()),
            f);
      }
      if (System.nanoTime() > deadline) {
        close();
        throw new IOException(
            "ZooKeeper peer " + self.id() + " did not listen on " + self.clientAddress());
      }
      Thread.sleep(50);
    }
    if (failure.get() != null) {
      close();
      throw new IOException(
          "ZooKeeper peer " + self.id() + " stopped while starting: " + failure.get().getMessage(),
          failure.get());
    }
    LOG.info(
        "ZooKeeper peer {} of an ensemble of {} listening on {} (quorum {}, election {}), data in"
            + " {}",
        self.id(),
        ensemble.servers().size(),
        self.clientAddress(),
        self.quorumPort(),
        self.electionPort(),
        dataDir);
  }

  /** Whether the peer exists and runs (its client port may be bound before it does). */
  private boolean running() {
    QuorumPeer peer = main.peer();
    return peer != null && peer.isRunning() && thread.isAlive();
  }

  private boolean listening() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(self.clientHost(), self.clientPort()), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The configuration file and {@code myid}. Once the ensemble has formed, ZooKeeper's own dynamic
   * file holds the membership (reconfig changes it there), and it is kept: the description only
   * seeds an ensemble that has never run.
   */
  private Path writeConfig() throws IOException {
    Files.writeString(dataDir.resolve("myid"), self.id() + "\n", StandardCharsets.US_ASCII);
    Path config = dataDir.resolve("zoo.cfg");
    Optional<String> dynamic = dynamicFile(config);
    List<String> lines = new ArrayList<>();
    lines.add("# written by Citadel from io.citadel.coordination's ensemble.servers at each start");
    lines.add("tickTime=" + TICK_MS);
    lines.add("initLimit=" + INIT_LIMIT_TICKS);
    lines.add("syncLimit=" + SYNC_LIMIT_TICKS);
    lines.add("dataDir=" + dataDir.toAbsolutePath());
    lines.add("maxClientCnxns=0");
    lines.add("maxSessionTimeout=" + EmbeddedZooKeeper.MAX_SESSION_TIMEOUT_MS);
    lines.add("reconfigEnabled=true");
    lines.add("standaloneEnabled=false");
    lines.add("4lw.commands.whitelist=srvr,mntr,ruok,conf,stat");
    lines.add("metricsProvider.className=" + DefaultMetricsProvider.class.getName());
    if (dynamic.isPresent()) {
      lines.add("dynamicConfigFile=" + dynamic.get());
    } else {
      lines.addAll(ensemble.zooKeeperLines());
    }
    io.citadel.sdk.DurableFiles.replace(
        config, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    return config;
  }

  /** The dynamic membership file ZooKeeper made of an earlier start, if it is still there. */
  private static Optional<String> dynamicFile(Path config) throws IOException {
    if (!Files.isRegularFile(config)) {
      return Optional.empty();
    }
    for (String line : Files.readAllLines(config, StandardCharsets.UTF_8)) {
      if (line.startsWith("dynamicConfigFile=")) {
        String file = line.substring("dynamicConfigFile=".length()).strip();
        if (Files.isRegularFile(Path.of(file))) {
          return Optional.of(file);
        }
      }
    }
    return Optional.empty();
  }

  long id() {
    return self.id();
  }

  /**
   * Whether the ensemble has formed on this peer's data at least once: then ZooKeeper's own dynamic
   * file holds the membership, and a new description no longer changes it (only {@code reconfig}
   * does).
   */
  boolean formed() {
    try {
      return dynamicFile(dataDir.resolve("zoo.cfg")).isPresent();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Changes the ensemble's membership with ZooKeeper's {@code reconfig}, sent through this peer as
   * the JVM's super user (see {@link SuperUser}). ZooKeeper commits the change once a quorum of the
   * old and of the new membership has it, new servers having synced first.
   *
   * @param joining servers to add, each {@code server.N=host:quorum:election[:role];host:client}
   * @param leaving the ids of servers to remove
   * @return ZooKeeper's configuration after the change
   * @throws IOException when this peer takes no connection (no quorum) or this JVM has no super
   *     user
   * @throws KeeperException what ZooKeeper refused, with its reason
   */
  String reconfigure(List<String> joining, List<String> leaving, Duration timeout)
      throws IOException, InterruptedException, KeeperException {
    byte[] credentials =
        SuperUser.credentials().orElseThrow(() -> new IOException(SuperUser.whyNone()));
    java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
    Thread current = Thread.currentThread();
    ClassLoader caller = current.getContextClassLoader();
    current.setContextClassLoader(QuorumPeerMain.class.getClassLoader());
    ZooKeeperAdmin admin;
    try {
      admin =
          new ZooKeeperAdmin(
              self.clientAddress(),
              (int) timeout.toMillis(),
              event -> {
                if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                  connected.countDown();
                }
              });
    } finally {
      current.setContextClassLoader(caller);
    }
    try {
      if (!connected.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        throw new IOException(
            "this node's ZooKeeper peer ("
                + self.clientAddress()
                + ") took no connection within "
                + timeout.toSeconds()
                + " s: has the ensemble a quorum?");
      }
      admin.addAuthInfo("digest", credentials);
      byte[] config =
          admin.reconfigure(
              joining.isEmpty() ? null : joining,
              leaving.isEmpty() ? null : leaving,
              null,
              -1,
              new Stat());
      return new String(config, StandardCharsets.UTF_8);
    } finally {
      admin.close();
    }
  }

  String describe() {
    return "peer " + self.id() + " on " + self.clientAddress();
  }

  /** The peer's state: leading, following, observing or looking; stopped when its thread ended. */
  String role() {
    QuorumPeer peer = main.peer();
    if (peer == null || thread == null || !thread.isAlive()) {
      return "stopped";
    }
    return peer.getServerState();
  }

  @Override
  public void close() throws InterruptedException {
    if (closed) {
      return;
    }
    closed = true;
    LIVE.remove(this);
    main.close();
    if (thread != null) {
      thread.join(STOP_TIMEOUT.toMillis());
      if (thread.isAlive()) {
        LOG.warn("ZooKeeper peer {} still running {} after shutdown", self.id(), STOP_TIMEOUT);
      }
    }
    LOG.info("ZooKeeper peer {} stopped", self.id());
  }

  /** ZooKeeper's quorum peer main loop, with its peer published to other threads. */
  private static final class Main extends QuorumPeerMain {
    private volatile QuorumPeer published;

    @Override
    protected QuorumPeer getQuorumPeer() throws javax.security.sasl.SaslException {
      QuorumPeer made = super.getQuorumPeer();
      published = made;
      return made;
    }

    QuorumPeer peer() {
      return published;
    }
  }

  /** The peers running in this JVM, stopped (not the JVM) when ZooKeeper asks for an exit. */
  private static final java.util.Set<EnsemblePeer> LIVE =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    // ZooKeeper ends its JVM on some failures (an election port it cannot bind, a snapshot it
    // cannot write): here that JVM is the whole node, so the peer stops and the node goes on
    org.apache.zookeeper.util.ServiceUtils.setSystemExitProcedure(
        code -> {
          LOG.error(
              "ZooKeeper asked to end the JVM (exit code {}); stopping this node's peer instead",
              code);
          for (EnsemblePeer p : LIVE) {
            Thread stopper =
                new Thread(
                    () -> {
                      try {
                        p.close();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    },
                    "citadel-zookeeper-peer-stop");
            stopper.setDaemon(true);
            stopper.start();
          }
        });
  }
}
