package io.citadel.engine.internal.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** The engine's options, PID {@code io.citadel.engine}; every one can change while it runs. */
@ObjectClassDefinition(
    id = EngineService.PID,
    name = "Citadel engine",
    description = "The columnar SQL engine: its PostgreSQL and HTTP listeners, storage and cache.")
@interface EngineConfig {

  @AttributeDefinition(
      name = "PostgreSQL port",
      description = "Port for PostgreSQL clients; service.port in warden.engine.conf overrides it.",
      type = AttributeType.INTEGER,
      min = "1",
      max = "65535")
  int port() default EngineSettings.DEFAULT_PORT;

  @AttributeDefinition(
      name = "HTTP port",
      description = "Port for POST /sql; 0 turns the HTTP endpoint off.",
      type = AttributeType.INTEGER,
      min = "0",
      max = "65535")
  int http$_$port() default EngineSettings.DEFAULT_HTTP_PORT;

  @AttributeDefinition(
      name = "Bind address",
      description = "Address both listeners bind; 0.0.0.0 for every interface.")
  String bind$_$address() default "127.0.0.1";

  @AttributeDefinition(
      name = "Data folder",
      description = "Where tables, the WAL and users live; empty: <karaf.data>/engine.",
      required = false)
  String data$_$dir() default "";

  @AttributeDefinition(
      name = "Worker threads",
      description = "Threads one query may use; 0: one per processor.",
      type = AttributeType.INTEGER,
      min = "0",
      max = "1024")
  int threads() default 0;

  @AttributeDefinition(
      name = "Fragment size (rows)",
      description = "Rows per fragment for new tables (MapD's default: 32M).",
      type = AttributeType.INTEGER,
      min = "1000")
  int fragment$_$size() default 32_000_000;

  @AttributeDefinition(
      name = "Column cache (% of the memory budget)",
      description = "Share of the Warden's memory budget the column cache may fill.",
      type = AttributeType.INTEGER,
      min = "1",
      max = "95")
  int cache$_$percent() default 60;

  @AttributeDefinition(
      name = "Query memory (% of the memory budget)",
      description =
          "What one query may hold on the heap (hash tables, sorts, groups, rows waiting for the"
              + " client), as a share of the Warden's memory budget (of the JVM heap without one);"
              + " a query that needs more fails with SQLSTATE 53200 and the node goes on.",
      type = AttributeType.INTEGER,
      min = "1",
      max = "90")
  int query$_$memory$_$percent() default EngineSettings.DEFAULT_QUERY_MEMORY_PERCENT;

  @AttributeDefinition(
      name = "Maximum connections",
      type = AttributeType.INTEGER,
      min = "1",
      max = "10000")
  int max$_$connections() default 200;

  @AttributeDefinition(
      name = "Execution mode",
      description = "auto: GPU when one is usable; gpu; cpu. A session may override it.",
      options = {
        @Option(label = "auto", value = "auto"),
        @Option(label = "gpu", value = "gpu"),
        @Option(label = "cpu", value = "cpu")
      })
  String execution$_$mode() default "auto";

  @AttributeDefinition(
      name = "Volume",
      description =
          "The CLDB volume whose containers hold this database's fragments; its quota limits"
              + " writes. Every member of an HA group should name the same one.",
      required = false)
  String volume() default "citadel.data";
}
