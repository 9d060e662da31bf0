package io.citadel.centralconfig.internal.shell;

import io.citadel.centralconfig.internal.Alarm;
import io.citadel.centralconfig.internal.CentralConfigService;
import io.citadel.centralconfig.internal.PullSettings;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** The puller's settings, its last pull file by file, and its alarms. */
@Service
@Command(
    scope = "centralconfig",
    name = "status",
    description =
        "Shows the central configuration puller: its store, interval and node name, the last"
            + " pull with each file's source, checksum and result, and the alarms raised.")
public class CentralConfigStatus implements Action {

  @Reference CentralConfigService service;

  @Option(name = "--no-format", description = "Prints the tables without borders, for scripts.")
  boolean noFormat;

  @Override
  public Object execute() {
    CentralConfigService.Status s = service.status();
    PullSettings p = s.settings();
    ShellTable t = new ShellTable();
    t.column("Property");
    t.column("Value");
    t.addRow().addContent("Store", p.storeDescription());
    t.addRow().addContent("Node", p.host());
    t.addRow().addContent("Interval", p.intervalSec() + " s");
    t.addRow().addContent("Files", String.join(",", p.files().patterns()));
    t.addRow().addContent("Remove deleted", p.removeDeleted());
    t.addRow().addContent("Settle time", p.settleMs() + " ms");
    t.addRow().addContent("Last pull", s.last() == null ? "not yet" : s.last().at().toString());
    t.addRow().addContent("Next pull", s.nextPull() == null ? "-" : s.nextPull().toString());
    t.addRow().addContent("Installed by the puller", s.installed().size() + " file(s)");
    t.addRow()
        .addContent(
            "Configuration problems",
            s.settingProblems().isEmpty() ? "-" : String.join("; ", s.settingProblems()));
    t.print(System.out, !noFormat);
    if (s.last() != null) {
      if (!s.last().problem().isEmpty()) {
        System.out.println("Store: " + s.last().problem());
      }
      Tables.files(s.last().files(), noFormat).print(System.out, !noFormat);
    }
    ShellTable alarms = new ShellTable();
    alarms.emptyTableText("No alarm");
    alarms.column("Alarm");
    alarms.column("File");
    alarms.column("Source");
    alarms.column("Since");
    alarms.column("Error").maxSize(noFormat ? -1 : 100).wrap();
    for (Alarm a : s.alarms()) {
      alarms
          .addRow()
          .addContent(
              "CONFIG_FILE_REJECTED",
              a.path(),
              a.source().isEmpty() ? "-" : a.source(),
              a.since().toString(),
              a.error());
    }
    alarms.print(System.out, !noFormat);
    return null;
  }
}
