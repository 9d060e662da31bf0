package io.citadel.replication.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The replication service's options, PID {@code io.citadel.replication}; MapD's names. */
@ObjectClassDefinition(
    id = ReplicationService.PID,
    name = "Citadel replication (HA group)",
    description =
        "Membership of an HA group: every state-changing statement goes through the group's Kafka"
            + " topic and every member applies the topic in order.")
@interface ReplicationConfig {

  @AttributeDefinition(
      name = "HA group",
      description =
          "The group, and the name of its Kafka topic, which must exist (ha:create-group). Empty:"
              + " this server is in no group and runs its writes alone.",
      required = false)
  String ha$_$group$_$id() default "";

  @AttributeDefinition(
      name = "Unique server id",
      description =
          "This server's id in the group, for its whole life; a second live server with the same"
              + " id is refused. Empty: the node's host name.",
      required = false)
  String ha$_$unique$_$server$_$id() default "";

  @AttributeDefinition(
      name = "Kafka brokers",
      description =
          "host:port,... of the group's Kafka cluster. Empty: this node's own broker (the kafka"
              + " service, port from etc/io.citadel.kafka.cfg).",
      required = false)
  String ha$_$brokers() default "";

  @AttributeDefinition(
      name = "Shared data",
      description =
          "Absolute folder every member sees at the same path: COPY FROM reads only files under"
              + " it, and snapshots for bootstrapping members are kept there.",
      required = false)
  String ha$_$shared$_$data() default "";

  @AttributeDefinition(
      name = "Read-only member",
      description = "Applies the group's updates but refuses writes from its own clients.",
      type = AttributeType.BOOLEAN)
  boolean ha$_$read$_$only() default false;

  @AttributeDefinition(
      name = "Apply timeout (s)",
      description =
          "How long a writer waits for its own statement to be applied here before answering that"
              + " it is logged but not yet applied.",
      type = AttributeType.INTEGER,
      min = "1")
  int ha$_$apply$_$timeout$_$sec() default 300;

  @AttributeDefinition(
      name = "Kafka timeout (ms)",
      description =
          "How long one request to the brokers (metadata, topic checks, fetches) may take before"
              + " the log is taken for unreachable.",
      type = AttributeType.INTEGER,
      min = "500")
  int ha$_$kafka$_$timeout$_$ms() default 10_000;

  @AttributeDefinition(
      name = "Write timeout (ms)",
      description =
          "How long a write waits for the in-sync brokers to acknowledge it before it is refused."
              + " It should outlast one broker's failover: the bundled brokers fence a silent"
              + " broker after 3 s and drop a lagging follower from the in-sync replicas after"
              + " 10 s, and a write waits for either.",
      type = AttributeType.INTEGER,
      min = "1000")
  int ha$_$write$_$timeout$_$ms() default 20_000;

  @AttributeDefinition(
      name = "Snapshot interval (s)",
      description =
          "How often this member writes a snapshot into ha-shared-data for members that join"
              + " after the topic's retention cut its start; 0: only ha:snapshot.",
      type = AttributeType.INTEGER,
      min = "0")
  int ha$_$snapshot$_$interval$_$sec() default 0;
}
