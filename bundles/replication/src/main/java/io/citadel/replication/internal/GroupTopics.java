package io.citadel.replication.internal;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka side of an HA group: clients built with this bundle's class loader as the context
 * loader (kafka-clients loads its plugins through it), and the group topic's checks.
 */
final class GroupTopics {
  private GroupTopics() {}

  /** Runs {@code f} with this bundle's loader as the thread's context class loader. */
  static <T> T withOwnLoader(Supplier<T> f) {
    Thread t = Thread.currentThread();
    ClassLoader before = t.getContextClassLoader();
    t.setContextClassLoader(GroupTopics.class.getClassLoader());
    try {
      return f.get();
    } finally {
      t.setContextClassLoader(before);
    }
  }

  static Admin admin(String brokers, int timeoutMs) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "citadel-ha-admin");
    return withOwnLoader(() -> Admin.create(p));
  }

  /**
   * The largest statement record a group's log takes (the statement, its user and clock); the
   * topic's {@code max.message.bytes} leaves room for the headers and the batch around it.
   */
  static final int MAX_RECORD_BYTES = 16 << 20;

  /**
   * The writer's producer: idempotent, every in-sync replica acknowledges, bounded waits so that a
   * lost Kafka refuses writes rather than hanging them.
   */
  static KafkaProducer<byte[], byte[]> producer(
      String brokers, String serverId, int timeoutMs, int writeTimeoutMs) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "citadel-ha-" + serverId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
    // one produce request may take half the Kafka timeout (and no more than the whole write, as
    // the producer requires); the write as a whole, retries included, gets its own bound
    p.put(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
        Math.min(writeTimeoutMs, Math.max(500, timeoutMs / 2)));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, writeTimeoutMs);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_RECORD_BYTES + (64 << 10));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return withOwnLoader(() -> new KafkaProducer<>(p));
  }

  /** The applier's consumer: assigned, never in a consumer group; offsets live in the database. */
  static KafkaConsumer<byte[], byte[]> consumer(String brokers, String serverId, int timeoutMs) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "citadel-ha-apply-" + serverId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    // a group's topic is made on purpose (ha:create-group), never by a reader asking for it: on
    // an external cluster that auto-creates topics, a deleted one would come back empty
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1000, timeoutMs));
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Math.max(1000, timeoutMs));
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return withOwnLoader(() -> new KafkaConsumer<>(p));
  }

  /**
   * Checks that the group's topic exists with one partition; answers the id Kafka gave it when it
   * was made.
   *
   * @throws GroupException naming the topic and what to do
   */
  static String check(Admin admin, String group, String brokers, int timeoutMs) {
    TopicDescription d;
    try {
      d =
          admin
              .describeTopics(List.of(group))
              .allTopicNames()
              .get(timeoutMs, TimeUnit.MILLISECONDS)
              .get(group);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new NoTopicException(
            "the HA group's topic \""
                + group
                + "\" does not exist on the brokers "
                + brokers
                + ": create it first with ha:create-group "
                + group);
      }
      throw new GroupException(
          "cannot describe the HA group's topic \""
              + group
              + "\" on "
              + brokers
              + ": "
              + e.getCause().getMessage());
    } catch (TimeoutException e) {
      throw new GroupException(
          "the HA group's Kafka brokers "
              + brokers
              + " did not answer within "
              + timeoutMs
              + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GroupException("interrupted while describing the topic \"" + group + "\"");
    }
    if (d.partitions().size() != 1) {
      throw new GroupException(
          "the HA group's topic \""
              + group
              + "\" has "
              + d.partitions().size()
              + " partitions; a group needs one total order of its updates, so its topic must"
              + " have exactly one");
    }
    return d.topicId().toString();
  }

  /** The replication factor a group's topic gets unless told: three copies, or every broker. */
  static final int DEFAULT_REPLICAS = 3;

  /**
   * Creates the topic of a new group; answers what was made.
   *
   * @param replicationFactor copies of the topic, 0 for min(3, the brokers of the cluster)
   */
  static String create(Admin admin, String group, int partitions, short replicationFactor) {
    if (replicationFactor <= 0) {
      try {
        int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
        replicationFactor = (short) Math.max(1, Math.min(DEFAULT_REPLICAS, brokers));
      } catch (ExecutionException | TimeoutException e) {
        throw new GroupException("cannot count the cluster's brokers: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GroupException("interrupted while counting the cluster's brokers");
      }
    }
    if (partitions != 1) {
      throw new GroupException(
          "an HA group's topic must have exactly one partition (all its members apply one total"
              + " order of updates); --partitions "
              + partitions
              + " is refused");
    }
    NewTopic topic =
        new NewTopic(group, partitions, replicationFactor)
            .configs(
                Map.of(
                    "min.insync.replicas",
                    Integer.toString(Math.max(1, replicationFactor - 1)),
                    "unclean.leader.election.enable",
                    "false",
                    // Kafka's default is 1 MiB: a 30,000-row INSERT is more
                    "max.message.bytes",
                    Integer.toString(MAX_RECORD_BYTES + (64 << 10))));
    try {
      admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
      return "created the HA group's topic \""
          + group
          + "\": "
          + partitions
          + " partition, replication factor "
          + replicationFactor
          + ", min.insync.replicas "
          + Math.max(1, replicationFactor - 1);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        throw new GroupException("the topic \"" + group + "\" exists already");
      }
      throw new GroupException(
          "cannot create the topic \"" + group + "\": " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      throw new GroupException("the brokers did not create \"" + group + "\" within 30 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GroupException("interrupted while creating \"" + group + "\"");
    }
  }

  /**
   * Where the group's one partition lives: its leader (-1 when it has none: offline), its replicas
   * and those in sync, and the topic's {@code min.insync.replicas}.
   */
  record Placement(int leader, List<Integer> replicas, List<Integer> inSync, int minInSync) {
    boolean offline() {
      return leader < 0;
    }

    boolean underReplicated() {
      return inSync.size() < replicas.size();
    }

    /** Whether a write with acks=all can be acknowledged now. */
    boolean writable() {
      return !offline() && inSync.size() >= minInSync;
    }

    /** The state in an operator's words. */
    String describe() {
      String where = "leader " + (offline() ? "none" : leader) + ", replicas " + replicas;
      if (offline()) {
        return "OFFLINE: no replica leads (" + where + ")";
      }
      if (underReplicated()) {
        return "UNDER-REPLICATED: "
            + inSync
            + " of "
            + replicas
            + " in sync, min.insync.replicas "
            + minInSync
            + (writable() ? "" : ": writes are refused until enough replicas catch up")
            + " ("
            + where
            + ")";
      }
      return "in sync " + inSync + " (" + where + ", min.insync.replicas " + minInSync + ")";
    }
  }

  /** The group's partition as the cluster's controller sees it now. */
  static Placement placement(Admin admin, String group, int timeoutMs)
      throws ExecutionException, TimeoutException, InterruptedException {
    TopicDescription d =
        admin
            .describeTopics(List.of(group))
            .allTopicNames()
            .get(timeoutMs, TimeUnit.MILLISECONDS)
            .get(group);
    var p = d.partitions().get(0);
    org.apache.kafka.common.config.ConfigResource topic =
        new org.apache.kafka.common.config.ConfigResource(
            org.apache.kafka.common.config.ConfigResource.Type.TOPIC, group);
    var entry =
        admin
            .describeConfigs(List.of(topic))
            .all()
            .get(timeoutMs, TimeUnit.MILLISECONDS)
            .get(topic)
            .get("min.insync.replicas");
    int minIsr = entry == null || entry.value() == null ? 1 : Integer.parseInt(entry.value());
    return new Placement(
        p.leader() == null || p.leader().isEmpty() ? -1 : p.leader().id(),
        p.replicas().stream().map(org.apache.kafka.common.Node::id).sorted().toList(),
        p.isr().stream().map(org.apache.kafka.common.Node::id).sorted().toList(),
        minIsr);
  }

  /** A problem of the group that an operator must fix, in their terms. */
  static class GroupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GroupException(String message) {
      super(message);
    }
  }

  /** The group's topic does not exist (yet): a member waits for it rather than fail. */
  static final class NoTopicException extends GroupException {
    private static final long serialVersionUID = 1L;

    NoTopicException(String message) {
      super(message);
    }
  }
}
