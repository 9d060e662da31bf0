package io.citadel.replication.internal;

import io.citadel.sdk.ConfigReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code etc/io.citadel.kafka.cfg} to the running broker of this node. The broker reads the
 * file at its start ({@code bin/citadel-kafka}); retention and segment size are dynamic broker
 * settings in Kafka, so a change of them is also set on the running broker, as cluster-wide
 * defaults, through the Admin API, and takes effect without a restart. A change of an address, a
 * port or the data folder needs the broker's restart, and says so. Nothing is set on a Kafka
 * cluster this node does not run ({@code ha-brokers} names another one).
 */
@Component(
    service = KafkaBrokerConfig.class,
    configurationPid = KafkaBrokerConfig.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true)
@Designate(ocd = KafkaConfig.class)
public final class KafkaBrokerConfig {
  static final String PID = "io.citadel.kafka";
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerConfig.class);
  private static final List<String> AT_START =
      List.of(
          "listen-address",
          "port",
          "controller-port",
          "data-dir",
          "node-id",
          "controller-quorum",
          "cluster-id",
          "advertised-address");
  private static final long RETRY_MS = 2_000;
  private static final int ATTEMPTS = 60;

  private final ReplicationService replication;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "citadel-kafka-config"));
  private final Map<String, String> atStart;
  private Map<String, String> wanted = Map.of();
  private Map<String, String> applied = Map.of();
  private ScheduledFuture<?> pending;

  @Activate
  public KafkaBrokerConfig(@Reference ReplicationService replication, Map<String, Object> config) {
    this.replication = replication;
    this.atStart = startKeys(config);
    configure(config);
  }

  @Modified
  void modified(Map<String, Object> config) {
    configure(config);
  }

  @Deactivate
  void deactivate() {
    thread.shutdownNow();
  }

  private synchronized void configure(Map<String, Object> config) {
    List<String> problems = new ArrayList<>();
    Map<String, String> next = dynamic(config, problems);
    for (String problem : problems) {
      LOG.error("{}: {}; the broker keeps the value in force", PID, problem);
    }
    Map<String, String> start = startKeys(config);
    if (!start.equals(atStart)) {
      LOG.warn(
          "{}: {} take effect when the broker restarts (warden:restart kafka); in force: {}",
          PID,
          start,
          atStart);
    }
    wanted = next;
    if (!wanted.equals(applied)) {
      if (pending != null) {
        pending.cancel(false);
      }
      pending = thread.schedule(() -> apply(1), 0, TimeUnit.MILLISECONDS);
    }
  }

  /** The broker's dynamic settings the configuration asks for, by Kafka's names. */
  static Map<String, String> dynamic(Map<String, ?> config, List<String> problems) {
    ConfigReader r = new ConfigReader(config, problems);
    Map<String, String> kafka = new LinkedHashMap<>();
    int hours = r.number("retention-hours", 168, -1, Integer.MAX_VALUE);
    kafka.put("log.retention.ms", Long.toString(hours < 0 ? -1 : hours * 3_600_000L));
    String bytes = r.text("retention-bytes", "-1");
    try {
      long b = Long.parseLong(bytes);
      kafka.put("log.retention.bytes", Long.toString(Math.max(-1, b)));
    } catch (NumberFormatException e) {
      problems.add("retention-bytes=" + bytes + ": must be a whole number, -1 for no limit");
      kafka.put("log.retention.bytes", "-1");
    }
    kafka.put(
        "log.segment.bytes",
        Integer.toString(r.number("segment-bytes", 1_073_741_824, 14, Integer.MAX_VALUE)));
    return kafka;
  }

  private static Map<String, String> startKeys(Map<String, ?> config) {
    Map<String, String> keys = new LinkedHashMap<>();
    for (String key : AT_START) {
      Object v = config.get(key);
      keys.put(key, v == null ? "" : v.toString().strip());
    }
    return keys;
  }

  private void apply(int attempt) {
    Map<String, String> target;
    synchronized (this) {
      target = wanted;
      if (target.equals(applied)) {
        return;
      }
    }
    ReplicationSettings s = replication.settings();
    String own = ReplicationService.localBrokers(replication.context());
    if (s != null && !Objects.equals(s.brokers(), own)) {
      // the replication settings and the broker's file may be changing at this moment (central
      // configuration installs both at once): look again before concluding
      if (attempt < ATTEMPTS) {
        synchronized (this) {
          pending = thread.schedule(() -> apply(attempt + 1), RETRY_MS, TimeUnit.MILLISECONDS);
        }
        return;
      }
      LOG.info("{}: ha-brokers names {}; this node runs no broker to configure", PID, s.brokers());
      return;
    }
    try (Admin admin = replication.adminClient(own)) {
      List<AlterConfigOp> ops = new ArrayList<>();
      target.forEach(
          (k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
      admin
          .incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.BROKER, ""), ops))
          .all()
          .get(30, TimeUnit.SECONDS);
      synchronized (this) {
        applied = target;
      }
      LOG.info("Kafka broker at {}: set {} on the running broker", own, target);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      if (attempt >= ATTEMPTS) {
        LOG.error("{}: could not set {} on the broker at {}: {}", PID, target, own, e.toString());
        return;
      }
      if (attempt == 1) {
        LOG.info(
            "{}: the broker at {} does not answer yet ({}); trying again", PID, own, e.toString());
      }
      synchronized (this) {
        pending = thread.schedule(() -> apply(attempt + 1), RETRY_MS, TimeUnit.MILLISECONDS);
      }
    }
  }
}
