package io.citadel.example.hoststats;

import io.citadel.coordination.Coordination;
import io.citadel.sdk.CitadelService;
import io.citadel.sdk.ServiceHealth;
import io.citadel.sdk.ServiceSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example service: every few seconds, samples the node and writes the sample into the ephemeral
 * znode {@code /citadel/<cluster>/nodes/<host>}, which disappears when the node's session ends and
 * comes back when it reconnects.
 */
@Component(
    service = CitadelService.class,
    property = CitadelService.SERVICE_NAME + "=" + HostStats.NAME,
    configurationPid = HostStats.PID,
    immediate = true)
@Designate(ocd = HostStatsConfig.class)
public final class HostStats implements CitadelService {

  static final String NAME = "hoststats";
  static final String PID = "io.citadel.hoststats";

  private static final Logger LOG = LoggerFactory.getLogger(HostStats.class);

  private final Coordination coordination;
  private final Path defaultDisk;
  private final ScheduledExecutorService sampler;
  private final PersistentNode node;
  private final String host;
  private ScheduledFuture<?> schedule;
  private int intervalSec;
  private Path disk;
  private volatile ServiceHealth health = ServiceHealth.starting("first sample pending");

  @Activate
  public HostStats(
      @Reference Coordination coordination,
      BundleContext context,
      Map<String, Object> configuration) {
    this.coordination = coordination;
    String data = context.getProperty("karaf.data");
    this.defaultDisk = Path.of(data == null ? "." : data);
    ServiceSettings settings = ServiceSettings.from(configuration, NAME);
    this.host = hostName(configuration);
    this.sampler =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "citadel-hoststats"));
    // The first sample is the node's initial data, so the znode is never seen empty.
    this.node =
        new PersistentNode(
            coordination.curator(),
            CreateMode.EPHEMERAL,
            false,
            coordination.clusterPath("nodes", host),
            firstSample(configuration));
    node.start();
    apply(configuration);
    LOG.info(
        "hoststats publishing {} every {} s (memory budget {})",
        coordination.clusterPath("nodes", host),
        intervalSec,
        settings.memoryBudgetMb().isPresent()
            ? settings.memoryBudgetMb().getAsLong() + " MiB"
            : "not set: running outside a Warden");
  }

  private byte[] firstSample(Map<String, Object> configuration) {
    String diskPath = text(configuration.get("disk.path"), "");
    try {
      byte[] json =
          HostSample.take(host, diskPath.isEmpty() ? defaultDisk : Path.of(diskPath))
              .toJson()
              .getBytes(StandardCharsets.UTF_8);
      health = ServiceHealth.running();
      return json;
    } catch (IOException | RuntimeException e) {
      LOG.warn("hoststats: first sample failed", e);
      health = ServiceHealth.failed("cannot sample: " + e.getMessage());
      return new byte[0];
    }
  }

  @Modified
  void modified(Map<String, Object> configuration) {
    apply(configuration);
  }

  private synchronized void apply(Map<String, Object> configuration) {
    int interval;
    try {
      interval = Integer.parseInt(text(configuration.get("sample.interval.sec"), "10"));
      if (interval < 1 || interval > 3600) {
        throw new NumberFormatException("outside 1-3600");
      }
    } catch (NumberFormatException e) {
      LOG.error(
          "{}: sample.interval.sec={} is not a number of seconds in 1-3600; keeping {} s",
          PID,
          configuration.get("sample.interval.sec"),
          intervalSec == 0 ? 10 : intervalSec);
      interval = intervalSec == 0 ? 10 : intervalSec;
    }
    String diskPath = text(configuration.get("disk.path"), "");
    disk = diskPath.isEmpty() ? defaultDisk : Path.of(diskPath);
    if (interval != intervalSec || schedule == null) {
      intervalSec = interval;
      if (schedule != null) {
        schedule.cancel(false);
      }
      schedule = sampler.scheduleWithFixedDelay(this::sample, interval, interval, TimeUnit.SECONDS);
    }
  }

  private void sample() {
    try {
      Path where;
      synchronized (this) {
        where = disk;
      }
      HostSample sample = HostSample.take(host, where);
      node.setData(sample.toJson().getBytes(StandardCharsets.UTF_8));
      health =
          coordination.state().isConnected()
              ? ServiceHealth.running()
              : ServiceHealth.degraded("ZooKeeper session " + coordination.state());
    } catch (IOException e) {
      health = ServiceHealth.failed("cannot read the disk: " + e.getMessage());
      LOG.warn("hoststats sample failed", e);
    } catch (Exception e) {
      health = ServiceHealth.degraded("cannot publish: " + e.getMessage());
      LOG.debug("hoststats publish failed", e);
    }
  }

  /**
   * Stops at once, whatever the session's state: closing the node deletes its znode, and while the
   * session is suspended that delete would wait for ZooKeeper, holding up the Warden, which stops
   * singletons exactly then. So the close runs beside, waited for a moment only; without a session
   * it finishes later, and the znode, ephemeral, goes with the session anyway.
   */
  @Deactivate
  void deactivate() throws InterruptedException {
    sampler.shutdownNow();
    Thread closer =
        new Thread(
            () -> {
              try {
                node.close();
              } catch (IOException e) {
                LOG.debug("closing the hoststats znode", e);
              }
            },
            "hoststats-close");
    closer.setDaemon(true);
    closer.start();
    closer.join(CLOSE_WAIT_MS);
  }

  private static final long CLOSE_WAIT_MS = 1_000;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ServiceHealth health() {
    return health;
  }

  /** host.name when set, else the node's name as the Warden gives it to every service. */
  private static String hostName(Map<String, Object> configuration) {
    String configured = text(configuration.get("host.name"), "");
    return configured.isEmpty() ? ServiceSettings.host(configuration) : configured;
  }

  private static String text(Object value, String fallback) {
    return value == null || value.toString().isBlank() ? fallback : value.toString().trim();
  }
}
