package io.citadel.coordination.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The metatype description of PID {@code io.citadel.coordination}, for the console and any
 * metatype-aware tool. The component reads the raw properties through {@link
 * CoordinationSettings#parse}, which applies these same defaults and validates every value.
 */
@ObjectClassDefinition(
    id = CoordinationSettings.PID,
    name = "Citadel coordination",
    description =
        "The node's ZooKeeper client; with no connect string, an embedded ZooKeeper server on"
            + " loopback.")
@interface CoordinationConfig {

  @AttributeDefinition(
      name = "ZooKeeper connect string",
      description =
          "host:port[,host:port...][/chroot] of the ensemble. Empty: run the embedded server and"
              + " connect to it. Changing it reconnects without restarting the JVM.",
      required = false)
  String zookeeper_connect() default "";

  @AttributeDefinition(
      name = "Session timeout (ms)",
      description = "Session timeout asked of the ensemble, 1000-600000; servers clamp it.",
      type = AttributeType.INTEGER,
      min = "1000",
      max = "600000")
  int session_timeout_ms() default CoordinationSettings.DEFAULT_SESSION_TIMEOUT_MS;

  @AttributeDefinition(
      name = "Connection timeout (ms)",
      description = "How long one connection attempt may take, 100-600000.",
      type = AttributeType.INTEGER,
      min = "100",
      max = "600000")
  int connection_timeout_ms() default CoordinationSettings.DEFAULT_CONNECTION_TIMEOUT_MS;

  @AttributeDefinition(
      name = "Cluster name",
      description = "Names the cluster: every path lives under /citadel/<cluster name>.")
  String cluster_name() default CoordinationSettings.DEFAULT_CLUSTER_NAME;

  @AttributeDefinition(
      name = "Embedded server",
      description =
          "auto: run the embedded ZooKeeper server when no connect string is set; true: run it"
              + " as well; false: never.",
      options = {
        @Option(label = "auto", value = "auto"),
        @Option(label = "true", value = "true"),
        @Option(label = "false", value = "false")
      })
  String embedded() default "auto";

  @AttributeDefinition(
      name = "Embedded server address",
      description = "Address the embedded server listens on. Loopback unless you mean it.")
  String embedded_host() default CoordinationSettings.DEFAULT_EMBEDDED_HOST;

  @AttributeDefinition(
      name = "Embedded server port",
      type = AttributeType.INTEGER,
      min = "1",
      max = "65535")
  int embedded_port() default CoordinationSettings.DEFAULT_EMBEDDED_PORT;

  @AttributeDefinition(
      name = "Embedded server data folder",
      description = "Snapshots and transaction logs. Empty: ${karaf.data}/zookeeper.",
      required = false)
  String embedded_data_dir() default "";
}
