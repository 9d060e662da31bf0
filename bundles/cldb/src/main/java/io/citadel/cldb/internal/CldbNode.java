package io.citadel.cldb.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.cldb.internal.model.CldbException;
import io.citadel.cldb.internal.model.ClusterModel;
import io.citadel.cldb.internal.model.Container;
import io.citadel.cldb.internal.model.Heartbeat;
import io.citadel.cldb.internal.model.HeartbeatReply;
import io.citadel.cldb.internal.model.Volume;
import io.citadel.coordination.Coordination;
import io.citadel.coordination.CoordinationState;
import io.citadel.coordination.CoordinationStateListener;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's CLDB: master when it holds {@code /citadel/<cluster>/masters/cldb}, a read-only slave
 * otherwise. One thread keeps the role: a slave races for the master znode whenever it is free and
 * reads the state again whenever the master wrote; the master ticks the model (availability,
 * alarms) and persists what changed, fenced by its epoch.
 */
public final class CldbNode implements AutoCloseable {

  public enum Role {
    STARTING,
    MASTER,
    SLAVE
  }

  /** What the master znode holds: who is master and where its API answers. */
  public record MasterInfo(String host, String address, long epoch) {}

  private static final Logger LOG = LoggerFactory.getLogger(CldbNode.class);
  private static final long STEP_MS = 250;

  private final CldbSettings settings;
  private final Coordination coordination;
  private final CoordinationStateListener stateListener = (source, state) -> onState(state);
  private final CuratorFramework curator;
  private final String masterPath;
  private final ClusterModel model;
  private final ZkCldbStore store;
  private final ObjectMapper json = new ObjectMapper();
  private final Thread thread;
  private final Object wake = new Object();
  private volatile boolean closed;
  private volatile Role role = Role.STARTING;
  private volatile MasterInfo master;
  private volatile String detail = "starting";
  private volatile boolean hasState;
  private int seenSerial = -2;

  /**
   * When the last ZooKeeper request that confirmed this CLDB's master znode was sent (monotonic):
   * the session lived then, so the ensemble cannot expire it, and no other CLDB can take over,
   * before a session timeout from then. The master answers as master only within half of that (its
   * lease), so a master paused (SIGSTOP, a long GC, a frozen VM) longer than that stops answering
   * as master the moment it runs again, before it has heard that its session ended.
   */
  private volatile long leaseFrom;

  private long lastReload = System.nanoTime() - RELOAD_EVERY_NS;
  private static final long RELOAD_EVERY_NS = 1_000_000_000L;

  CldbNode(CldbSettings settings, Coordination coordination) {
    this.settings = settings;
    this.coordination = coordination;
    this.curator = coordination.curator();
    this.masterPath = coordination.clusterPath("masters", "cldb");
    this.model = new ClusterModel(coordination.clusterName(), settings.diskFullPercent() / 100.0);
    this.store = new ZkCldbStore(curator, coordination.clusterPath("cldb"));
    this.thread = new Thread(this::run, "citadel-cldb");
    thread.setDaemon(true);
  }

  void start() {
    coordination.addStateListener(stateListener);
    thread.start();
  }

