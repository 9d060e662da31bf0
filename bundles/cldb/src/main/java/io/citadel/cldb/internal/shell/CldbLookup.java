package io.citadel.cldb.internal.shell;

import io.citadel.cldb.internal.CldbService;
import io.citadel.cldb.internal.model.CldbException;
import io.citadel.cldb.internal.model.Location;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** The open-file flow for a table. */
@Service
@Command(
    scope = "cldb",
    name = "lookup",
    description =
        "Follows a table to its volume, its containers and the live nodes holding each: where a"
            + " query on it can run. Answers on slaves too.")
public class CldbLookup implements Action {

  @Reference CldbService service;

  @Argument(index = 0, name = "table", description = "[volume/]table", required = true)
  String table;

  @Option(name = "--no-format", description = "Prints the table without borders, for scripts.")
  boolean noFormat;

  @Override
  public Object execute() {
    ShellTable t = new ShellTable();
    for (String c : new String[] {"Fragment", "Container", "Volume", "Live replicas", "Replicas"}) {
      t.column(c);
    }
    try {
      for (Location l : service.requireNode().model().lookup(table)) {
        t.addRow()
            .addContent(
                l.fragment(),
                l.containerId(),
                l.volume(),
                l.liveAddresses().isEmpty() ? "NONE" : String.join(",", l.liveAddresses()),
                l.replicas());
      }
    } catch (CldbException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    t.print(System.out, !noFormat);
    return null;
  }
}
