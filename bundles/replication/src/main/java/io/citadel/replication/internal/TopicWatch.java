package io.citadel.replication.internal;

import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches where the brokers keep the group's topic and raises an alarm while its one partition is
 * under-replicated (a replica fell out of sync: the log has fewer copies than it was made with) or
 * offline (no replica leads: no write can be taken). The alarm stays raised until the condition
 * ends, is logged once when raised, again when its description changes and when it clears, and is
 * shown by {@code ha:status} and {@code ha:members}.
 *
 * <p>One admin client lives as long as the watch; a check that cannot reach the brokers keeps the
 * alarm as it was and says so: the member's own health already reports a log it cannot reach.
 */
final class TopicWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicWatch.class);
  static final long INTERVAL_MS = 5_000;

  /** The alarm types, as an operator greps for them. */
  enum Type {
    HA_TOPIC_UNDER_REPLICATED,
    HA_TOPIC_OFFLINE
  }

  /** A raised alarm: what, since when, and the topic's state in words. */
  record Alarm(Type type, String group, Instant raised, String description) {
    @Override
    public String toString() {
      return type + " since " + raised + ": " + description;
    }
  }

  private final String group;
  private final Admin admin;
  private final ScheduledExecutorService timer;
  private volatile Alarm alarm;
  private volatile String placement = "not checked yet";

  TopicWatch(String group, String brokers, int timeoutMs) {
    this.group = group;
    this.admin = GroupTopics.admin(brokers, timeoutMs);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "citadel-ha-topic-watch-" + group);
              t.setDaemon(true);
              return t;
            });
  }

  void start() {
    timer.scheduleWithFixedDelay(this::check, 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
  }

  /** The raised alarm, or null while the topic is fully replicated. */
  Alarm alarm() {
    return alarm;
  }

  /** The topic's placement as the last check saw it, in an operator's words. */
  String placement() {
    return placement;
  }

  private void check() {
    GroupTopics.Placement p;
    try {
      p = GroupTopics.placement(admin, group, (int) INTERVAL_MS);
    } catch (ExecutionException e) {
      placement = "unknown: " + e.getCause().getMessage();
      return;
    } catch (TimeoutException e) {
      placement = "unknown: the brokers did not answer within " + INTERVAL_MS / 1000 + " s";
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (RuntimeException e) {
      placement = "unknown: " + e.getMessage();
      return;
    }
    placement = p.describe();
    observe(
        p.offline()
            ? Type.HA_TOPIC_OFFLINE
            : p.underReplicated() ? Type.HA_TOPIC_UNDER_REPLICATED : null,
        p.describe());
  }

  /** Raises, updates or clears the alarm for what a check found ({@code type} null: all well). */
  void observe(Type type, String description) {
    Alarm was = alarm;
    if (type == null) {
      if (was != null) {
        alarm = null;
        LOG.info("HA group {}: alarm {} cleared: the topic is {}", group, was.type(), description);
      }
      return;
    }
    if (was == null || was.type() != type) {
      alarm = new Alarm(type, group, Instant.now(), description);
      LOG.warn("HA group {}: alarm {} raised: {}", group, type, description);
    } else if (!was.description().equals(description)) {
      alarm = new Alarm(type, group, was.raised(), description);
      LOG.warn("HA group {}: alarm {} still raised: {}", group, type, description);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    admin.close(java.time.Duration.ofSeconds(1));
  }
}