  /**
   * A master whose session is suspended stops acting as master at once, as Curator's recipes do:
   * the ensemble may already have expired the session and another CLDB may be taking over. Writes
   * are refused from now on; the loop claims the master znode again once the session is back (the
   * same session still holds it after a short suspension, and a new epoch is raised either way).
   */
  private void onState(CoordinationState state) {
    // On Curator's event thread, which tells the Warden too: no lock, no ZooKeeper call. Writes
    // are refused from here on (requireMaster checks the session); the loop finishes the step-down.
    if ((state == CoordinationState.SUSPENDED || state == CoordinationState.LOST)
        && role == Role.MASTER) {
      LOG.warn("CLDB on {}: no longer master: ZooKeeper session {}", settings.host(), state);
      role = Role.STARTING;
      detail = withoutSession(state);
    }
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  private static String withoutSession(CoordinationState state) {
    return "stepped down: the ZooKeeper session is "
        + state.name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * On the loop's thread: gives up mastership without asking ZooKeeper anything (it cannot answer;
   * the master znode goes with the session, or is claimed again by this same session once it is
   * back), including a takeover that finished as the session went. The next takeover reads the
   * state again, as after any step-down.
   */
  private void stepDownWithoutSession(CoordinationState state) {
    if (role == Role.MASTER) {
      LOG.warn("CLDB on {}: no longer master: ZooKeeper session {}", settings.host(), state);
      role = Role.STARTING;
      detail = withoutSession(state);
    }
    seenSerial = -2;
  }

  public ClusterModel model() {
    return model;
  }

  /**
   * This CLDB's role as it may answer it now: a master whose lease lapsed is not master (reads and
   * writes alike) until a ZooKeeper round trip confirms its master znode again.
   */
  public Role role() {
    Role r = role;
    return r == Role.MASTER && !leaseHeld() ? Role.STARTING : r;
  }

  private boolean leaseHeld() {
    return System.nanoTime() - leaseFrom < leaseNanos();
  }

  /** Half the session's negotiated timeout. */
  private long leaseNanos() {
    long sessionMs;
    try {
      sessionMs = curator.getZookeeperClient().getZooKeeper().getSessionTimeout();
    } catch (Exception e) {
      sessionMs = 0;
    }
    return sessionMs <= 0 ? 0 : sessionMs * 500_000L;
  }

  public MasterInfo master() {
    return master;
  }

  /**
   * Whether this CLDB has read the state at least once: then it answers reads, even between roles
   * (a master that just stepped down still holds a copy as fresh as a slave's).
   */
  public boolean hasState() {
    return hasState;
  }

  public String detail() {
    if (role == Role.MASTER && !leaseHeld()) {
      return "master lease lapsed: no ZooKeeper round trip confirmed the master znode for "
          + (System.nanoTime() - leaseFrom) / 1_000_000
          + " ms (lease "
          + leaseNanos() / 1_000_000
          + " ms, half the session timeout); not answering as master until one does";
    }
    return detail;
  }

  public String host() {
    return settings.host();
  }

  // ------------------------------------------------------------------------------ the loop

  private void run() {
    while (!closed) {
      try {
        step();
      } catch (ZkCldbStore.FencedException e) {
        stepDown(e.getMessage());
      } catch (InterruptedException e) {
        break;
      } catch (Exception e) {
        if (!closed) {
          detail = "ZooKeeper: " + e;
          LOG.warn("CLDB on {}: {}", settings.host(), e.toString());
          if (role == Role.MASTER) {
            stepDown("cannot reach ZooKeeper: " + e.getMessage());
          }
        }
      }
      synchronized (wake) {
        try {
          wake.wait(STEP_MS);
        } catch (InterruptedException e) {
          break;
        }
      }
    }
  }

  private long session() throws Exception {
    return curator.getZookeeperClient().getZooKeeper().getSessionId();
  }

  private void step() throws Exception {
    CoordinationState session = coordination.state();
    if (!session.isConnected()) {
      // suspended or lost: no mastership (a takeover that finished as the session went is
      // undone here), and no claim until the session is known again
      stepDownWithoutSession(session);
      return;
    }
    long sent = System.nanoTime();
    if (role == Role.MASTER) {
      Stat held = curator.checkExists().forPath(masterPath);
      if (held == null || held.getEphemeralOwner() != session()) {
        stepDown("the master znode is no longer this CLDB's (its ZooKeeper session ended)");
        return;
      }
      leaseFrom = sent;
      model.tick(System.currentTimeMillis());
      persist();
      return;
    }
    try {
      curator
          .create()
          .creatingParentContainersIfNeeded()
          .withMode(CreateMode.EPHEMERAL)
          .forPath(masterPath, json.writeValueAsBytes(new MasterInfo(settings.host(), "", 0)));
      leaseFrom = sent;
      becomeMaster();
      return;
    } catch (KeeperException.NodeExistsException taken) {
      // Taken, unless by this very session: a create sent as the connection dropped may have
      // succeeded before Curator retried it. Then the znode is ours and so is the mastership.
      Stat holder = curator.checkExists().forPath(masterPath);
      if (holder != null && holder.getEphemeralOwner() == session()) {
        leaseFrom = sent;
        becomeMaster();
        return;
      }
      // a slave, for now: be woken when the master goes
    }
    byte[] data;
    try {
      data =
          curator
              .getData()
              .usingWatcher(
                  (org.apache.zookeeper.Watcher)
                      event -> {
                        synchronized (wake) {
                          wake.notifyAll();
                        }
                      })
              .forPath(masterPath);
    } catch (KeeperException.NoNodeException gone) {
      return; // race again at once
    }
    master = parseMaster(data);
    int serial = store.serial(null);
    long now = System.nanoTime();
    // at most one full read a second: a busy master writes every few hundred milliseconds
    if (serial != seenSerial && now - lastReload >= RELOAD_EVERY_NS) {
      lastReload = now;
      ZkCldbStore.State s = store.read();
      model.load(s.volumes(), s.containers(), s.nextContainerId());
      model.loadNodes(s.nodes(), System.currentTimeMillis());
      seenSerial = s.serial();
      hasState = true;
    }
    if (role != Role.SLAVE) {
      LOG.info("CLDB on {}: read-only slave; the master is {}", settings.host(), master.host());
    }
    role = Role.SLAVE;
    detail = "slave of " + master.host() + " (epoch " + master.epoch() + ")";
  }

  private MasterInfo parseMaster(byte[] data) {
    try {
      return json.readValue(data, MasterInfo.class);
    } catch (Exception e) {
      return new MasterInfo(new String(data, StandardCharsets.UTF_8), "", 0);
    }
  }

  private synchronized void becomeMaster() throws Exception {
    long started = System.nanoTime();
    long epoch = store.takeOver();
    long now = System.currentTimeMillis();
    // a slave that read the latest serial already holds the state: no second read on takeover
    int serial = store.serial(null);
    if (serial != seenSerial) {
      ZkCldbStore.State s = store.read();
      model.load(s.volumes(), s.containers(), s.nextContainerId());
      model.loadNodes(s.nodes(), now);
      seenSerial = s.serial();
    } else {
      model.loadNodes(model.nodeRecords(), now);
    }
    model.masterChanged(settings.host(), Math.max(epoch, model.epoch() + 1), now);
    hasState = true;
    MasterInfo me = new MasterInfo(settings.host(), settings.apiAddress(), epoch);
    curator.setData().forPath(masterPath, json.writeValueAsBytes(me));
    master = me;
    role = Role.MASTER;
    detail = "master (epoch " + epoch + ")";
    LOG.info(
        "CLDB on {}: master at epoch {}, serving {} volumes and {} containers ({} ms)",
        settings.host(),
        epoch,
        model.volumes().size(),
        model.containers(null).size(),
        (System.nanoTime() - started) / 1_000_000);
  }

  private synchronized void stepDown(String why) {
    if (role == Role.MASTER) {
      LOG.warn("CLDB on {}: no longer master: {}", settings.host(), why);
    }
    role = Role.STARTING;
    detail = why;
    seenSerial = -2;
    releaseMasterZnode();
  }

  private void releaseMasterZnode() {
    if (!curator.getZookeeperClient().isConnected()) {
      // without a session each call waits out Curator's retries (a stop would wait minutes);
      // the ephemeral znode goes with the session anyway
      return;
    }
    try {
      Stat held = curator.checkExists().forPath(masterPath);
      if (held != null && held.getEphemeralOwner() == session()) {
        curator.delete().withVersion(held.getVersion()).forPath(masterPath);
      }
    } catch (Exception e) {
      // the session's end releases it anyway
    }
  }

  /** Writes what changed; a master that was fenced off steps down. */
  private synchronized void persist() throws Exception {
    store.writeChanged(model);
  }

  // ------------------------------------------------------------------------------ requests

  private void requireMaster() {
    if (role() != Role.MASTER || !coordination.state().isConnected()) {
      MasterInfo m = master;
      throw new CldbException(
          CldbException.NOT_MASTER,
          "this CLDB ("
              + settings.host()
              + ") is a read-only slave; send writes to the master"
              + (m == null ? "" : " " + m.host() + " at " + m.address()));
    }
  }

  /** Runs a change on the master and answers once it is in ZooKeeper. */
  private <T> T write(java.util.function.Supplier<T> change) {
    requireMaster();
    synchronized (this) {
      requireMaster();
      T result = change.get();
      try {
        persist();
      } catch (ZkCldbStore.FencedException e) {
        stepDown(e.getMessage());
        throw new CldbException(CldbException.NOT_MASTER, e.getMessage());
      } catch (Exception e) {
        throw new CldbException(
            "UNAVAILABLE", "the change could not be written to ZooKeeper: " + e.getMessage());
      }
      return result;
    }
  }

  public Volume createVolume(String name, long quota, int minReplicas, int desiredReplicas) {
    return write(
        () ->
            model.createVolume(
                name, quota, minReplicas, desiredReplicas, System.currentTimeMillis()));
  }

  public Volume setQuota(String name, long quota) {
    return write(() -> model.setQuota(name, quota));
  }

  Container createContainer(String volume, String table, int fragment, String node) {
    return write(() -> model.createContainer(volume, table, fragment, node));
  }

  /** One container to make: a fragment of a table, first held by a node. */
  public record ContainerSpec(String volume, String table, int fragment, String node) {}

  /** Makes many containers in one write; all or none. */
  java.util.List<Container> createContainers(java.util.List<ContainerSpec> specs) {
    return write(
        () -> {
          java.util.Set<String> volumes = new java.util.HashSet<>();
          model.volumes().forEach(v -> volumes.add(v.name()));
          for (ContainerSpec s : specs) {
            if (!volumes.contains(s.volume())) {
              throw new CldbException(CldbException.NOT_FOUND, "there is no volume " + s.volume());
            }
            if (s.table() == null || s.table().isBlank() || s.fragment() < 0) {
              throw new CldbException(
                  CldbException.INVALID, "a container needs a table and a fragment number >= 0");
            }
          }
          java.util.List<Container> made = new java.util.ArrayList<>();
          for (ContainerSpec s : specs) {
            made.add(model.createContainer(s.volume(), s.table(), s.fragment(), s.node()));
          }
          return made;
        });
  }

  boolean removeContainer(long id) {
    return write(() -> model.removeContainer(id));
  }

  HeartbeatReply heartbeat(Heartbeat hb) {
    requireMaster();
    return model.heartbeat(hb, System.currentTimeMillis());
  }

  /**
   * Sends a write to the master's API, from a slave: what a console command does when it runs on a
   * slave. Answers the master's JSON reply.
   */
  public String forwardToMaster(String method, String path, String jsonBody) {
    MasterInfo m = master;
    if (m == null || m.address().isEmpty()) {
      throw new CldbException(CldbException.NOT_MASTER, "no CLDB master is known yet");
    }
    try {
      java.net.http.HttpClient client =
          java.net.http.HttpClient.newBuilder()
              .connectTimeout(java.time.Duration.ofSeconds(5))
              .build();
      java.net.http.HttpRequest request =
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + m.address() + path))
              .timeout(java.time.Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(jsonBody))
              .build();
      java.net.http.HttpResponse<String> response =
          client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        com.fasterxml.jackson.databind.JsonNode e = json.readTree(response.body());
        throw new CldbException(
            e.path("error").asText("UNAVAILABLE"),
            e.path("message").asText(response.body()) + " (master " + m.host() + ")");
      }
      return response.body();
    } catch (java.io.IOException e) {
      throw new CldbException(
          "UNAVAILABLE", "the CLDB master " + m.host() + " at " + m.address() + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CldbException("UNAVAILABLE", "interrupted");
    }
  }

  public Map<String, Object> status() {
    MasterInfo m = master;
    return Map.of(
        "host",
        settings.host(),
        "role",
        role().name(),
        "detail",
        detail(),
        "master",
        m == null ? "" : m.host(),
        "masterAddress",
        m == null ? "" : m.address(),
        "epoch",
        m == null ? 0 : m.epoch());
  }

  @Override
  public void close() {
    closed = true;
    coordination.removeStateListener(stateListener);
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (role == Role.MASTER) {
      LOG.info("CLDB on {}: giving up mastership on stop", settings.host());
    }
    role = Role.STARTING;
    releaseMasterZnode();
  }
}
