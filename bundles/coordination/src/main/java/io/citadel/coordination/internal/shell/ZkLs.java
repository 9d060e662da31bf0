package io.citadel.coordination.internal.shell;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.apache.zookeeper.data.Stat;

/** Lists the children of a znode, or a whole subtree. */
@Service
@Command(scope = "zk", name = "ls", description = "Lists the children of a ZooKeeper node.")
public class ZkLs extends ZkAction {

  /** Bounds a recursive listing so that a huge tree cannot flood the console. */
  static final int MAX_NODES = 10_000;

  @Argument(index = 0, name = "path", description = "The znode (default /).", required = false)
  @Completion(ZkPathCompleter.class)
  String path = "/";

  @Option(
      name = "-r",
      aliases = "--recursive",
      description = "Lists the whole subtree, depth first.")
  boolean recursive;

  @Option(name = "--no-format", description = "Prints the table without borders.")
  boolean noFormat;

  @Override
  protected Object run() throws Exception {
    CuratorFramework client = connectedClient();
    String root = normalise(path);
    if (client.checkExists().forPath(root) == null) {
      throw new IllegalArgumentException("No such znode: " + root);
    }
    ShellTable table = new ShellTable();
    table.column(recursive ? "Path" : "Name");
    table.column("Children").alignRight();
    table.column("Bytes").alignRight();
    table.column("Ephemeral owner");
    table.column("Modified");
    Deque<String> pending = new ArrayDeque<>();
    pending.push(root);
    int listed = 0;
    boolean truncated = false;
    while (!pending.isEmpty()) {
      String parent = pending.pop();
      List<String> children = client.getChildren().forPath(parent);
      children.sort(null);
      for (int i = children.size() - 1; recursive && i >= 0; i--) {
        pending.push(child(parent, children.get(i)));
      }
      if (recursive && !parent.equals(root)) {
        addRow(table, client, parent, parent);
        listed++;
      }
      if (!recursive) {
        for (String name : children) {
          addRow(table, client, child(parent, name), name);
        }
      }
      if (listed >= MAX_NODES) {
        truncated = !pending.isEmpty();
        break;
      }
    }
    table.print(System.out, !noFormat);
    if (truncated) {
      System.out.println("(stopped after " + MAX_NODES + " znodes)");
    }
    return null;
  }

  private static void addRow(ShellTable table, CuratorFramework client, String node, String label)
      throws Exception {
    Stat stat = client.checkExists().forPath(node);
    if (stat == null) {
      return; // deleted while listing
    }
    table
        .addRow()
        .addContent(
            label,
            stat.getNumChildren(),
            stat.getDataLength(),
            stat.getEphemeralOwner() == 0 ? "-" : "0x" + Long.toHexString(stat.getEphemeralOwner()),
            Instant.ofEpochMilli(stat.getMtime()).toString());
  }
}
