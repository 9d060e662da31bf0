package io.citadel.engine.internal.shell;

import io.citadel.engine.internal.osgi.EngineService;
import io.citadel.engine.internal.storage.ColumnDef;
import io.citadel.engine.internal.storage.Table;
import io.citadel.engine.internal.storage.TableVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** The engine's tables, or one table's columns. */
@Service
@Command(
    scope = "engine",
    name = "tables",
    description =
        "Lists the tables with their rows, deleted rows, fragments and fragment size; with a table"
            + " name, lists that table's columns.")
public class EngineTables implements Action {

  @Reference EngineService service;

  @Argument(name = "table", description = "A table whose columns to list", required = false)
  @Completion(TableNameCompleter.class)
  String table;

  @Option(name = "--no-format", description = "Prints the table without borders, for scripts.")
  boolean noFormat;

  @Override
  public Object execute() {
    var store = Commands.engine(service).store();
    ShellTable out = new ShellTable();
    if (table != null) {
      TableVersion v = store.require(table).version();
      out.column("Column");
      out.column("Type");
      out.column("Nullable");
      for (ColumnDef c : v.def().columns()) {
        out.addRow().addContent(c.name(), c.type().sqlName(), c.notNull() ? "NO" : "YES");
      }
    } else {
      out.column("Table");
      out.column("Columns").alignRight();
      out.column("Rows").alignRight();
      out.column("Deleted").alignRight();
      out.column("Fragments").alignRight();
      out.column("Fragment size").alignRight();
      List<Table> tables = new ArrayList<>(store.tables());
      tables.sort(Comparator.comparing(t -> t.def().name()));
      for (Table t : tables) {
        TableVersion v = t.version();
        out.addRow()
            .addContent(
                v.def().name(),
                v.def().columns().size(),
                v.liveRows(),
                v.rows() - v.liveRows(),
                v.fragments().size(),
                v.def().fragmentSize());
      }
    }
    out.print(System.out, !noFormat);
    return null;
  }
}
