package io.citadel.example.hoststats;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
    id = HostStats.PID,
    name = "Citadel hoststats (example)",
    description = "Samples the node's CPU, memory and disk and publishes them in ZooKeeper.")
@interface HostStatsConfig {

  @AttributeDefinition(
      name = "Sample interval (s)",
      type = AttributeType.INTEGER,
      min = "1",
      max = "3600")
  int sample_interval_sec() default 10;

  @AttributeDefinition(
      name = "Host name",
      description = "The node's name in /citadel/<cluster>/nodes/<host>; empty: the host name.",
      required = false)
  String host_name() default "";

  @AttributeDefinition(
      name = "Disk path",
      description = "A path on the disk to report; empty: the Karaf data folder.",
      required = false)
  String disk_path() default "";
}
