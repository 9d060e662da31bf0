package io.citadel.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * The peer of the failover benchmark: a plain JVM that holds a bare ZooKeeper ephemeral lock when
 * it can, and waits on a watch when it cannot. No Warden, no Curator, no Karaf: what is left is
 * ZooKeeper's own session expiry.
 *
 * <p>Arguments: connect string, lock path, session timeout in ms, this holder's name.
 */
public final class EphemeralLockHolder {

  private EphemeralLockHolder() {}

  public static void main(String[] args) throws Exception {
    String connect = args[0];
    String path = args[1];
    int sessionTimeout = Integer.parseInt(args[2]);
    byte[] name = args[3].getBytes(StandardCharsets.UTF_8);
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            connect,
            sessionTimeout,
            event -> {
              if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    connected.await();
    Object wake = new Object();
    while (true) {
      try {
        zk.create(path, name, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        System.out.println("holding " + path);
        Thread.sleep(Long.MAX_VALUE); // until killed
      } catch (KeeperException.NodeExistsException taken) {
        synchronized (wake) {
          if (zk.exists(
                  path,
                  event -> {
                    synchronized (wake) {
                      wake.notifyAll();
                    }
                  })
              != null) {
            wake.wait(1_000);
          }
        }
      }
    }
  }
}
