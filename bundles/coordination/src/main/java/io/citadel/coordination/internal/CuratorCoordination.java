package io.citadel.coordination.internal;

import io.citadel.coordination.Coordination;
import io.citadel.coordination.CoordinationState;
import io.citadel.coordination.CoordinationStateListener;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.apache.curator.ensemble.fixed.FixedEnsembleProvider;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.StandardConnectionStateErrorPolicy;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link Coordination} backed by one Curator client, for the life of one configuration. */
public final class CuratorCoordination implements Coordination, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CuratorCoordination.class);

  private volatile CoordinationSettings settings;

  /** The servers the client connects to; changed in place when the ensemble's list changes. */
  private final FixedEnsembleProvider servers;

  private final CuratorFramework curator;
  private final List<CoordinationStateListener> listeners = new CopyOnWriteArrayList<>();
  private final BiConsumer<CuratorCoordination, CoordinationState> stateSink;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile CoordinationState state = CoordinationState.CONNECTING;
  private volatile Instant stateSince = Instant.now();

  /**
   * @param settings the validated configuration
   * @param stateSink told of every state change after the listeners, e.g. to update the service
   *     registration's properties
   */
  CuratorCoordination(
      CoordinationSettings settings, BiConsumer<CuratorCoordination, CoordinationState> stateSink) {
    this.settings = settings;
    // updateServerListEnabled: a new list is given to the live ZooKeeper handle (its
    // updateServerList), so the session goes on instead of being replaced
    this.servers = new FixedEnsembleProvider(settings.effectiveConnect(), true);
    this.stateSink = stateSink;
    this.curator =
        CuratorFrameworkFactory.builder()
            .ensembleProvider(servers)
            .sessionTimeoutMs(settings.sessionTimeoutMs())
            .connectionTimeoutMs(settings.connectionTimeoutMs())
            // Keep retrying a lost ensemble for as long as it takes, at most 5 s apart.
            .retryPolicy(new BoundedExponentialBackoffRetry(200, 5_000, 29))
            // SUSPENDED and LOST both end leadership in Curator's recipes: a node must not act
            // for the cluster while it cannot prove its session still exists.
            .connectionStateErrorPolicy(new StandardConnectionStateErrorPolicy())
            // The connect string is the operator's to set; never rewrite it from the ensemble.
            .ensembleTracker(false)
            .zookeeperFactory(new InspectableZooKeeper.Factory())
            .build();
    curator.getConnectionStateListenable().addListener(this::onConnectionState);
  }

  void start() {
    curator.start();
  }

  /**
   * Moves this session to another list of servers of the same ensemble (after a reconfig the
   * operator gives every node the new list): the ZooKeeper client rebalances its connection over
   * them and the session, with every ephemeral znode and watch on it, goes on.
   */
  void moveToServers(CoordinationSettings next) {
    settings = next;
    servers.setConnectionString(next.effectiveConnect());
  }

  private void onConnectionState(CuratorFramework client, ConnectionState newState) {
    CoordinationState next =
        switch (newState) {
          case CONNECTED -> CoordinationState.CONNECTED;
          case RECONNECTED -> CoordinationState.RECONNECTED;
          case LOST -> CoordinationState.LOST;
          // Read-only mode is never asked for; treat it as not connected.
          case SUSPENDED, READ_ONLY -> CoordinationState.SUSPENDED;
        };
    moveTo(next);
  }

  private void moveTo(CoordinationState next) {
    CoordinationState previous;
    synchronized (this) {
      if (state == next || state == CoordinationState.CLOSED) {
        return;
      }
      previous = state;
      state = next;
      stateSince = Instant.now();
      notifyAll();
    }
    // Listeners run outside the monitor: they may call back into this object or into the
    // component that owns it.
    if (next == CoordinationState.SUSPENDED || next == CoordinationState.LOST) {
      LOG.warn(
          "ZooKeeper session of cluster {} at {}: {} -> {}",
          clusterName(),
          connectString(),
          previous,
          next);
    } else {
      LOG.info(
          "ZooKeeper session of cluster {} at {}: {} -> {}",
          clusterName(),
          connectString(),
          previous,
          next);
    }
    for (CoordinationStateListener listener : listeners) {
      try {
        listener.stateChanged(this, next);
      } catch (RuntimeException e) {
        LOG.error("Coordination state listener {} failed on {}", listener, next, e);
      }
    }
    stateSink.accept(this, next);
  }

  @Override
  public CuratorFramework curator() {
    return curator;
  }

  @Override
  public String clusterName() {
    return settings.clusterName();
  }

  @Override
  public String connectString() {
    return settings.effectiveConnect();
  }

  @Override
  public boolean embeddedServer() {
    return settings.embedded();
  }

  @Override
  public CoordinationState state() {
    return state;
  }

  /** When the current state began. */
  public Instant stateSince() {
    return stateSince;
  }

  public CoordinationSettings settings() {
    return settings;
  }

  @Override
  public synchronized boolean awaitConnected(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!state.isConnected() && state != CoordinationState.CLOSED) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return state.isConnected();
  }

  @Override
  public String clusterPath(String... segments) {
    StringBuilder path = new StringBuilder(ROOT).append('/').append(clusterName());
    for (String segment : segments) {
      if (segment == null || segment.isEmpty() || segment.indexOf('/') >= 0) {
        throw new IllegalArgumentException("not a path segment: '" + segment + "'");
      }
      path.append('/').append(segment);
    }
    return path.toString();
  }

  @Override
  public void addStateListener(CoordinationStateListener listener) {
    listeners.add(listener);
  }

  @Override
  public void removeStateListener(CoordinationStateListener listener) {
    listeners.remove(listener);
  }

  /** The server the session is connected to, when connected. */
  public Optional<SocketAddress> connectedServer() {
    try {
      ZooKeeper zk = curator.getZookeeperClient().getZooKeeper();
      return zk instanceof InspectableZooKeeper inspectable
          ? inspectable.connectedServer()
          : Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** A live session: its id and the timeout the ensemble granted. */
  public record Session(long id, int timeoutMs) {}

  /** The session, when connected. */
  public Optional<Session> session() {
    try {
      ZooKeeper zk = curator.getZookeeperClient().getZooKeeper();
      return zk.getState().isConnected()
          ? Optional.of(new Session(zk.getSessionId(), zk.getSessionTimeout()))
          : Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    curator.close();
    moveTo(CoordinationState.CLOSED);
  }

  @Override
  public String toString() {
    return "Coordination[cluster="
        + clusterName()
        + ", connect="
        + connectString()
        + ", state="
        + state
        + "]";
  }
}
