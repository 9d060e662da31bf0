package io.citadel.cldb.internal.shell;

import io.citadel.cldb.internal.CldbService;
import io.citadel.cldb.internal.model.Container;
import io.citadel.sdk.Sizes;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** The containers of a volume, or of all. */
@Service
@Command(
    scope = "cldb",
    name = "containers",
    description = "Lists containers: id, volume, table and fragment, size, the nodes holding it.")
public class CldbContainers implements Action {

  @Reference CldbService service;

  @Argument(index = 0, name = "volume", description = "Only this volume's containers.")
  @Completion(VolumeCompleter.class)
  String volume;

  @Option(name = "--no-format", description = "Prints the table without borders, for scripts.")
  boolean noFormat;

  @Override
  public Object execute() {
    ShellTable t = new ShellTable();
    for (String c : new String[] {"Id", "Volume", "Table", "Fragment", "Size", "Replicas"}) {
      t.column(c);
    }
    try {
      for (Container c : service.requireNode().model().containers(volume)) {
        t.addRow()
            .addContent(
                c.id(),
                c.volume(),
                c.table(),
                c.fragment(),
                Sizes.format(c.sizeBytes()),
                String.join(",", c.replicas()));
      }
    } catch (io.citadel.cldb.internal.model.CldbException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    t.print(System.out, !noFormat);
    return null;
  }
}
