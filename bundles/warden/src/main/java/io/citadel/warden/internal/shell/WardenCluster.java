package io.citadel.warden.internal.shell;

import io.citadel.warden.internal.WardenRuntime;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Every node's services, as the nodes publish them in ZooKeeper. */
@Service
@Command(
    scope = "warden",
    name = "cluster",
    description = "Lists every node's services from /citadel/<cluster>/services in ZooKeeper.")
public class WardenCluster implements Action {

  @Reference WardenRuntime warden;

  @Override
  public Object execute() throws Exception {
    ShellTable table = new ShellTable();
    table.column("Node");
    table.column("Service");
    table.column("State");
    table.column("Port").alignRight();
    table.column("Memory (MiB)").alignRight();
    table.column("Restarts").alignRight();
    table.column("Since");
    table.column("Detail").maxSize(60);
    for (WardenRuntime.ClusterEntry entry : warden.cluster()) {
      var status = entry.status();
      table
          .addRow()
          .addContent(
              entry.host(),
              entry.service(),
              status.getOrDefault("state", "?"),
              status.getOrDefault("port", "0").equals("0") ? "-" : status.get("port"),
              status.getOrDefault("memoryMb", "0"),
              status.getOrDefault("restarts", "0"),
              status.getOrDefault("since", ""),
              status.getOrDefault("detail", ""));
    }
    table.print(System.out);
    return null;
  }
}
