package io.citadel.cldb.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The CLDB's options, PID {@code io.citadel.cldb}. */
@ObjectClassDefinition(
    id = CldbService.PID,
    name = "Citadel CLDB",
    description =
        "The container location database: volumes, containers, nodes, heartbeats and alarms. One"
            + " CLDB is master, the others read-only slaves.")
@interface CldbConfig {

  @AttributeDefinition(
      name = "Listen address",
      description = "Where the CLDB's HTTP/JSON API listens.",
      required = false)
  String listen$_$address() default "127.0.0.1";

  @AttributeDefinition(
      name = "Port",
      description = "The API's port (MapR's CLDB uses 7222).",
      required = false)
  int port() default 7222;

  @AttributeDefinition(
      name = "Disk nearly full",
      description = "Percent of a node's container disk in use that raises its disk alarm.",
      required = false)
  int disk$_$full$_$percent() default 90;
}
