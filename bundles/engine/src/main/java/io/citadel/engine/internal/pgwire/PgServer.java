package io.citadel.engine.internal.pgwire;

import io.citadel.engine.internal.sql.Engine;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL protocol listener: accepts connections and gives each its own thread, enforces the
 * connection limit, and routes cancel requests to the connection they name.
 */
public final class PgServer implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(PgServer.class);

  /** Listener settings. */
  public record Settings(
      InetAddress bindAddress,
      int port,
      int maxConnections,
      int authTimeoutMillis,
      int maxMessageBytes) {
    public static Settings loopback(int port) {
      return new Settings(InetAddress.getLoopbackAddress(), port, 200, 60_000, 64 << 20);
    }
  }

  private final Engine engine;
  private final Settings settings;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final Map<Integer, PgConnection> connections = new ConcurrentHashMap<>();
  private final AtomicInteger processIds = new AtomicInteger(1000);
  private final SecureRandom random = new SecureRandom();
  private volatile boolean closed;
  private volatile int maxConnections;

  private PgServer(Engine engine, Settings settings, ServerSocket listener) {
    this.engine = engine;
    this.settings = settings;
    this.listener = listener;
    this.maxConnections = settings.maxConnections();
    this.acceptor = new Thread(this::accept, "citadel-pg-accept-" + listener.getLocalPort());
    this.acceptor.setDaemon(true);
  }

  /** Binds the port and starts accepting. */
  public static PgServer start(Engine engine, Settings settings) throws IOException {
    ServerSocket listener = new ServerSocket();
    listener.setReuseAddress(true);
    try {
      listener.bind(new InetSocketAddress(settings.bindAddress(), settings.port()), 128);
    } catch (IOException e) {
      listener.close();
      throw new IOException(
          "cannot listen for PostgreSQL clients on "
              + settings.bindAddress().getHostAddress()
              + ":"
              + settings.port()
              + ": "
              + e.getMessage(),
          e);
    }
    PgServer server = new PgServer(engine, settings, listener);
    server.acceptor.start();
    LOG.info(
        "Listening for PostgreSQL clients on {}:{}",
        settings.bindAddress().getHostAddress(),
        listener.getLocalPort());
    return server;
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Changes the connection limit; connections open now stay. */
  public void setMaxConnections(int max) {
    this.maxConnections = max;
  }

  Settings settings() {
    return settings;
  }

  /** One row per open connection: process id, user, remote address, session id. */
  public record ConnectionInfo(int processId, String user, String remote, long sessionId) {}

  public List<ConnectionInfo> connections() {
    List<ConnectionInfo> out = new ArrayList<>();
    for (PgConnection c : connections.values()) {
      var s = c.session();
      out.add(new ConnectionInfo(c.processId(), c.user(), c.remote(), s == null ? -1 : s.id()));
    }
    return out;
  }

  private void accept() {
    while (!closed) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (SocketException e) {
        if (!closed) {
          LOG.error("PostgreSQL listener on port {} failed", port(), e);
        }
        return;
      } catch (IOException e) {
        LOG.warn("Accepting a PostgreSQL connection failed: {}", e.toString());
        continue;
      }
      try {
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
      } catch (SocketException e) {
        closeQuietly(socket);
        continue;
      }
      int open = connections.size();
      if (open >= 2 * maxConnections) {
        // Far past the limit: not even a thread to say so.
        closeQuietly(socket);
        continue;
      }
      int pid = processIds.incrementAndGet();
      PgConnection c =
          new PgConnection(this, socket, engine, pid, random.nextInt(), open >= maxConnections);
      connections.put(pid, c);
      Thread t = new Thread(c, "citadel-pg-" + pid);
      t.setDaemon(true);
      t.start();
    }
  }

  void cancel(int processId, int secretKey) {
    PgConnection c = connections.get(processId);
    if (c != null && c.cancel(secretKey)) {
      LOG.info("Cancel request for connection {}", processId);
    } else {
      LOG.info("Ignored a cancel request that names no running connection ({})", processId);
    }
  }

  void closed(PgConnection c) {
    connections.remove(c.processId());
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (PgConnection c : connections.values()) {
      c.terminate();
    }
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
