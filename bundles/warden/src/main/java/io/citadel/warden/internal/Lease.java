package io.citadel.warden.internal;

import io.citadel.coordination.Coordination;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease this node holds on a claimed slot (a singleton's master znode, a counted service's
 * slot). A ZooKeeper round trip that finds the slot's znode still owned by this node's session
 * confirms it, and the lease then runs half the negotiated session timeout from when that request
 * was sent: the ensemble cannot expire the session, and so no other node can take the slot, before
 * a whole session timeout from the last time it heard from this one, which was no earlier.
 *
 * <p>The Warden renews leases on a thread of their own (a pass that waits on a slow stop does not
 * let them run out) and stops a service whose lease ran out before it does anything else. A child
 * process cannot wait for that, since a frozen Warden stops nothing: it runs under {@code
 * lease-guard.sh}, a process outside the JVM that reads the lease's end from {@link #file()} and
 * kills the service's process group when it passes. Times are centiseconds of {@link Uptime}, the
 * clock both sides read.
 */
final class Lease {
  private static final Logger LOG = LoggerFactory.getLogger(Lease.class);

  private final Coordination coordination;
  private final String service;
  private final String path;
  private final long session;
  private final Path file;
  private volatile long until;

  /**
   * @param file where the lease's end is written for the service's guard, or null for a service
   *     that runs in the JVM
   * @param until the end of the lease this one follows on from (a session move), or 0
   */
  Lease(Coordination coordination, String service, Claim claim, Path file, long until) {
    this.coordination = coordination;
    this.service = service;
    this.path = claim.heldPath();
    this.session = claim.heldSession();
    this.file = file;
    this.until = until;
  }

  String service() {
    return service;
  }

  Path file() {
    return file;
  }

  /** Whether the lease has run out: the service must not run on. */
  boolean expired() {
    return Uptime.centis() >= until;
  }

  /** How long past its end the lease is, in ms (negative while it runs). */
  long overdueMs() {
    return (Uptime.centis() - until) * 10;
  }

  /**
   * Confirms the slot with one ZooKeeper round trip and extends the lease from when the request was
   * sent; answers whether it was confirmed. A slot that is gone or another session's ends nothing
   * here: the Warden's pass finds that out and stops the service.
   */
  boolean renew() {
    long sent = Uptime.centis();
    try {
      CuratorFramework curator = coordination.curator();
      ZooKeeper zk = curator.getZookeeperClient().getZooKeeper();
      if (zk.getSessionId() != session) {
        return false;
      }
      int timeoutMs = zk.getSessionTimeout();
      Stat stat = curator.checkExists().forPath(path);
      if (stat == null || stat.getEphemeralOwner() != session || timeoutMs <= 0) {
        return false;
      }
      extend(sent + timeoutMs / 20); // half the session timeout, in centiseconds
      return true;
    } catch (Exception e) {
      LOG.debug("{}: lease not renewed: {}", service, e.toString());
      return false;
    }
  }

  /** Moves the lease's end to {@code next} unless it is already later. */
  private synchronized void extend(long next) {
    if (next > until) {
      until = next;
      publish();
    }
  }

  /** Writes the lease's end for the guard (a rename, so that it never reads half a number). */
  private void publish() {
    if (file == null) {
      return;
    }
    try {
      Files.createDirectories(file.getParent());
      Path part = file.resolveSibling(file.getFileName() + ".part");
      Files.writeString(part, until + "\n", StandardCharsets.US_ASCII);
      Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      LOG.warn("{}: cannot write the lease file {}: {}", service, file, e.toString());
    }
  }

  long until() {
    return until;
  }
}
