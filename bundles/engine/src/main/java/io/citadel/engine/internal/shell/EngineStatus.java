package io.citadel.engine.internal.shell;

import io.citadel.engine.internal.osgi.EngineService;
import io.citadel.engine.internal.osgi.EngineSettings;
import io.citadel.engine.internal.pgwire.PgServer;
import io.citadel.engine.internal.sql.Engine;
import io.citadel.engine.internal.sql.Session;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** The engine's state: listeners, storage, cache, execution, and who is connected. */
@Service
@Command(
    scope = "engine",
    name = "status",
    description =
        "Shows the engine's health, listeners, data folder, worker threads, column cache and"
            + " execution mode, tables and rows, memory in use; then every open session (PostgreSQL,"
            + " HTTP, console) and the statement it runs.")
public class EngineStatus implements Action {

  @Reference EngineService service;

  @Option(name = "--no-format", description = "Prints the tables without borders, for scripts.")
  boolean noFormat;

  @Override
  public Object execute() {
    EngineSettings s = service.settings();
    Engine engine = service.engine();
    ShellTable t = new ShellTable();
    t.column("Property");
    t.column("Value");
    t.addRow().addContent("Health", service.health().state() + " " + service.health().detail());
    t.addRow().addContent("PostgreSQL port", service.pgPort());
    t.addRow()
        .addContent("HTTP port (POST /sql)", service.httpPort() < 0 ? "off" : service.httpPort());
    t.addRow().addContent("Bind address", s.bindAddress().getHostAddress());
    t.addRow().addContent("Data folder", s.dataDir());
    t.addRow().addContent("Worker threads", s.threads());
    t.addRow().addContent("Default fragment size", s.fragmentSize());
    t.addRow()
        .addContent(
            "Execution",
            "cpu (execution-mode=" + s.executionMode() + "; this build has no GPU support)");
    if (engine != null) {
      var cache = engine.store().cache();
      t.addRow()
          .addContent(
              "Column cache (MiB)",
              Commands.mib(cache.bytes()) + " of " + Commands.mib(cache.budget()));
      long lookups = cache.hits() + cache.misses();
      t.addRow()
          .addContent(
              "Cache hits / misses / evictions",
              cache.hits()
                  + " / "
                  + cache.misses()
                  + " / "
                  + cache.evictions()
                  + (lookups == 0
                      ? ""
                      : String.format(" (%.1f%% hits)", 100.0 * cache.hits() / lookups)));
      long rows = 0;
      for (var table : engine.store().tables()) {
        rows += table.version().liveRows();
      }
      t.addRow().addContent("Tables / rows", engine.store().tables().size() + " / " + rows);
      Runtime rt = Runtime.getRuntime();
      t.addRow()
          .addContent(
              "JVM heap used (MiB)",
              Commands.mib(rt.totalMemory() - rt.freeMemory())
                  + " of "
                  + Commands.mib(rt.maxMemory()));
      t.addRow().addContent("Statements run", engine.statementsRun());
    }
    t.print(System.out, !noFormat);

    System.out.println();
    ShellTable c = new ShellTable();
    c.column("Session").alignRight();
    c.column("Pid").alignRight();
    c.column("User");
    c.column("Client");
    var running = c.column("Running");
    if (!noFormat) {
      running.maxSize(60);
    }
    c.column("For (s)").alignRight();
    Map<Long, PgServer.ConnectionInfo> wire = new java.util.HashMap<>();
    for (PgServer.ConnectionInfo info : service.connections()) {
      wire.put(info.sessionId(), info);
    }
    Map<Long, Session> sessions = engine == null ? Map.of() : engine.sessions();
    long now = System.currentTimeMillis();
    for (Session session : new java.util.TreeMap<>(sessions).values()) {
      PgServer.ConnectionInfo info = wire.get(session.id());
      String sql = session.runningSql();
      c.addRow()
          .addContent(
              session.id(),
              info == null ? "-" : info.processId(),
              session.user(),
              info == null ? "in-process (HTTP or console)" : info.remote(),
              sql == null ? "idle" : sql,
              sql == null ? "" : String.format("%.1f", (now - session.runningSince()) / 1000.0));
    }
    c.print(System.out, !noFormat);
    return null;
  }
}
