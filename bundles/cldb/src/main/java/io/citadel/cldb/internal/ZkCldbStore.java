package io.citadel.cldb.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.cldb.internal.model.CldbException;
import io.citadel.cldb.internal.model.ClusterModel;
import io.citadel.cldb.internal.model.Container;
import io.citadel.cldb.internal.model.NodeRecord;
import io.citadel.cldb.internal.model.Volume;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The CLDB's durable state, in ZooKeeper.
 *
 * <p>Why ZooKeeper rather than a Kafka log: the state is small (a few hundred bytes a container)
 * and every CLDB already holds a ZooKeeper session; a multi-op writes a whole batch atomically and
 * can check, in the same request, that the epoch is still the one this master raised, which is
 * exactly the fence a deposed master needs; and a new master reads the current state at once
 * instead of replaying a log from its last snapshot. A log would also put a second system (Kafka)
 * on the path of every CLDB failover.
 *
 * <p>Layout under {@code /citadel/<cluster>/cldb}:
 *
 * <pre>
 * epoch               the CLDB epoch: each new master raises it; every write checks its version
 * volumes/&lt;name&gt;      a volume (JSON)
 * containers/&lt;id&gt;     a container: volume, table, fragment, size, replicas (JSON)
 * nodes/&lt;id&gt;          a node's address and availability, for slaves' lookups (JSON)
 * next-container-id   the next id the master assigns
 * serial              raised by every write; slaves watch it and read again
 * </pre>
 */
final class ZkCldbStore {

  /** A master's write found a newer epoch: another CLDB is master now. */
  static final class FencedException extends Exception {
    private static final long serialVersionUID = 1L;

    FencedException(long epoch) {
      super("a newer CLDB master fenced this one off (its epoch was " + epoch + ")");
    }
  }

  /** Everything stored, as read at one serial. */
  record State(
      List<Volume> volumes,
      List<Container> containers,
      List<NodeRecord> nodes,
      long nextContainerId,
      long epoch,
      int serial) {}

  /** ZooKeeper's default request limit is 1 MB; a container's JSON is well under 1 KB. */
  private static final int OPS_PER_TRANSACTION = 400;

  private final CuratorFramework curator;
  private final String root;
  private final ObjectMapper json =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private final Set<String> existing = new HashSet<>();
  private long epoch;
  private int epochVersion = -1;

  /**
   * @param root the CLDB's znode, {@code /citadel/<cluster>/cldb}
   */
  ZkCldbStore(CuratorFramework curator, String root) {
    this.curator = curator;
    this.root = root;
  }

  private String path(String... parts) {
    return root + "/" + String.join("/", parts);
  }

  private void ensure(String path, String initial) throws Exception {
    try {
      curator
          .create()
          .creatingParentsIfNeeded()
          .forPath(path, initial.getBytes(StandardCharsets.UTF_8));
    } catch (KeeperException.NodeExistsException already) {
      // made by an earlier master
    }
  }

  /**
   * Becomes master: raises the epoch, so that every write of an earlier master fails from now on,
   * and learns which znodes exist. Answers the new epoch.
   */
  long takeOver() throws Exception {
    ensure(path("epoch"), "0");
    ensure(path("serial"), "0");
    ensure(path("next-container-id"), Long.toString(ClusterModel.KVSTORE_CONTAINER + 1));
    ensure(path("volumes"), "");
    ensure(path("containers"), "");
    ensure(path("nodes"), "");
    while (true) {
      Stat stat = new Stat();
      long seen = parseLong(curator.getData().storingStatIn(stat).forPath(path("epoch")), "epoch");
      try {
        Stat set =
            curator
                .setData()
                .withVersion(stat.getVersion())
                .forPath(path("epoch"), Long.toString(seen + 1).getBytes(StandardCharsets.UTF_8));
        epoch = seen + 1;
        epochVersion = set.getVersion();
        break;
      } catch (KeeperException.BadVersionException raced) {
        // another CLDB raised it at the same moment: read it again and go past it
      }
    }
    existing.clear();
    for (String kind : List.of("volumes", "containers", "nodes")) {
      for (String child : curator.getChildren().forPath(path(kind))) {
        existing.add(path(kind, child));
      }
    }
    return epoch;
  }

  long epoch() {
    return epoch;
  }

  /**
   * Writes what changed in {@code model} since its last write. Changes ZooKeeper does not confirm
   * go back into the model's queue, so the next write (or, through the model, the next master)
   * still has them: a failed write loses nothing.
   */
  void writeChanged(ClusterModel model) throws Exception {
    ClusterModel.Changes changes = model.drainChanged();
    if (changes.isEmpty()) {
      return;
    }
    try {
      write(changes);
    } catch (Exception e) {
      model.requeue(changes);
      throw e;
    }
  }

