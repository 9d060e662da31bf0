package io.citadel.cldb.internal.shell;

import io.citadel.cldb.internal.CldbService;
import io.citadel.cldb.internal.model.Alarm;
import java.time.Instant;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** The alarms raised now. */
@Service
@Command(
    scope = "cldb",
    name = "alarms",
    description =
        "Lists the alarms raised now (the master's; a slave shows what it knows): missed"
            + " heartbeats, full disks, volumes over quota, under-replicated containers, a new"
            + " CLDB master. Each clears when its condition ends.")
public class CldbAlarms implements Action {

  @Reference CldbService service;

  @Option(name = "--no-format", description = "Prints the table without borders, for scripts.")
  boolean noFormat;

  @Override
  public Object execute() {
    ShellTable t = new ShellTable();
    t.column("Alarm");
    t.column("Subject");
    t.column("Raised");
    t.column("Description");
    for (Alarm a : service.requireNode().model().alarms()) {
      t.addRow()
          .addContent(
              a.type(), a.subject(), Instant.ofEpochMilli(a.raisedMillis()), a.description());
    }
    t.print(System.out, !noFormat);
    return null;
  }
}
