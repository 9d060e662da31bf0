package io.citadel.coordination.internal;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.Optional;
import org.apache.curator.utils.ZookeeperFactory;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * A ZooKeeper handle that tells which server it is connected to; ZooKeeper keeps that accessor
 * protected, and {@code zk:stat} must name the server.
 */
final class InspectableZooKeeper extends ZooKeeper {

  InspectableZooKeeper(
      String connectString,
      int sessionTimeout,
      Watcher watcher,
      boolean canBeReadOnly,
      ZKClientConfig config)
      throws IOException {
    super(connectString, sessionTimeout, watcher, canBeReadOnly, config);
  }

  /** The server this session is connected to now, if any. */
  Optional<SocketAddress> connectedServer() {
    return Optional.ofNullable(testableRemoteSocketAddress());
  }

  /** Hands Curator {@link InspectableZooKeeper} handles. */
  static final class Factory implements ZookeeperFactory {
    @Override
    public ZooKeeper newZooKeeper(
        String connectString, int sessionTimeout, Watcher watcher, boolean canBeReadOnly)
        throws IOException {
      return newZooKeeper(connectString, sessionTimeout, watcher, canBeReadOnly, null);
    }

    @Override
    public ZooKeeper newZooKeeper(
        String connectString,
        int sessionTimeout,
        Watcher watcher,
        boolean canBeReadOnly,
        ZKClientConfig config)
        throws IOException {
      return new InspectableZooKeeper(
          connectString,
          sessionTimeout,
          watcher,
          canBeReadOnly,
          config == null ? new ZKClientConfig() : config);
    }
  }
}
