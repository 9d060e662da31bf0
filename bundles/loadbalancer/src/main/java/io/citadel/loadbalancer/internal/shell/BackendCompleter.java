package io.citadel.loadbalancer.internal.shell;

import io.citadel.loadbalancer.internal.Backend;
import io.citadel.loadbalancer.internal.LoadBalancerService;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the balancer's server ids. */
@Service
public class BackendCompleter implements Completer {

  @Reference LoadBalancerService service;

  @Override
  public int complete(Session session, CommandLine commandLine, List<String> candidates) {
    StringsCompleter delegate = new StringsCompleter();
    try {
      for (Backend b : service.backends()) {
        delegate.getStrings().add(b.id());
      }
    } catch (IllegalStateException notRunning) {
      // nothing to offer
    }
    return delegate.complete(session, commandLine, candidates);
  }
}
