package io.citadel.warden.internal.shell;

import io.citadel.warden.internal.WardenRuntime;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the names of the services this node's Warden knows. */
@Service
public class ServiceNameCompleter implements Completer {

  @Reference WardenRuntime warden;

  @Override
  public int complete(Session session, CommandLine commandLine, List<String> candidates) {
    return new StringsCompleter(warden.serviceNames()).complete(session, commandLine, candidates);
  }
}
