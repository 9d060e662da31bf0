package io.citadel.engine.internal.shell;

import io.citadel.engine.internal.osgi.EngineService;
import io.citadel.engine.internal.sql.Engine;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the engine's table names. */
@Service
public class TableNameCompleter implements Completer {

  @Reference EngineService service;

  @Override
  public int complete(Session session, CommandLine commandLine, List<String> candidates) {
    Engine engine = service.engine();
    StringsCompleter names = new StringsCompleter();
    if (engine != null) {
      engine.store().tables().forEach(t -> names.getStrings().add(t.def().name()));
    }
    return names.complete(session, commandLine, candidates);
  }
}
