package io.citadel.loadbalancer.internal;

import io.netty.channel.Channel;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One server of the HA group as the balancer sees it: where its engine answers, whether it takes
 * work, and what it has done. A new server is down until {@code rise} checks in a row pass.
 */
public final class Backend {

  /** Whether a server takes new work. */
  public enum State {
    /** Passed its last {@code rise} checks. */
    UP,
    /** Failed {@code fall} checks or connections in a row, or never passed {@code rise} yet. */
    DOWN
  }

  private final String id;
  private volatile String pgAddress;
  private volatile String httpAddress;
  private volatile State state = State.DOWN;
  private volatile boolean draining;
  private volatile String lastError = "";
  private volatile long lastCheckMillis;
  private volatile long stateSinceMillis = System.currentTimeMillis();
  private volatile boolean gone;

  /** The member's state in its HA group ("" for a server named in the settings, which has none). */
  private volatile String groupState = "";

  private int passes;
  private int failures;

  final AtomicInteger sessions = new AtomicInteger();
  final AtomicInteger inFlight = new AtomicInteger();
  final LongAdder sessionsTotal = new LongAdder();
  final LongAdder requests = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder retriesFrom = new LongAdder();
  final Set<Channel> clientChannels = ConcurrentHashMap.newKeySet();
  private final long[] latencyMicros = new long[1024];
  private long latencies;

  Backend(String id, String pgAddress, String httpAddress) {
    this.id = id;
    this.pgAddress = pgAddress;
    this.httpAddress = httpAddress;
  }

  public String id() {
    return id;
  }

  public String pgAddress() {
    return pgAddress;
  }

  public String httpAddress() {
    return httpAddress;
  }

  void addresses(String pg, String http) {
    this.pgAddress = pg;
    this.httpAddress = http;
  }

  public State state() {
    return state;
  }

  public boolean draining() {
    return draining;
  }

  void draining(boolean d) {
    this.draining = d;
  }

  public String groupState() {
    return groupState;
  }

  void groupState(String s) {
    groupState = s;
  }

  /**
   * Ready for sessions: its replication applies the group's log (ONLINE). A member that is still
   * joining, catching up or cut off from Kafka answers its port but refuses writes; it gets
   * sessions only while no member is ready.
   */
  public boolean ready() {
    return groupState.isEmpty() || groupState.equals("ONLINE");
  }

  /** Takes new work: up, not draining, still a member. */
  public boolean eligible() {
    return state == State.UP && !draining && !gone;
  }

  void gone() {
    gone = true;
  }

  public boolean isGone() {
    return gone;
  }

  public String lastError() {
    return lastError;
  }

  public long lastCheckMillis() {
    return lastCheckMillis;
  }

  /** When the server last went up or down (or was first seen), epoch milliseconds. */
  public long stateSinceMillis() {
    return stateSinceMillis;
  }

  public int sessions() {
    return sessions.get();
  }

  public int inFlight() {
    return inFlight.get();
  }

  public long sessionsTotal() {
    return sessionsTotal.sum();
  }

  public long requests() {
    return requests.sum();
  }

  public long errors() {
    return errors.sum();
  }

  public long retriesFrom() {
    return retriesFrom.sum();
  }

  /** Open sessions and requests in flight: what least-connections compares. */
  int load() {
    return sessions.get() + inFlight.get();
  }

  /**
   * A health check or a connection succeeded.
   *
   * @return true when this made the server up
   */
  synchronized boolean passed(int rise) {
    lastCheckMillis = System.currentTimeMillis();
    failures = 0;
    if (state == State.UP) {
      return false;
    }
    if (++passes >= rise) {
      state = State.UP;
      stateSinceMillis = lastCheckMillis;
      passes = 0;
      lastError = "";
      return true;
    }
    return false;
  }

  /**
   * A health check or a connection failed.
   *
   * @return true when this took the server down
   */
  synchronized boolean failed(int fall, String error) {
    lastCheckMillis = System.currentTimeMillis();
    lastError = error;
    passes = 0;
    if (state == State.DOWN) {
      return false;
    }
    if (++failures >= fall) {
      state = State.DOWN;
      stateSinceMillis = lastCheckMillis;
      failures = 0;
      return true;
    }
    return false;
  }

  synchronized void latency(long micros) {
    latencyMicros[(int) (latencies++ % latencyMicros.length)] = micros;
  }

  /** The p-th percentile (0-100) of the last 1024 requests' latencies in microseconds, or -1. */
  public synchronized long latencyPercentile(double p) {
    int n = (int) Math.min(latencies, latencyMicros.length);
    if (n == 0) {
      return -1;
    }
    long[] sorted = Arrays.copyOf(latencyMicros, n);
    Arrays.sort(sorted);
    return sorted[
        (int) Math.min(n - 1, Math.ceil(p / 100 * n) - 1 < 0 ? 0 : Math.ceil(p / 100 * n) - 1)];
  }

  /** Closes every client session proxied to this server, so clients reconnect elsewhere. */
  int closeSessions() {
    int n = 0;
    for (Channel c : clientChannels) {
      c.close();
      n++;
    }
    return n;
  }

  @Override
  public String toString() {
    return id + " (" + pgAddress + ")";
  }
}
