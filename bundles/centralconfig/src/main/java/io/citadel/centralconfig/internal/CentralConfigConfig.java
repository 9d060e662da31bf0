package io.citadel.centralconfig.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The puller's options, PID {@code io.citadel.centralconfig}. Every one changes live. */
@ObjectClassDefinition(
    id = CentralConfigService.PID,
    name = "Citadel central configuration",
    description =
        "Pulls the cluster's configuration files from a central store into this node's etc/:"
            + " nodes/<host>/ first, then default/; validated, installed atomically.")
@interface CentralConfigConfig {

  @AttributeDefinition(
      name = "Backend",
      description =
          "Where the central store is: 'shared' (a folder on the shared data location, as MapR's"
              + " configuration volume) or 'zookeeper' (znodes under"
              + " /citadel/<cluster>/configuration).",
      options = {
        @org.osgi.service.metatype.annotations.Option(label = "shared folder", value = "shared"),
        @org.osgi.service.metatype.annotations.Option(label = "ZooKeeper", value = "zookeeper")
      })
  String backend() default "shared";

  @AttributeDefinition(
      name = "Store folder",
      description =
          "The shared configuration folder (holding default/ and nodes/<host>/); empty for"
              + " configuration/ under the Karaf home, made on first start.",
      required = false)
  String store() default "";

  @AttributeDefinition(
      name = "Pull interval (s)",
      description = "Seconds between pulls.",
      min = "1",
      max = "86400")
  int interval$_$sec() default 300;

  @AttributeDefinition(
      name = "Host name",
      description =
          "The name this node's files are kept under (nodes/<host-name>/); empty for the node's"
              + " name in the cluster.",
      required = false)
  String host$_$name() default "";

  @AttributeDefinition(
      name = "Files",
      description =
          "The files pulled, as comma-separated glob patterns relative to etc/; anything else in"
              + " the store is left alone.")
  String files() default "*.cfg,warden.conf,conf.d/warden.*.conf,roles";

  @AttributeDefinition(
      name = "Remove deleted files",
      description =
          "Whether a file this puller installed is removed here once it is gone from the store;"
              + " otherwise the local copy is left in place.")
  boolean remove$_$deleted() default false;

  @AttributeDefinition(
      name = "Settle time (ms)",
      description =
          "A central file changed less than this long ago may still be being written: it waits"
              + " for a later look.",
      min = "0",
      max = "600000")
  int settle$_$ms() default 2000;
}
