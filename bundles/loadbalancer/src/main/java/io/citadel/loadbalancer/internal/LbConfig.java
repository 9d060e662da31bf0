package io.citadel.loadbalancer.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** The load balancer's options, PID {@code io.citadel.loadbalancer}. */
@ObjectClassDefinition(
    id = LoadBalancerService.PID,
    name = "Citadel load balancer",
    description =
        "Spreads PostgreSQL sessions and POST /sql requests over the live servers of an HA group,"
            + " checks their health, retries failed requests elsewhere.")
@interface LbConfig {

  @AttributeDefinition(name = "Listen address", required = false)
  String listen$_$address() default "127.0.0.1";

  @AttributeDefinition(name = "PostgreSQL port", required = false)
  int pg$_$port() default 6273;

  @AttributeDefinition(
      name = "HTTP port",
      description = "0 turns the HTTP side off.",
      required = false)
  int http$_$port() default 6277;

  @AttributeDefinition(
      name = "Algorithm",
      description = "Changes live, for new sessions and requests.",
      options = {
        @Option(label = "least connections", value = "least-connections"),
        @Option(label = "round robin", value = "round-robin"),
        @Option(label = "locality (same table, same server)", value = "locality")
      },
      required = false)
  String algorithm() default "least-connections";

  @AttributeDefinition(
      name = "HA group",
      description =
          "The group whose members are the servers, found in ZooKeeper as they come and go.",
      required = false)
  String group() default "";

  @AttributeDefinition(
      name = "Servers",
      description = "More servers, host:pg-port[:http-port], comma-separated.",
      required = false)
  String servers() default "";

  @AttributeDefinition(name = "Check interval (ms)", required = false)
  int check$_$interval$_$ms() default 500;

  @AttributeDefinition(
      name = "Fall",
      description = "Failed checks that take a server down.",
      required = false)
  int fall() default 2;

  @AttributeDefinition(
      name = "Rise",
      description = "Passed checks that bring it back.",
      required = false)
  int rise() default 2;

  @AttributeDefinition(name = "Connect timeout (ms)", required = false)
  int connect$_$timeout$_$ms() default 1000;
}