  /**
   * Writes a batch of changes, fenced by this master's epoch.
   *
   * @throws FencedException when another CLDB has become master since {@link #takeOver}
   */
  void write(ClusterModel.Changes changes) throws Exception {
    if (epochVersion < 0) {
      throw new IllegalStateException("write before takeOver");
    }
    List<CuratorOp> ops = new ArrayList<>();
    Set<String> made = new HashSet<>();
    Set<String> gone = new HashSet<>();
    for (Volume v : changes.volumes()) {
      put(ops, path("volumes", v.name()), v, made);
    }
    for (Container c : changes.containers()) {
      put(ops, path("containers", Long.toString(c.id())), c, made);
    }
    for (NodeRecord n : changes.nodes()) {
      put(ops, path("nodes", n.id()), n, made);
    }
    for (Long id : changes.removedContainers()) {
      String p = path("containers", Long.toString(id));
      if (existing.contains(p)) {
        ops.add(curator.transactionOp().delete().forPath(p));
        gone.add(p);
      }
    }
    ops.add(
        curator
            .transactionOp()
            .setData()
            .forPath(
                path("next-container-id"),
                Long.toString(changes.nextContainerId()).getBytes(StandardCharsets.UTF_8)));
    for (int from = 0; from < ops.size(); from += OPS_PER_TRANSACTION) {
      List<CuratorOp> chunk = new ArrayList<>();
      chunk.add(curator.transactionOp().check().withVersion(epochVersion).forPath(path("epoch")));
      chunk.addAll(ops.subList(from, Math.min(ops.size(), from + OPS_PER_TRANSACTION)));
      chunk.add(curator.transactionOp().setData().forPath(path("serial"), new byte[0]));
      try {
        curator.transaction().forOperations(chunk);
      } catch (KeeperException.BadVersionException e) {
        throw new FencedException(epoch);
      } catch (KeeperException.NodeExistsException | KeeperException.NoNodeException e) {
        // what we believed exists did not, or the other way round: learn it and try again once
        takeOverExisting();
        throw new IOException("the CLDB's znodes were not as expected (" + e.getMessage() + ")");
      }
    }
    existing.addAll(made);
    existing.removeAll(gone);
  }

  private void takeOverExisting() throws Exception {
    existing.clear();
    for (String kind : List.of("volumes", "containers", "nodes")) {
      for (String child : curator.getChildren().forPath(path(kind))) {
        existing.add(path(kind, child));
      }
    }
  }

  private void put(List<CuratorOp> ops, String path, Object value, Set<String> made)
      throws Exception {
    byte[] data = json.writeValueAsBytes(value);
    if (existing.contains(path) || made.contains(path)) {
      ops.add(curator.transactionOp().setData().forPath(path, data));
    } else {
      ops.add(curator.transactionOp().create().forPath(path, data));
      made.add(path);
    }
  }

  /** The serial now; watching it tells a slave when to read again. */
  int serial(org.apache.zookeeper.Watcher watcher) throws Exception {
    Stat stat =
        watcher == null
            ? curator.checkExists().forPath(path("serial"))
            : curator.checkExists().usingWatcher(watcher).forPath(path("serial"));
    return stat == null ? -1 : stat.getVersion();
  }

  /** Reads everything the masters wrote; empty lists when no master ever wrote. */
  State read() throws Exception {
    Stat serial = curator.checkExists().forPath(path("serial"));
    if (serial == null) {
      return new State(List.of(), List.of(), List.of(), ClusterModel.KVSTORE_CONTAINER + 1, 0, -1);
    }
    List<Volume> vs = readAll(path("volumes"), Volume.class);
    List<Container> cs = readAll(path("containers"), Container.class);
    List<NodeRecord> ns = readAll(path("nodes"), NodeRecord.class);
    long next = parseLong(curator.getData().forPath(path("next-container-id")), "next id");
    long e = parseLong(curator.getData().forPath(path("epoch")), "epoch");
    return new State(vs, cs, ns, next, e, serial.getVersion());
  }

  /**
   * Reads every child of {@code dir}, the requests pipelined on the session (one round trip for
   * all, not one each: a new master reads tens of thousands of containers in a second).
   */
  private <T> List<T> readAll(String dir, Class<T> type) throws Exception {
    List<String> children = curator.getChildren().forPath(dir);
    org.apache.zookeeper.ZooKeeper zk = curator.getZookeeperClient().getZooKeeper();
    int n = children.size();
    byte[][] data = new byte[n][];
    int[] codes = new int[n];
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      int k = i;
      zk.getData(
          dir + "/" + children.get(i),
          false,
          (rc, p, ctx, bytes, stat) -> {
            codes[k] = rc;
            data[k] = bytes;
            done.countDown();
          },
          null);
    }
    if (!done.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
      throw new IOException("reading " + n + " znodes under " + dir + " took over 60 s");
    }
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String child = dir + "/" + children.get(i);
      KeeperException.Code code = KeeperException.Code.get(codes[i]);
      if (code == KeeperException.Code.NONODE) {
        continue; // removed between listing and reading: the next serial says so
      }
      if (code != KeeperException.Code.OK) {
        throw KeeperException.create(code, child);
      }
      out.add(parse(child, data[i], type));
    }
    return out;
  }

  private <T> T parse(String path, byte[] data, Class<T> type) {
    try {
      return json.readValue(data, type);
    } catch (IOException | RuntimeException e) {
      throw new CldbException(
          CldbException.INVALID,
          "the znode " + path + " does not hold a " + type.getSimpleName() + ": " + e.getMessage());
    }
  }

  private long parseLong(byte[] data, String what) {
    String text = new String(data, StandardCharsets.UTF_8).strip();
    try {
      return text.isEmpty() ? 0 : Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new CldbException(
          CldbException.INVALID, "the CLDB's " + what + " znode holds \"" + text + "\"");
    }
  }
}
