package io.citadel.warden.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The metatype of PID {@code io.citadel.warden}; {@link WardenOptions#parse} validates. */
@ObjectClassDefinition(
    id = WardenOptions.PID,
    name = "Citadel Warden",
    description = "The node's lifecycle manager. Every setting applies live.")
@interface WardenConfig {

  @AttributeDefinition(
      name = "Scan interval (ms)",
      description = "How often warden.conf, conf.d/ and roles are read and services checked.",
      type = AttributeType.INTEGER,
      min = "100",
      max = "60000")
  int scan_interval_ms() default 1000;

  @AttributeDefinition(
      name = "Host name",
      description = "This node's name in ZooKeeper; empty: the host name.",
      required = false)
  String host_name() default "";

  @AttributeDefinition(
      name = "Memory (MiB)",
      description = "The memory shared out between services; 0: the node's physical memory.",
      type = AttributeType.LONG,
      min = "0")
  long memory_total_mb() default 0;

  @AttributeDefinition(
      name = "Start timeout (s)",
      description =
          "How long a started service may take to become healthy before it counts as failed.",
      type = AttributeType.INTEGER,
      min = "1")
  int start_timeout_sec() default 60;

  @AttributeDefinition(
      name = "Monitor interval (s)",
      description = "How often a child process's monitor command runs.",
      type = AttributeType.INTEGER,
      min = "1")
  int monitor_interval_sec() default 5;

  @AttributeDefinition(
      name = "Stop singletons after suspension (ms)",
      description =
          "A counted service whose ZooKeeper session has been suspended this long stops, before the"
              + " session can expire and another node take over. 0: a sixth of the session timeout.",
      type = AttributeType.LONG,
      min = "0")
  long suspended_stop_ms() default 0;
}
