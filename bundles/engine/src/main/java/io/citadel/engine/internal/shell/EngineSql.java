package io.citadel.engine.internal.shell;

import io.citadel.engine.internal.auth.UserStore;
import io.citadel.engine.internal.osgi.EngineService;
import io.citadel.engine.internal.sql.Engine;
import io.citadel.engine.internal.sql.QueryResult;
import io.citadel.engine.internal.sql.Session;
import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Runs one statement from the console, as the engine's superuser. */
@Service
@Command(
    scope = "engine",
    name = "sql",
    description =
        "Runs one SQL statement as the engine's superuser and prints its rows, its notices and its"
            + " command tag. Quote the statement, or its words are joined with spaces.")
public class EngineSql implements Action {

  @Reference EngineService service;

  @Argument(
      name = "statement",
      description = "The SQL statement",
      required = true,
      multiValued = true)
  List<String> words;

  @Option(name = "--no-format", description = "Prints rows without borders, for scripts.")
  boolean noFormat;

  @Option(name = "--max-rows", description = "Prints at most this many rows (default 1000).")
  int maxRows = 1000;

  @Override
  public Object execute() {
    Engine engine = Commands.engine(service);
    String sql = String.join(" ", words);
    long start = System.nanoTime();
    try (Session session = engine.openSession(UserStore.ADMIN)) {
      QueryResult r = session.execute(sql);
      double ms = (System.nanoTime() - start) / 1e6;
      for (String notice : r.notices()) {
        System.out.println("NOTICE:  " + notice);
      }
      if (r.hasRows()) {
        ShellTable table = new ShellTable();
        ColumnType[] types = r.types();
        for (int c = 0; c < types.length; c++) {
          var column = table.column(r.names().get(c));
          if (types[c].kind().isNumeric()) {
            column.alignRight();
          }
        }
        int printed = 0;
        for (String[] row : r.rowsText()) {
          if (printed++ == maxRows) {
            break;
          }
          Object[] cells = new Object[row.length];
          for (int c = 0; c < row.length; c++) {
            cells[c] = row[c] == null ? "NULL" : row[c];
          }
          table.addRow().addContent(cells);
        }
        table.print(System.out, !noFormat);
        if (r.rowCount() > maxRows) {
          System.out.println("(" + maxRows + " of " + r.rowCount() + " rows printed)");
        }
      }
      System.out.printf("%s (%.1f ms)%n", r.tag(), ms);
    } catch (SqlException e) {
      // Thrown, so that the console says "Error executing command" and scripts see a failure.
      throw new IllegalArgumentException(
          e.getMessage()
              + " (SQLSTATE "
              + e.sqlState()
              + (e.position() > 0 ? ", at character " + e.position() : "")
              + ")",
          e);
    }
    return null;
  }
}
