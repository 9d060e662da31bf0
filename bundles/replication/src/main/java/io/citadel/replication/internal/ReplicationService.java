package io.citadel.replication.internal;

import io.citadel.coordination.Coordination;
import io.citadel.engine.api.Database;
import io.citadel.engine.api.WriteRouter;
import io.citadel.sdk.CitadelService;
import io.citadel.sdk.ServiceHealth;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code replication} service: this server's membership of an HA group ({@code ha-group-id}).
 * While the member is joined, it is registered as the engine's {@link WriteRouter}, so every
 * state-changing statement of this server's clients goes through the group's topic. A change of
 * configuration leaves the group and joins again with the new settings.
 */
@Component(
    service = {CitadelService.class, ReplicationService.class},
    property = CitadelService.SERVICE_NAME + "=" + ReplicationService.NAME,
    configurationPid = ReplicationService.PID,
    immediate = true)
@Designate(ocd = ReplicationConfig.class)
public final class ReplicationService implements CitadelService {
  static final String NAME = "replication";
  static final String PID = "io.citadel.replication";
  private static final Logger LOG = LoggerFactory.getLogger(ReplicationService.class);

  private final Database db;
  private final Coordination coordination;
  private final BundleContext context;
  private ReplicationSettings settings;
  private GroupMember member;
  private TopicWatch watch;
  private ServiceRegistration<WriteRouter> router;
  private volatile ServiceHealth health = ServiceHealth.starting("reading the configuration");

  @Activate
  public ReplicationService(
      @Reference Database db,
      @Reference Coordination coordination,
      BundleContext context,
      Map<String, Object> configuration) {
    this.db = db;
    this.coordination = coordination;
    this.context = context;
    configure(configuration);
  }

  @Modified
  synchronized void modified(Map<String, Object> configuration) {
    configure(configuration);
  }

  private synchronized void configure(Map<String, Object> configuration) {
    List<String> problems = ReplicationSettings.newProblems();
    ReplicationSettings next =
        ReplicationSettings.from(configuration, localBrokers(context), problems);
    if (!problems.isEmpty()) {
      for (String p : problems) {
        LOG.error("{}: {}", PID, p);
      }
      if (settings != null && member != null) {
        LOG.error("{}: keeping the membership in force ({})", PID, settings.group());
        return;
      }
      health = ServiceHealth.failed(String.join("; ", problems));
      return;
    }
    if (next.equals(settings)) {
      return;
    }
    leave();
    settings = next;
    if (!next.inGroup()) {
      if (!db.group().isEmpty()) {
        LOG.info(
            "Replication: this server leaves HA group {}; it now runs its writes alone",
            db.group());
        db.setGroup("");
      }
      health = ServiceHealth.running();
      LOG.info("Replication: no ha-group-id set; this server is in no HA group");
      return;
    }
    // the watch first: its admin client is the one part that may refuse the settings, and then
    // no member has been started that nobody would stop
    watch = new TopicWatch(next.group(), next.brokers(), next.kafkaTimeoutMs());
    member =
        new GroupMember(
            next, db, coordination, ReplicationSettings.hostName(configuration), this::ready);
    health = ServiceHealth.starting("joining HA group " + next.group());
    member.start();
    watch.start();
  }

  /** Called by the member once it applies the topic: from now on it takes this server's writes. */
  private synchronized void ready(GroupMember m) {
    if (m != member || router != null) {
      return;
    }
    Hashtable<String, Object> props = new Hashtable<>();
    props.put("ha.group.id", m.settings().group());
    props.put("ha.unique.server.id", m.settings().serverId());
    router = context.registerService(WriteRouter.class, m, props);
  }

  private synchronized void leave() {
    if (router != null) {
      try {
        router.unregister();
      } catch (IllegalStateException e) {
        // the bundle is stopping: already gone
      }
      router = null;
    }
    if (watch != null) {
      watch.close();
      watch = null;
    }
    if (member != null) {
      member.close();
      member = null;
    }
  }

