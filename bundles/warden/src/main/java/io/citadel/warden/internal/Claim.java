package io.citadel.warden.internal;

import io.citadel.coordination.Coordination;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;

/**
 * The right to run one of a counted service's instances: for a singleton the ephemeral znode {@code
 * /citadel/<cluster>/masters/<service>}; for a count N > 1 one of the ephemeral znodes {@code
 * /citadel/<cluster>/slots/<service>/<0..N-1>}. Whoever creates the znode holds it until its
 * session ends, so no two nodes can hold the same one.
 */
final class Claim {

  private final Coordination coordination;
  private final List<String> paths;
  private final String host;

  /**
   * The slot this node created and the session that owns it: an ephemeral znode lasts exactly as
   * long as its session, so while the session is the same the holder need not ask ZooKeeper again.
   * That keeps the Warden's pass free of ZooKeeper calls on the node that runs the service: a call
   * made just as the server goes away would block the pass while Curator retries, and the pass must
   * stay free to stop the service when the session is suspended.
   */
  private String heldPath;

  private long heldSession;

  /**
   * The fencing token of the hold: the held znode's creation zxid. ZooKeeper orders every change in
   * one sequence, so a later hold, on any node, has a larger token than every earlier one, and a
   * receiver that refuses tokens below the largest it has seen refuses a deposed holder's writes.
   */
  private long heldToken;

  Claim(Coordination coordination, String service, int count, String host) {
    this(coordination, slots(coordination, service, count), host);
  }

  private Claim(Coordination coordination, List<String> paths, String host) {
    this.coordination = coordination;
    this.host = host;
    this.paths = paths;
  }

  private static List<String> slots(Coordination coordination, String service, int count) {
    List<String> slots = new ArrayList<>();
    if (count == 1) {
      slots.add(coordination.clusterPath("masters", service));
    } else {
      for (int i = 0; i < count; i++) {
        slots.add(coordination.clusterPath("slots", service, Integer.toString(i)));
      }
    }
    return List.copyOf(slots);
  }

  /** The slot's znode this node holds, or null. */
  String heldPath() {
    return heldPath;
  }

  /** The session that holds {@link #heldPath()}. */
  long heldSession() {
    return heldSession;
  }

  /** The fencing token of the slot this node holds (see {@link #heldToken}); 0 when none. */
  long token() {
    return heldPath == null ? 0 : heldToken;
  }

  /** Whether this node holds a slot (as far as it knows without asking ZooKeeper). */
  boolean held() {
    return heldPath != null;
  }

  /**
   * Moves the slot this node holds to the session of {@code next}, a new client of this node (its
   * coordination settings changed), while the old session still holds it: in one ZooKeeper
   * transaction the old session's znode is deleted and the new session's made, so the slot is never
   * free for another node to take. Answers the claim on the new session, or null when the slot
   * could not move (the new session not connected within {@code connectWait}, or the slot no longer
   * the old session's): then the caller stops the service before the old session ends.
   */
  Claim moveTo(Coordination next, Duration connectWait) throws Exception {
    if (heldPath == null) {
      return null;
    }
    CuratorFramework curator = next.curator();
    if (!curator.blockUntilConnected((int) connectWait.toMillis(), TimeUnit.MILLISECONDS)) {
      return null;
    }
    long session = curator.getZookeeperClient().getZooKeeper().getSessionId();
    Stat stat = curator.checkExists().forPath(heldPath);
    if (stat == null || stat.getEphemeralOwner() != heldSession) {
      return null;
    }
    curator
        .transaction()
        .forOperations(
            curator.transactionOp().delete().withVersion(stat.getVersion()).forPath(heldPath),
            curator
                .transactionOp()
                .create()
                .withMode(CreateMode.EPHEMERAL)
                .forPath(heldPath, host.getBytes(StandardCharsets.UTF_8)));
    Claim moved = new Claim(next, paths, host);
    // a service that goes on running keeps the token it started with: smaller than this one,
    // larger than every earlier holder's
    moved.hold(heldPath, session, token(curator, heldPath, session));
    heldPath = null;
    return moved;
  }

  /**
   * Holds a slot after this call if one is free or already ours.
   *
   * @param onRelease called (on a ZooKeeper thread) when a slot held by another node goes away
   */
  boolean acquire(Watcher onRelease) throws Exception {
    CuratorFramework curator = coordination.curator();
    long session = curator.getZookeeperClient().getZooKeeper().getSessionId();
    if (heldPath != null && heldSession == session) {
      return true;
    }
    heldPath = null;
    for (String path : paths) {
      Stat stat = curator.checkExists().forPath(path);
      if (stat != null && stat.getEphemeralOwner() == session) {
        hold(path, session, stat.getCzxid());
        return true;
      }
    }
    for (String path : paths) {
      try {
        curator
            .create()
            .creatingParentContainersIfNeeded()
            .withMode(CreateMode.EPHEMERAL)
            .forPath(path, host.getBytes(StandardCharsets.UTF_8));
        hold(path, session, token(curator, path, session));
        return true;
      } catch (KeeperException.NodeExistsException taken) {
        // Held by another node: try the next slot.
      }
    }
    for (String path : paths) {
      curator.checkExists().usingWatcher(onRelease).forPath(path);
    }
    return false;
  }

  private void hold(String path, long session, long token) {
    heldPath = path;
    heldSession = session;
    heldToken = token;
  }

  /** The creation zxid of {@code path}, which {@code session} has just made. */
  private static long token(CuratorFramework curator, String path, long session) throws Exception {
    Stat stat = curator.checkExists().forPath(path);
    if (stat == null || stat.getEphemeralOwner() != session) {
      throw new KeeperException.NoNodeException(path + " is no longer this node's");
    }
    return stat.getCzxid();
  }

  /** The hosts holding the slots now. */
  List<String> holders() {
    List<String> holders = new ArrayList<>();
    for (String path : paths) {
      try {
        holders.add(
            new String(coordination.curator().getData().forPath(path), StandardCharsets.UTF_8));
      } catch (Exception free) {
        // A free slot, or not readable now.
      }
    }
    return holders;
  }

  /** Gives up the slot this node holds, if any. */
  void release() {
    heldPath = null;
    try {
      CuratorFramework curator = coordination.curator();
      long session = curator.getZookeeperClient().getZooKeeper().getSessionId();
      for (String path : paths) {
        Stat stat = curator.checkExists().forPath(path);
        if (stat != null && stat.getEphemeralOwner() == session) {
          curator.delete().withVersion(stat.getVersion()).forPath(path);
        }
      }
    } catch (Exception e) {
      // The session's end releases it anyway.
    }
  }
}
