package io.citadel.loadbalancer.internal.shell;

import io.citadel.loadbalancer.internal.LoadBalancerService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Puts a drained server back into rotation. */
@Service
@Command(scope = "lb", name = "undrain", description = "Lets a drained server take new work again.")
public class LbUndrain implements Action {

  @Reference LoadBalancerService service;

  @Argument(index = 0, name = "server", description = "The server's id.", required = true)
  @Completion(BackendCompleter.class)
  String server;

  @Override
  public Object execute() {
    service.undrain(server);
    System.out.println(server + " takes new work again");
    return null;
  }
}
