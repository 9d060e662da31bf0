package io.citadel.fileserver.internal.shell;

import io.citadel.fileserver.internal.FileServerNode;
import io.citadel.fileserver.internal.FileServerService;
import io.citadel.sdk.Sizes;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** This node's fileserver: its master, heartbeats, containers and the quotas it enforces. */
@Service
@Command(
    scope = "fileserver",
    name = "status",
    description =
        "Shows this node's fileserver: the CLDB master it reports to, its heartbeat interval and"
            + " last answer, the containers it holds, and the quotas it refuses writes by.")
public class FileServerStatus implements Action {

  @Reference FileServerService service;

  @Option(name = "--no-format", description = "Prints the tables without borders, for scripts.")
  boolean noFormat;

  @Override
  public Object execute() {
    FileServerNode.Status s = service.requireNode().status();
    ShellTable t = new ShellTable();
    t.column("Property");
    t.column("Value");
    long now = System.currentTimeMillis();
    t.addRow().addContent("Node", s.node());
    t.addRow().addContent("Catalog folder", service.catalogFolder());
    t.addRow().addContent("Master CLDB", s.master().isEmpty() ? "(none known)" : s.master());
    t.addRow().addContent("CLDB epoch", s.epoch());
    t.addRow().addContent("Heartbeat interval", s.intervalMs() + " ms");
    t.addRow()
        .addContent(
            "Last heartbeat answered",
            s.lastHeartbeatMillis() == 0 ? "never" : (now - s.lastHeartbeatMillis()) + " ms ago");
    t.addRow().addContent("Problem", s.problem().isEmpty() ? "-" : s.problem());
    t.addRow().addContent("Volumes attached", String.join(", ", s.volumes()));
    t.addRow().addContent("Containers", s.containers());
    t.addRow().addContent("Bytes held", Sizes.format(s.bytes()));
    t.print(System.out, !noFormat);
    if (!s.quotas().isEmpty()) {
      ShellTable q = new ShellTable();
      q.column("Volume");
      q.column("Quota");
      q.column("Used");
      for (Map.Entry<String, FileServerNode.Space> e : s.quotas().entrySet()) {
        q.addRow()
            .addContent(
                e.getKey(),
                Sizes.format(e.getValue().quotaBytes()),
                Sizes.format(e.getValue().usedBytes()));
      }
      q.print(System.out, !noFormat);
    }
    return null;
  }
}