  @Deactivate
  synchronized void deactivate() {
    leave();
    health = ServiceHealth.failed("stopped");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ServiceHealth health() {
    GroupMember m;
    synchronized (this) {
      m = member;
    }
    return m == null ? health : m.health();
  }

  /** The member, or null when this server is in no group. */
  public synchronized GroupMember member() {
    return member;
  }

  /**
   * The alarm raised on this server's group's topic (under-replicated or offline), in an operator's
   * words; "none" while it is fully replicated, null when this server is in no group.
   */
  public synchronized String topicAlarm() {
    if (watch == null) {
      return null;
    }
    TopicWatch.Alarm a = watch.alarm();
    return a == null ? "none" : a.toString();
  }

  public synchronized ReplicationSettings settings() {
    return settings;
  }

  public Coordination coordination() {
    return coordination;
  }

  BundleContext context() {
    return context;
  }

  /** Creates the topic of a new group; answers what was made. */
  public String createGroup(Admin admin, String group, int partitions, short replicationFactor) {
    return GroupTopics.create(admin, group, partitions, replicationFactor);
  }

  /**
   * The group's topic as the brokers place it: leader, replicas, those in sync, and whether it is
   * under-replicated or offline; a reason when the brokers cannot say (a short wait: the console
   * asks).
   */
  public String topicReplication(String group) {
    return askBrokers(admin -> GroupTopics.placement(admin, group, 5_000).describe());
  }

  /**
   * The Kafka cluster's controller quorum: its leader and voters (with how far each one's metadata
   * log reached), or why the brokers cannot say.
   */
  public String controllerQuorum() {
    return askBrokers(
        admin -> {
          var q =
              admin
                  .describeMetadataQuorum()
                  .quorumInfo()
                  .get(5_000, java.util.concurrent.TimeUnit.MILLISECONDS);
          StringBuilder voters = new StringBuilder();
          for (var v : q.voters()) {
            voters.append(voters.length() == 0 ? "" : ", ").append(v.replicaId());
            voters.append(" (offset ").append(v.logEndOffset()).append(')');
          }
          return "leader " + q.leaderId() + " (epoch " + q.leaderEpoch() + "), voters " + voters;
        });
  }

  /** One question to the group's brokers, from the console: a short wait, an answer in words. */
  private String askBrokers(BrokerQuestion question) {
    Admin admin = null;
    try {
      admin = adminClient(null);
      return question.ask(admin);
    } catch (java.util.concurrent.ExecutionException e) {
      return "unknown: " + e.getCause().getMessage();
    } catch (java.util.concurrent.TimeoutException e) {
      return "unknown: the brokers did not answer within 5 s";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown: interrupted";
    } catch (RuntimeException e) {
      return "unknown: " + e.getMessage();
    } finally {
      if (admin != null) {
        // do not wait on calls that already timed out: this is a console
        admin.close(java.time.Duration.ofSeconds(1));
      }
    }
  }

  @FunctionalInterface
  private interface BrokerQuestion {
    String ask(Admin admin)
        throws java.util.concurrent.ExecutionException,
            java.util.concurrent.TimeoutException,
            InterruptedException;
  }

  /** An admin client to the group's brokers (or those given). */
  public Admin adminClient(String brokers) {
    ReplicationSettings s = settings();
    String b = brokers != null ? brokers : s != null ? s.brokers() : localBrokers(context);
    return GroupTopics.admin(b, s == null ? 10_000 : s.kafkaTimeoutMs());
  }

  /**
   * The brokers of the Kafka cluster this node's own broker belongs to, from
   * etc/io.citadel.kafka.cfg: its {@code cluster-brokers} (every broker of a cluster of Citadel
   * nodes, so that a client starts while any one of them answers), else this node's broker
   * (listen-address, port).
   */
  static String localBrokers(BundleContext context) {
    String etc = context.getProperty("karaf.etc");
    Properties p = new Properties();
    if (etc != null) {
      Path cfg = Path.of(etc).resolve("io.citadel.kafka.cfg");
      if (Files.isRegularFile(cfg)) {
        try (InputStream in = Files.newInputStream(cfg)) {
          p.load(in);
        } catch (IOException e) {
          LOG.warn("cannot read {}: {}", cfg, e.toString());
        }
      }
    }
    String cluster = p.getProperty("cluster-brokers", "").strip();
    if (!cluster.isEmpty()) {
      return cluster;
    }
    return p.getProperty("listen-address", "127.0.0.1").strip()
        + ":"
        + p.getProperty("port", "9092").strip();
  }
}
