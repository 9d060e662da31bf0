package io.citadel.fileserver.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The fileserver's options, PID {@code io.citadel.fileserver}. */
@ObjectClassDefinition(
    id = FileServerService.PID,
    name = "Citadel fileserver",
    description =
        "Holds this node's containers (the engine's table fragments), heartbeats them to the"
            + " master CLDB and refuses writes past a volume's quota.")
@interface FileServerConfig {

  @AttributeDefinition(
      name = "Data folder",
      description =
          "Where the container catalog is kept; empty for data/fileserver under the Karaf data"
              + " folder.",
      required = false)
  String data$_$dir() default "";
}
