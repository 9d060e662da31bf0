package io.citadel.itests;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;

/** A real standalone ZooKeeper server on loopback, run by ZooKeeper's own main loop. */
public final class StandaloneZooKeeper implements AutoCloseable {

  private final ZooKeeperServerMain main = new Served();
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final Thread thread;
  private final int port;

  private StandaloneZooKeeper(int port, Path dir) throws Exception {
    this.port = port;
    Properties properties = new Properties();
    properties.setProperty("dataDir", dir.toString());
    properties.setProperty("clientPort", Integer.toString(port));
    properties.setProperty("clientPortAddress", "127.0.0.1");
    // Sessions expire in buckets of one tick: 500 ms keeps failover near the session timeout.
    properties.setProperty("tickTime", "500");
    properties.setProperty("maxSessionTimeout", "60000");
    properties.setProperty("maxClientCnxns", "0");
    QuorumPeerConfig quorum = new QuorumPeerConfig();
    // ZooKeeper loads its metrics provider through the context class loader.
    Thread current = Thread.currentThread();
    ClassLoader previous = current.getContextClassLoader();
    current.setContextClassLoader(ZooKeeperServerMain.class.getClassLoader());
    try {
      quorum.parseProperties(properties);
    } finally {
      current.setContextClassLoader(previous);
    }
    ServerConfig config = new ServerConfig();
    config.readFrom(quorum);
    thread =
        new Thread(
            () -> {
              try {
                main.runFromConfig(config);
              } catch (Exception e) {
                started.completeExceptionally(e);
              }
            },
            "itest-zookeeper-" + port);
    thread.setContextClassLoader(ZooKeeperServerMain.class.getClassLoader());
    thread.setDaemon(true);
  }

  /** Starts a server and waits until it serves. */
  public static StandaloneZooKeeper start(int port, Path dir) throws Exception {
    if (System.getProperty("zookeeper.admin.enableServer") == null) {
      System.setProperty("zookeeper.admin.enableServer", "false");
    }
    StandaloneZooKeeper server = new StandaloneZooKeeper(port, dir);
    server.thread.start();
    server.started.get(60, TimeUnit.SECONDS);
    return server;
  }

  public int port() {
    return port;
  }

  public String connectString() {
    return "127.0.0.1:" + port;
  }

  /** A plain client of this server. */
  public ZooKeeper client(Duration timeout) throws Exception {
    return Loopback.zooKeeper(port, timeout);
  }

  @Override
  public void close() throws InterruptedException {
    main.close();
    thread.join(Duration.ofSeconds(15).toMillis());
  }

  private final class Served extends ZooKeeperServerMain {
    @Override
    protected void serverStarted() {
      started.complete(null);
    }
  }
}
