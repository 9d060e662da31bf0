package io.citadel.coordination.internal.shell;

import io.citadel.coordination.internal.CoordinationRuntime;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.zookeeper.KeeperException;

/** What every {@code zk:} command shares: the coordination runtime and its error messages. */
abstract class ZkAction implements Action {

  private static final Duration CONNECT_WAIT = Duration.ofSeconds(5);

  @Reference CoordinationRuntime runtime;

  @Override
  public final Object execute() throws Exception {
    try {
      return run();
    } catch (KeeperException.NoNodeException e) {
      throw new IllegalArgumentException("No such znode: " + e.getPath(), e);
    } catch (KeeperException e) {
      throw new IllegalStateException(
          "ZooKeeper answered " + e.code() + (e.getPath() == null ? "" : " for " + e.getPath()), e);
    }
  }

  protected abstract Object run() throws Exception;

  /** The Curator client, once connected; otherwise an error that says why it is not. */
  protected CuratorFramework connectedClient() throws InterruptedException {
    var coordination =
        runtime
            .coordination()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "Coordination is not running"
                            + runtime
                                .lastProblem()
                                .map(p -> ": " + p.message())
                                .orElse(" (no configuration applied yet)")));
    if (!coordination.awaitConnected(CONNECT_WAIT)) {
      throw new IllegalStateException(
          "Not connected to ZooKeeper at "
              + coordination.connectString()
              + " (state "
              + coordination.state()
              + " after waiting "
              + CONNECT_WAIT.toSeconds()
              + " s)");
    }
    return coordination.curator();
  }

  /** Accepts relative paths as relative to the root, and strips a trailing '/'. */
  static String normalise(String path) {
    if (path == null || path.isBlank()) {
      return "/";
    }
    String p = path.trim();
    if (!p.startsWith("/")) {
      p = "/" + p;
    }
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  static String child(String parent, String name) {
    return "/".equals(parent) ? "/" + name : parent + "/" + name;
  }
}
