package io.citadel.fileserver.internal.shell;

import io.citadel.fileserver.internal.FileServerNode;
import io.citadel.fileserver.internal.FileServerService;
import io.citadel.sdk.Sizes;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** The containers this node holds, as its last heartbeat reported them. */
@Service
@Command(
    scope = "fileserver",
    name = "containers",
    description =
        "Lists the containers this node holds, as its last heartbeat reported them: id, volume,"
            + " the table and fragment stored, size.")
public class FileServerContainers implements Action {

  @Reference FileServerService service;

  @Argument(index = 0, name = "volume", description = "Only this volume's containers.")
  String volume;

  @Option(name = "--no-format", description = "Prints the table without borders, for scripts.")
  boolean noFormat;

  @Override
  public Object execute() {
    ShellTable t = new ShellTable();
    for (String c : new String[] {"Id", "Volume", "Table", "Fragment", "Size"}) {
      t.column(c);
    }
    for (FileServerNode.Held h : service.requireNode().containers()) {
      if (volume == null || volume.equals(h.volume())) {
        t.addRow().addContent(h.id(), h.volume(), h.table(), h.fragment(), Sizes.format(h.bytes()));
      }
    }
    t.print(System.out, !noFormat);
    return null;
  }
}
