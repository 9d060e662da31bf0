package io.citadel.cldb.internal.shell;

import io.citadel.cldb.internal.CldbNode;
import io.citadel.cldb.internal.CldbService;
import io.citadel.cldb.internal.model.Volume;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes volume names. */
@Service
public class VolumeCompleter implements Completer {

  @Reference CldbService service;

  @Override
  public int complete(Session session, CommandLine commandLine, List<String> candidates) {
    StringsCompleter names = new StringsCompleter();
    try {
      CldbNode n = service.requireNode();
      for (Volume v : n.model().volumes()) {
        names.getStrings().add(v.name());
      }
    } catch (RuntimeException notRunning) {
      // nothing to offer
    }
    return names.complete(session, commandLine, candidates);
  }
}
