package io.citadel.centralconfig.internal;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The store in ZooKeeper, the second backend: {@code /citadel/<cluster>/configuration/default/...}
 * and {@code .../nodes/<host>/...}, one znode a file (its data the file's bytes), folders as znodes
 * with children. A znode's data is replaced in one write, so no reader sees half a file. Meant for
 * small files: ZooKeeper refuses a znode over about 1 MB.
 */
final class ZooKeeperStore implements CentralStore {
  private static final int MAX_DEPTH = 4;

  private final Supplier<CuratorFramework> curator;
  private final String root;

  /**
   * @param curator the node's client (the current one: a new session replaces it)
   * @param root the store's znode, {@code /citadel/<cluster>/configuration}
   */
  ZooKeeperStore(Supplier<CuratorFramework> curator, String root) {
    this.curator = curator;
    this.root = root;
  }

  private String root() {
    return root;
  }

  @Override
  public String describe() {
    return "zookeeper:" + root();
  }

  @Override
  public Map<String, StoredFile> list(String scope) throws IOException {
    Map<String, StoredFile> files = new TreeMap<>();
    try {
      walk(curator.get(), root() + "/" + scope, "", files, 0);
    } catch (KeeperException.NoNodeException e) {
      // no such scope yet: no files
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading " + root(), e);
    } catch (Exception e) {
      throw new IOException(e.getMessage(), e);
    }
    return files;
  }

  private static void walk(
      CuratorFramework curator,
      String znode,
      String relative,
      Map<String, StoredFile> into,
      int depth)
      throws Exception {
    List<String> children = curator.getChildren().forPath(znode);
    if (children.isEmpty() && !relative.isEmpty()) {
      Stat stat = new Stat();
      byte[] data = curator.getData().storingStatIn(stat).forPath(znode);
      into.put(
          relative, new StoredFile(data == null ? new byte[0] : data, stat.getMtime(), true, ""));
      return;
    }
    if (depth >= MAX_DEPTH) {
      return;
    }
    for (String child : children) {
      walk(
          curator,
          znode + "/" + child,
          relative.isEmpty() ? child : relative + "/" + child,
          into,
          depth + 1);
    }
  }

  @Override
  public void put(String scope, String path, byte[] content) throws IOException {
    String znode = root() + "/" + scope + "/" + path;
    CuratorFramework client = curator.get();
    try {
      if (client.checkExists().forPath(znode) == null) {
        client.create().creatingParentsIfNeeded().forPath(znode, content);
      } else {
        client.setData().forPath(znode, content);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing " + znode, e);
    } catch (Exception e) {
      throw new IOException("cannot write " + znode + ": " + e.getMessage(), e);
    }
  }
}
