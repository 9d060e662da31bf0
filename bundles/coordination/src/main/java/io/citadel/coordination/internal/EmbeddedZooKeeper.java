package io.citadel.coordination.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.metrics.impl.DefaultMetricsProvider;
import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, standalone ZooKeeper server inside the node's JVM: the single-machine default. It runs
 * ZooKeeper's own server main loop (so container nodes are reaped as on any ensemble) on a thread
 * of its own, and keeps its snapshots and transaction logs in a data folder that survives restarts.
 */
final class EmbeddedZooKeeper implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZooKeeper.class);

  /**
   * The server expires sessions in buckets of one tick, so a dead node's ephemeral znodes (its
   * singleton's master znode among them) go between the session timeout and the timeout plus a tick
   * after it was last heard. ZooKeeper's usual 2 s tick adds up to 2 s to every failover; 500 ms
   * keeps failover within half a second of the session timeout.
   */
  static final int TICK_MS = 500;

  /** Sessions may last up to a minute (by default the server allows only 20 ticks). */
  static final int MAX_SESSION_TIMEOUT_MS = 60_000;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

  private enum State {
    LATENT,
    STARTED,
    CLOSED
  }

  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
  private final InetSocketAddress address;
  private final Path dataDir;
  private final Server server = new Server();
  private Thread thread;

  EmbeddedZooKeeper(String host, int port, Path dataDir) {
    this.address = new InetSocketAddress(host, port);
    this.dataDir = dataDir;
  }

  /**
   * Starts the server and waits until it serves.
   *
   * @throws IOException if the data folder cannot be used or the port cannot be bound
   */
  void start() throws IOException, InterruptedException {
    SuperUser.install();
    if (!state.compareAndSet(State.LATENT, State.STARTED)) {
      throw new IllegalStateException("embedded ZooKeeper already started");
    }
    if (address.isUnresolved()) {
      throw new IOException("cannot resolve " + address.getHostString());
    }
    Files.createDirectories(dataDir);
    // The Jetty admin server would listen on every interface (port 8080); Citadel never
    // runs it. ZooKeeper reads this switch only as a system property.
    if (System.getProperty("zookeeper.admin.enableServer") == null) {
      System.setProperty("zookeeper.admin.enableServer", "false");
    }
    ServerConfig config = new Config(address, dataDir);
    thread =
        new Thread(
            () -> {
              try {
                server.runFromConfig(config);
                server.started.completeExceptionally(
                    new IOException("ZooKeeper server stopped while starting"));
              } catch (Exception | LinkageError e) {
                server.started.completeExceptionally(e);
                if (state.get() != State.CLOSED) {
                  LOG.error("Embedded ZooKeeper server on {} stopped", address, e);
                }
              }
            },
            "citadel-embedded-zookeeper");
    // ZooKeeper loads its metrics provider through the context class loader.
    thread.setContextClassLoader(ZooKeeperServerMain.class.getClassLoader());
    thread.setDaemon(true);
    thread.start();
    try {
      server.started.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      close();
      Throwable cause = e.getCause();
      throw new IOException(
          "embedded ZooKeeper could not serve on " + describe() + ": " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      close();
      throw new IOException(
          "embedded ZooKeeper did not serve on " + describe() + " within " + START_TIMEOUT);
    }
    LOG.info("Embedded ZooKeeper serving on {} with data in {}", describe(), dataDir);
  }

  /** The port it listens on (the bound one when configured with port 0). */
  int port() {
    int bound = server.getClientPort();
    return bound > 0 ? bound : address.getPort();
  }

  String host() {
    return address.getHostString();
  }

  Path dataDir() {
    return dataDir;
  }

  String describe() {
    return address.getHostString() + ":" + port();
  }

  @Override
  public void close() throws InterruptedException {
    if (state.getAndSet(State.CLOSED) != State.STARTED) {
      return;
    }
    server.close();
    if (thread != null) {
      thread.join(STOP_TIMEOUT.toMillis());
      if (thread.isAlive()) {
        LOG.warn("Embedded ZooKeeper thread still running {} after shutdown", STOP_TIMEOUT);
      }
    }
    LOG.info("Embedded ZooKeeper on {} stopped", address);
  }

  /** ZooKeeper's own main loop, telling us when it serves. */
  private static final class Server extends ZooKeeperServerMain {
    final CompletableFuture<Void> started = new CompletableFuture<>();

    @Override
    protected void serverStarted() {
      started.complete(null);
    }
  }

  /** A standalone server's configuration, set field by field instead of from a file. */
  private static final class Config extends ServerConfig {
    Config(InetSocketAddress address, Path dataDir) {
      clientPortAddress = address;
      this.dataDir = dataDir.toFile();
      dataLogDir = dataDir.toFile();
      tickTime = TICK_MS;
      // Every local service connects from loopback: do not cap connections per address.
      maxClientCnxns = 0;
      minSessionTimeout = -1; // two ticks
      maxSessionTimeout = MAX_SESSION_TIMEOUT_MS;
      listenBacklog = -1;
      jvmPauseMonitorToRun = false;
      metricsProviderClassName = DefaultMetricsProvider.class.getName();
      metricsProviderConfiguration = new Properties();
    }
  }
}
