package io.citadel.cldb.internal.shell;

import io.citadel.cldb.internal.CldbService;
import io.citadel.cldb.internal.model.ClusterModel;
import io.citadel.sdk.Sizes;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** The fileserver nodes the CLDB knows. */
@Service
@Command(
    scope = "cldb",
    name = "nodes",
    description =
        "Lists the nodes whose fileservers heartbeat to the CLDB: address, whether they are"
            + " available, the age of their last heartbeat (on the master), disk and containers.")
public class CldbNodes implements Action {

  @Reference CldbService service;

  @Option(name = "--no-format", description = "Prints the table without borders, for scripts.")
  boolean noFormat;

  @Override
  public Object execute() {
    ShellTable t = new ShellTable();
    for (String c :
        new String[] {
          "Node", "Address", "Available", "Heartbeat", "Capacity", "Used", "Containers"
        }) {
      t.column(c);
    }
    long now = System.currentTimeMillis();
    for (ClusterModel.NodeView n : service.requireNode().model().nodes()) {
      t.addRow()
          .addContent(
              n.id(),
              n.address(),
              n.available() ? "yes" : "NO",
              (now - n.lastHeartbeatMillis()) + " ms ago",
              Sizes.format(n.capacityBytes()),
              Sizes.format(n.usedBytes()),
              n.containers());
    }
    t.print(System.out, !noFormat);
    return null;
  }
}
