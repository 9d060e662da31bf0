package io.citadel.replication.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The node's Kafka broker, PID {@code io.citadel.kafka}. {@code bin/citadel-kafka} reads every key
 * when the broker starts; the retention and segment sizes also change in the running broker.
 */
@ObjectClassDefinition(
    id = KafkaBrokerConfig.PID,
    name = "Citadel Kafka broker",
    description =
        "This node's Kafka broker (the kafka service). Retention and segment size apply to the"
            + " running broker at once; addresses, ports and the data folder at its next start.")
@interface KafkaConfig {

  @AttributeDefinition(name = "Listen address", description = "The broker's address.")
  String listen$_$address() default "127.0.0.1";

  @AttributeDefinition(
      name = "Port",
      description = "The broker's client port.",
      min = "1",
      max = "65535")
  int port() default 9092;

  @AttributeDefinition(
      name = "Controller port",
      description = "The KRaft controller's port.",
      min = "1",
      max = "65535")
  int controller$_$port() default 9093;

  @AttributeDefinition(
      name = "Data folder",
      description = "The broker's log folder; empty: data/kafka.",
      required = false)
  String data$_$dir() default "";

  @AttributeDefinition(
      name = "Node id",
      description = "This node's id in the Kafka cluster: a broker id and a controller voter's.",
      min = "0")
  int node$_$id() default 1;

  @AttributeDefinition(
      name = "Controller quorum",
      description =
          "id@host:controller-port of every node of the cluster (3 or 5); empty: this node alone.",
      required = false)
  String controller$_$quorum() default "";

  @AttributeDefinition(
      name = "Cluster id",
      description =
          "The id every node of a cluster of more than one is formatted with (22 characters of"
              + " base64, as kafka-storage random-uuid prints).",
      required = false)
  String cluster$_$id() default "";

  @AttributeDefinition(
      name = "Advertised address",
      description =
          "The address clients are told to reach this broker on; empty: the listen address.",
      required = false)
  String advertised$_$address() default "";

  @AttributeDefinition(
      name = "Cluster brokers",
      description =
          "host:port of every broker of the cluster, for this node's clients to start from while"
              + " any one answers; empty: this node's broker.",
      required = false)
  String cluster$_$brokers() default "";

  @AttributeDefinition(
      name = "Retention (hours)",
      description = "How long records are kept (log.retention.ms); -1: for ever. Applies live.",
      min = "-1")
  int retention$_$hours() default 168;

  @AttributeDefinition(
      name = "Retention (bytes)",
      description = "How many bytes a partition keeps (log.retention.bytes); -1: no limit. Live.",
      min = "-1")
  long retention$_$bytes() default -1;

  @AttributeDefinition(
      name = "Segment size (bytes)",
      description = "The size of a log segment (log.segment.bytes). Applies live.",
      min = "14")
  int segment$_$bytes() default 1073741824;
}
