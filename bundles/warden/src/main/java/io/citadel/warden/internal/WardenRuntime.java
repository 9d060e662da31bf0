package io.citadel.warden.internal;

import io.citadel.warden.internal.conf.ConfProblem;
import io.citadel.warden.internal.conf.MemoryPlan;
import java.util.List;
import java.util.Map;

/** What the console asks of the Warden. */
public interface WardenRuntime {

  /** A service instance as some node publishes it in ZooKeeper. */
  record ClusterEntry(String host, String service, Map<String, String> status) {}

  /** This node's services, in start order. */
  List<ServiceView> services();

  /** Every configuration problem in force. */
  List<ConfProblem> problems();

  /** This node's memory plan. */
  MemoryPlan memory();

  /** Every instance every node publishes. */
  List<ClusterEntry> cluster() throws Exception;

  /** Names of the services this node knows. */
  List<String> serviceNames();

  /** Starts a service an operator stopped (or retries a failed one now); returns what happened. */
  String start(String service) throws Exception;

  /** Stops a service (its dependents first) until started again; returns what happened. */
  String stop(String service) throws Exception;

  /** Restarts a service; returns what happened. */
  String restart(String service) throws Exception;
}
