package io.citadel.loadbalancer.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.coordination.Coordination;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers behind the balancer and their health. Members of the HA group come and go with their
 * znodes under {@code /citadel/<cluster>/ha/<group>}, which name their engines' addresses; servers
 * listed in the configuration stay. Every check interval each server gets a PostgreSQL protocol
 * probe (an SSLRequest, answered with one byte by any live server); {@code fall} failed probes or
 * connections in a row take it down, {@code rise} passed ones bring it back.
 */
final class Backends implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
  private static final byte[] SSL_REQUEST = {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f};

  private final Coordination coordination;
  private final LbSettings settings;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, Backend> byId = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;
  private final ExecutorService probes;
  private CuratorCache cache;
  private volatile boolean closed;

  Backends(Coordination coordination, LbSettings settings) {
    this.coordination = coordination;
    this.settings = settings;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "citadel-lb-checks"));
    this.probes = Executors.newCachedThreadPool(r -> daemon(r, "citadel-lb-probe"));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  void start() {
    for (LbSettings.Server s : settings.servers()) {
      byId.put(s.id(), new Backend(s.id(), s.pg(), s.http()));
    }
    if (!settings.group().isEmpty()) {
      String path = groupPath();
      cache = CuratorCache.build(coordination.curator(), path);
      cache
          .listenable()
          .addListener(CuratorCacheListener.builder().forAll((t, o, n) -> members()).build());
      cache.start();
      members();
    }
    timer.scheduleWithFixedDelay(
        this::checkAll, 0, settings.checkIntervalMs(), TimeUnit.MILLISECONDS);
  }

  private String groupPath() {
    return coordination.clusterPath("ha", settings.group());
  }

  /** Reads the group's members again: new ones are added (down until checked), gone ones leave. */
  private synchronized void members() {
    if (closed) {
      return;
    }
    Set<String> seen = new HashSet<>();
    try {
      List<String> ids;
      try {
        ids = coordination.curator().getChildren().forPath(groupPath());
      } catch (KeeperException.NoNodeException e) {
        ids = List.of();
      }
      for (String id : ids) {
        JsonNode m;
        try {
          m = json.readTree(coordination.curator().getData().forPath(groupPath() + "/" + id));
        } catch (KeeperException.NoNodeException e) {
          continue;
        }
        String pg = m.path("pg").asText("");
        if (pg.isEmpty()) {
          continue; // its engine is not listening (yet)
        }
        seen.add(id);
        String http = m.path("http").asText("");
        String state = m.path("state").asText("");
        Backend b = byId.get(id);
        if (b == null) {
          b = new Backend(id, pg, http);
          byId.put(id, b);
          LOG.info("Load balancer: {} joined HA group {} at {}", id, settings.group(), pg);
        } else if (!pg.equals(b.pgAddress()) || !http.equals(b.httpAddress())) {
          b.addresses(pg, http);
        }
        if (!state.equals(b.groupState())) {
          boolean wasReady = b.ready();
          b.groupState(state);
          if (wasReady != b.ready()) {
            LOG.info(
                "Load balancer: {} is {} ({} in HA group {})",
                id,
                b.ready() ? "ready for sessions" : "not ready for sessions",
                state,
                settings.group());
          }
        }
      }
    } catch (Exception e) {
      LOG.warn("Load balancer: cannot read HA group {}: {}", settings.group(), e.toString());
      return;
    }
    Set<String> fixed = new HashSet<>();
    settings.servers().forEach(s -> fixed.add(s.id()));
    for (Backend b : List.copyOf(byId.values())) {
      if (!seen.contains(b.id()) && !fixed.contains(b.id())) {
        byId.remove(b.id());
        b.gone();
        int closed = b.closeSessions();
        LOG.info(
            "Load balancer: {} left HA group {}; {} session(s) closed",
            b.id(),
            settings.group(),
            closed);
      }
    }
  }

  Collection<Backend> all() {
    return new TreeMap<>(byId).values();
  }

  Backend get(String id) {
    return byId.get(id);
  }

  private void checkAll() {
    for (Backend b : byId.values()) {
      probes.execute(() -> check(b));
    }
  }

  private void check(Backend b) {
    String error = probe(b.pgAddress());
    if (error == null) {
      if (b.passed(settings.rise())) {
        LOG.info("Load balancer: {} is up ({} checks passed)", b, settings.rise());
      }
    } else {
      down(b, error, b.failed(settings.fall(), error));
    }
  }

  /** A connection to {@code b} failed while serving a client: counts as a failed check. */
  void connectionFailed(Backend b, String error) {
    b.errors.increment();
    down(b, error, b.failed(settings.fall(), error));
  }

  private void down(Backend b, String error, boolean wentDown) {
    if (wentDown) {
      int closed = b.closeSessions();
      LOG.warn(
          "Load balancer: {} is down ({}); {} open session(s) closed so their clients reconnect",
          b,
          error,
          closed);
    }
  }

  /** Null when the server answers the PostgreSQL protocol, else what went wrong. */
  private String probe(String address) {
    int timeout = (int) Math.max(100, Math.min(settings.checkIntervalMs(), 2_000));
    int colon = address.lastIndexOf(':');
    try (Socket s = new Socket()) {
      s.connect(
          new InetSocketAddress(
              address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
          timeout);
      s.setSoTimeout(timeout);
      OutputStream out = s.getOutputStream();
      out.write(SSL_REQUEST);
      out.flush();
      InputStream in = s.getInputStream();
      int answer = in.read();
      if (answer == 'N' || answer == 'S') {
        return null;
      }
      return answer < 0 ? "closed the connection" : "answered " + answer + " to an SSLRequest";
    } catch (IOException | RuntimeException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    timer.shutdownNow();
    probes.shutdownNow();
    if (cache != null) {
      cache.close();
    }
    for (Backend b : byId.values()) {
      b.closeSessions();
    }
  }
}
