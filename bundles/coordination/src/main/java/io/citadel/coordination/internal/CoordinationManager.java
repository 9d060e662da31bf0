package io.citadel.coordination.internal;

import io.citadel.coordination.Coordination;
import io.citadel.coordination.CoordinationState;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the node's ZooKeeper client (and the embedded server when there is one) for PID {@code
 * io.citadel.coordination}, and registers the {@link Coordination} service for it.
 *
 * <p>Every configuration is validated before anything is touched. A rejected one is logged with its
 * key and value and shown by {@code zk:stat}; the configuration in force stays. A valid one that
 * changes the connection replaces the client: the old {@link Coordination} registration goes, a new
 * one comes, so consumers rebind to the new session.
 *
 * <p>The last configuration that applied is saved in the bundle's data area. When the node starts
 * with a configuration that cannot be used, it runs on that saved one and says so, rather than
 * leaving the node without coordination because of one mistyped value.
 */
// The Coordination service is registered by code, not by DS, so the bundle must say in its
// manifest that it provides it: the resolver checks DS consumers' service requirements.
@Capability(
    namespace = "osgi.service",
    attribute = "objectClass:List<String>=\"io.citadel.coordination.Coordination\"",
    uses = Coordination.class)
@Component(
    service = CoordinationRuntime.class,
    configurationPid = CoordinationSettings.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL,
    immediate = true)
