package io.citadel.cldb.internal.shell;

import io.citadel.cldb.internal.CldbNode;
import io.citadel.cldb.internal.CldbService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Which CLDB is master, and this one's role. */
@Service
@Command(
    scope = "cldb",
    name = "master",
    description =
        "Shows the CLDB master (the holder of /citadel/<cluster>/masters/cldb), its API address"
            + " and epoch, and this node's CLDB role: MASTER, SLAVE or STARTING.")
public class CldbMaster implements Action {

  @Reference CldbService service;

  @Option(name = "--no-format", description = "Prints the table without borders, for scripts.")
  boolean noFormat;

  @Override
  public Object execute() {
    CldbNode n = service.requireNode();
    CldbNode.MasterInfo m = n.master();
    ShellTable t = new ShellTable();
    t.column("This CLDB");
    t.column("Role");
    t.column("Master");
    t.column("Master API");
    t.column("Epoch");
    t.column("Detail");
    t.addRow()
        .addContent(
            n.host(),
            n.role(),
            m == null ? "-" : m.host(),
            m == null ? "-" : m.address(),
            m == null ? "-" : m.epoch(),
            n.detail());
    t.print(System.out, !noFormat);
    return null;
  }
}
