package io.citadel.coordination;

import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's connection to the cluster's ZooKeeper ensemble.
 *
 * <p>One instance is registered as an OSGi service while a ZooKeeper client exists. When the
 * configuration names another ensemble, another session timeout or another cluster, the service is
 * unregistered and a new one registered: consumers holding a static reference are deactivated and
 * activated again with the new client, so nothing keeps writing through a closed one.
 *
 * <p>The registration carries the properties {@value #PROPERTY_CLUSTER_NAME}, {@value
 * #PROPERTY_CONNECT}, {@value #PROPERTY_EMBEDDED} and {@value #PROPERTY_STATE}; the last follows
 * the session state, so a component may require {@code (coordination.state=CONNECTED)} or {@code
 * RECONNECTED} through a target filter when it must not exist without a session.
 */
@ProviderType
public interface Coordination {

  /** Root of everything Citadel keeps in ZooKeeper. */
  String ROOT = "/citadel";

  /** Service property: the cluster name. */
  String PROPERTY_CLUSTER_NAME = "cluster.name";

  /** Service property: the connect string in use. */
  String PROPERTY_CONNECT = "zookeeper.connect";

  /** Service property: {@code true} when this node runs the embedded ZooKeeper server. */
  String PROPERTY_EMBEDDED = "coordination.embedded";

  /** Service property: the name of the current {@link CoordinationState}. */
  String PROPERTY_STATE = "coordination.state";

  /**
   * The Curator client. Its connection-state error policy is Curator's standard one, so recipes
   * such as {@code LeaderLatch} give up leadership on {@code SUSPENDED}.
   */
  CuratorFramework curator();

  /** The cluster's name: the second level of every Citadel path. */
  String clusterName();

  /** The ensemble's connect string, with the chroot if one was given. */
  String connectString();

  /** Whether the ensemble is the server embedded in this node. */
  boolean embeddedServer();

  /** The current session state. */
  CoordinationState state();

  /**
   * Waits until the session is connected.
   *
   * @param timeout how long to wait at most
   * @return whether it is connected
   * @throws InterruptedException if interrupted while waiting
   */
  boolean awaitConnected(Duration timeout) throws InterruptedException;

  /**
   * The absolute path {@code /citadel/<cluster>/<segment>/...}.
   *
   * @param segments path segments, each non-empty and without {@code /}
   * @return the path
   * @throws IllegalArgumentException if a segment is empty or contains {@code /}
   */
  String clusterPath(String... segments);

  /**
   * Adds a listener told of every later state change.
   *
   * @param listener the listener
   */
  void addStateListener(CoordinationStateListener listener);

  /**
   * Removes a listener added before.
   *
   * @param listener the listener
   */
  void removeStateListener(CoordinationStateListener listener);
}