@Designate(ocd = CoordinationConfig.class)
public final class CoordinationManager implements CoordinationRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(CoordinationManager.class);

  private static final String LAST_GOOD = "last-good.properties";

  private final BundleContext bundleContext;
  private final Path defaultDataDir;

  // Written with this locked; the volatile ones are also read by the Curator event thread,
  // which must never wait for this lock (it may be held while that client closes).
  private CoordinationSettings active;
  private EmbeddedZooKeeper embedded;
  private EnsemblePeer peer;
  private volatile CuratorCoordination coordination;
  private volatile ServiceRegistration<Coordination> registration;

  private volatile Problem lastProblem;

  @Activate
  public CoordinationManager(BundleContext bundleContext, Map<String, Object> properties) {
    this.bundleContext = bundleContext;
    String karafData = bundleContext.getProperty("karaf.data");
    this.defaultDataDir = karafData == null ? null : Path.of(karafData, "zookeeper");
    configure(properties);
  }

  @Modified
  void modified(Map<String, Object> properties) {
    configure(properties);
  }

  @Deactivate
  synchronized void deactivate() {
    stopCurrent(true);
    active = null;
  }

  private void configure(Map<String, Object> properties) {
    Set<String> unknown = CoordinationSettings.unknownKeys(properties);
    if (!unknown.isEmpty()) {
      LOG.warn("{}: ignoring unknown keys {} (misspelt?)", CoordinationSettings.PID, unknown);
    }
    CoordinationSettings next;
    try {
      next = CoordinationSettings.parse(properties, defaultDataDir);
    } catch (InvalidSettingException e) {
      reject(e.key(), e.value(), e.getMessage());
      startOnLastGood(e);
      return;
    }
    synchronized (this) {
      if (next.equals(active)) {
        lastProblem = null;
        return;
      }
      CoordinationSettings previous = active;
      try {
        apply(next);
        lastProblem = null;
        saveLastGood(next);
      } catch (IOException e) {
        reject("", "", "could not apply the configuration: " + e.getMessage());
        if (previous != null) {
          restore(previous);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        reject("", "", "interrupted while applying the configuration");
      }
    }
  }

  private void reject(String key, String value, String message) {
    lastProblem = new Problem(key, value, message, Instant.now());
    CoordinationSettings inForce;
    synchronized (this) {
      inForce = active;
    }
    if (inForce == null) {
      LOG.error(
          "{}: {}. Coordination stays down until the configuration is fixed.",
          CoordinationSettings.PID,
          message);
    } else {
      LOG.error(
          "{}: {}. Keeping the configuration in force (connect={}, session.timeout.ms={},"
              + " cluster.name={}).",
          CoordinationSettings.PID,
          message,
          inForce.effectiveConnect(),
          inForce.sessionTimeoutMs(),
          inForce.clusterName());
    }
  }

  /** At start, with an unusable configuration: run on the one that last applied, if any. */
  private synchronized void startOnLastGood(InvalidSettingException problem) {
    if (active != null) {
      return;
    }
    File file = bundleContext.getDataFile(LAST_GOOD);
    if (file == null || !file.isFile()) {
      return;
    }
    Properties saved = new Properties();
    try (InputStream in = Files.newInputStream(file.toPath())) {
      saved.load(in);
      @SuppressWarnings({"unchecked", "rawtypes"})
      Map<String, ?> map = (Map) saved;
      apply(CoordinationSettings.parse(map, defaultDataDir));
      lastProblem =
          new Problem(
              problem.key(),
              problem.value(),
              problem.getMessage()
                  + "; running on the last good configuration, saved "
                  + Files.getLastModifiedTime(file.toPath()),
              Instant.now());
      LOG.warn(
          "{}: running on the last configuration that applied ({}) until {} is fixed",
          CoordinationSettings.PID,
          file,
          problem.key());
    } catch (IOException | InvalidSettingException e) {
      LOG.error("{}: cannot use the saved configuration {}", CoordinationSettings.PID, file, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void saveLastGood(CoordinationSettings settings) {
    File file = bundleContext.getDataFile(LAST_GOOD);
    if (file == null) {
      return;
    }
    Properties properties = new Properties();
    properties.putAll(settings.toProperties());
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      properties.store(out, "The last " + CoordinationSettings.PID + " configuration that applied");
      io.citadel.sdk.DurableFiles.replace(file.toPath(), out.toByteArray());
    } catch (IOException e) {
      LOG.warn(
          "{}: cannot save the configuration in force to {}", CoordinationSettings.PID, file, e);
    }
  }

  private void restore(CoordinationSettings previous) {
    try {
      apply(previous);
      LOG.info("{}: restored the previous configuration", CoordinationSettings.PID);
    } catch (IOException e) {
      LOG.error("{}: could not restore the previous configuration", CoordinationSettings.PID, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // Called with this locked.
  private void apply(CoordinationSettings next) throws IOException, InterruptedException {
    boolean serverChanges = active == null || active.embeddedServerDiffers(next);
    if (serverChanges
        && active != null
        && peer != null
        && peer.formed()
        && coordination != null
        && active.onlyTheEnsembleDiffers(next)
        && active.sameClientAs(next)) {
      // Once formed, the ensemble's membership is ZooKeeper's (changed by reconfig); a new
      // description, as central configuration brings one to every node at once, must neither
      // restart every peer together nor give every node a new session at once: the peer goes on,
      // and the session moves to the new list of servers.
      LOG.warn(
          "{}: ensemble.servers changed to {}; this node's peer keeps ZooKeeper's own membership"
              + " (zk:reconfig changes that), and its session moves to the new servers",
          CoordinationSettings.PID,
          next.ensemble());
      coordination.moveToServers(next);
      active = next;
      if (registration != null) {
        registration.setProperties(serviceProperties(coordination));
      }
      return;
    }
    if (!serverChanges) {
      replaceClient(next);
      return;
    }
    stopCurrent(true);
    active = null;
    if (next.embedded() && embedded == null) {
      EmbeddedZooKeeper server =
          new EmbeddedZooKeeper(next.embeddedHost(), next.embeddedPort(), next.embeddedDataDir());
      server.start();
      embedded = server;
    }
    if (next.runsPeer() && peer == null) {
      EnsemblePeer started =
          new EnsemblePeer(next.ensemble(), next.ensembleId(), next.embeddedDataDir());
      started.start();
      peer = started;
    }
    CuratorCoordination created = new CuratorCoordination(next, this::publishState);
    coordination = created;
    registration =
        bundleContext.registerService(Coordination.class, created, serviceProperties(created));
    created.start();
    active = next;
    LOG.info(
        "Coordination for cluster {} connecting to {}{}",
        next.clusterName(),
        next.effectiveConnect(),
        next.embedded()
            ? " (embedded server)"
            : next.runsPeer() ? " (this node is server " + next.ensembleId() + ")" : "");
  }

  /**
   * A new session on the same server (a new connect string, session or connection timeout): the new
   * client is registered before the old one is withdrawn, so a component that binds Coordination
   * dynamically (the Warden) moves to the new one without being stopped, and one that binds it
   * statically is reactivated by DS with its bundle left running.
   */
  // Called with this locked.
  private void replaceClient(CoordinationSettings next) {
    ServiceRegistration<Coordination> oldRegistration = registration;
    CuratorCoordination old = coordination;
    CuratorCoordination created = new CuratorCoordination(next, this::publishState);
    coordination = created;
    created.start();
    registration =
        bundleContext.registerService(Coordination.class, created, serviceProperties(created));
    active = next;
    if (oldRegistration != null) {
      try {
        oldRegistration.unregister();
      } catch (IllegalStateException alreadyGone) {
        // The framework unregisters everything when the bundle stops.
      }
    }
    if (old != null) {
      old.close();
    }
    LOG.info(
        "Coordination for cluster {} moved to a new session on {}",
        next.clusterName(),
        next.effectiveConnect());
  }

  // Called with this locked.
  private void stopCurrent(boolean stopServer) {
    if (registration != null) {
      try {
        registration.unregister();
      } catch (IllegalStateException alreadyGone) {
        // The framework unregisters everything when the bundle stops.
      }
      registration = null;
    }
    if (coordination != null) {
      coordination.close();
      coordination = null;
    }
    if (stopServer && embedded != null) {
      try {
        embedded.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      embedded = null;
    }
    if (stopServer && peer != null) {
      try {
        peer.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      peer = null;
    }
  }

  private void publishState(CuratorCoordination source, CoordinationState state) {
    ServiceRegistration<Coordination> current = registration;
    if (current == null || source != coordination || state == CoordinationState.CLOSED) {
      return;
    }
    try {
      current.setProperties(serviceProperties(source));
    } catch (IllegalStateException unregistered) {
      // Replaced or stopping: the new registration carries its own state.
    }
  }

  private static Dictionary<String, Object> serviceProperties(CuratorCoordination coordination) {
    Dictionary<String, Object> properties = new Hashtable<>();
    properties.put(Coordination.PROPERTY_CLUSTER_NAME, coordination.clusterName());
    properties.put(Coordination.PROPERTY_CONNECT, coordination.connectString());
    properties.put(Coordination.PROPERTY_EMBEDDED, coordination.embeddedServer());
    properties.put(Coordination.PROPERTY_STATE, coordination.state().name());
    return properties;
  }

  @Override
  public synchronized Optional<CoordinationSettings> settings() {
    return Optional.ofNullable(active);
  }

  @Override
  public Optional<CuratorCoordination> coordination() {
    return Optional.ofNullable(coordination);
  }

  @Override
  public synchronized Optional<String> embeddedServer() {
    return embedded == null
        ? Optional.empty()
        : Optional.of(embedded.describe() + " data " + embedded.dataDir());
  }

  @Override
  public synchronized Optional<PeerView> peer() {
    EnsemblePeer p = peer;
    return p == null ? Optional.empty() : Optional.of(new PeerView(p.id(), p.role()));
  }

  @Override
  public Ensemble reconfigure(List<String> joining, List<Long> leaving) throws Exception {
    EnsemblePeer p;
    synchronized (this) {
      p = peer;
    }
    if (p == null) {
      throw new IllegalStateException(
          "this node runs no server of the ensemble: run zk:reconfig on a node that does");
    }
    List<String> lines = new ArrayList<>();
    for (String server : joining) {
      lines.add(Ensemble.server(server.strip()).zooKeeperLine());
    }
    List<String> ids = leaving.stream().map(String::valueOf).toList();
    Ensemble after = Ensemble.fromZooKeeperConfig(p.reconfigure(lines, ids, RECONFIG_TIMEOUT));
    LOG.info(
        "ZooKeeper ensemble reconfigured through peer {}: now {} (joining {}, leaving {})",
        p.id(),
        after,
        joining,
        leaving);
    return after;
  }

  private static final java.time.Duration RECONFIG_TIMEOUT = java.time.Duration.ofSeconds(30);

  @Override
  public Optional<Ensemble> membership() {
    CuratorCoordination c = coordination;
    CoordinationSettings s = active;
    if (c == null || s == null || s.ensemble().isEmpty() || !c.state().isConnected()) {
      return Optional.empty();
    }
    try {
      byte[] config = c.curator().getConfig().forEnsemble();
      Ensemble e = Ensemble.fromZooKeeperConfig(new String(config, StandardCharsets.UTF_8));
      return e.isEmpty() ? Optional.empty() : Optional.of(e);
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<Problem> lastProblem() {
    return Optional.ofNullable(lastProblem);
  }
}
