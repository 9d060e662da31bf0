package io.citadel.cldb.internal;

import io.citadel.coordination.Coordination;
import io.citadel.sdk.CitadelService;
import io.citadel.sdk.ServiceHealth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code cldb} service: this node's CLDB and its HTTP/JSON API. It runs on every node with the
 * role; the one holding {@code /citadel/<cluster>/masters/cldb} is master. A change of settings
 * restarts both on the new ones.
 */
@Component(
    service = {CitadelService.class, CldbService.class},
    property = CitadelService.SERVICE_NAME + "=" + CldbService.NAME,
    configurationPid = CldbService.PID,
    immediate = true)
@Designate(ocd = CldbConfig.class)
public final class CldbService implements CitadelService {
  static final String NAME = "cldb";
  static final String PID = "io.citadel.cldb";
  private static final Logger LOG = LoggerFactory.getLogger(CldbService.class);

  private final Coordination coordination;
  private CldbSettings settings;
  private CldbNode node;
  private CldbHttpApi api;
  private volatile ServiceHealth health = ServiceHealth.starting("reading the configuration");

  @Activate
  public CldbService(@Reference Coordination coordination, Map<String, Object> configuration) {
    this.coordination = coordination;
    configure(configuration);
  }

  @Modified
  synchronized void modified(Map<String, Object> configuration) {
    configure(configuration);
  }

  private synchronized void configure(Map<String, Object> configuration) {
    List<String> problems = new ArrayList<>();
    CldbSettings next = CldbSettings.from(configuration, problems);
    for (String p : problems) {
      LOG.error("{}: {}; using the default", PID, p);
    }
    if (next.equals(settings)) {
      return;
    }
    stop();
    settings = next;
    node = new CldbNode(next, coordination);
    try {
      api = new CldbHttpApi(node, next.listenAddress(), next.port());
    } catch (Exception e) {
      health =
          ServiceHealth.failed(
              "the CLDB API cannot listen on " + next.apiAddress() + ": " + e.getMessage());
      LOG.error("CLDB: {}", health.detail());
      node = null;
      return;
    }
    node.start();
    health = ServiceHealth.running();
    LOG.info("CLDB on {}: API on http://{}/v1", next.host(), next.apiAddress());
  }

  private void stop() {
    if (api != null) {
      api.close();
      api = null;
    }
    if (node != null) {
      node.close();
      node = null;
    }
  }

  @Deactivate
  synchronized void deactivate() {
    stop();
    health = ServiceHealth.failed("stopped");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ServiceHealth health() {
    CldbNode n;
    synchronized (this) {
      n = node;
    }
    if (n == null) {
      return health;
    }
    if (n.role() == CldbNode.Role.STARTING && !coordination.state().isConnected()) {
      // no quorum: neither master nor slave until the session is back, and a restart would not
      // bring it back sooner; still answering reads from the state it last read
      return ServiceHealth.degraded(
          "ZooKeeper session "
              + coordination.state().name().toLowerCase(java.util.Locale.ROOT)
              + ": no master here until it is back"
              + (n.hasState() ? " (lookups answered from the last state read)" : ""));
    }
    return switch (n.role()) {
      case MASTER, SLAVE -> ServiceHealth.running();
      case STARTING -> ServiceHealth.starting(n.detail());
    };
  }

  /** This node's CLDB, or null when it is not running. */
  synchronized CldbNode node() {
    return node;
  }

  /** This node's CLDB, for the console; fails with a clear message when it is not running. */
  public CldbNode requireNode() {
    CldbNode n = node();
    if (n == null) {
      throw new IllegalStateException("The CLDB is not running on this node: " + health.detail());
    }
    return n;
  }
}
