package io.citadel.loadbalancer.internal.shell;

import io.citadel.loadbalancer.internal.LoadBalancerService;
import java.time.Duration;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Takes a server out of rotation for maintenance. */
@Service
@Command(
    scope = "lb",
    name = "drain",
    description =
        "Stops new sessions and requests to a server and waits for its open ones to end (at most"
            + " --wait seconds). lb:undrain puts it back.")
public class LbDrain implements Action {

  @Reference LoadBalancerService service;

  @Argument(index = 0, name = "server", description = "The server's id.", required = true)
  @Completion(BackendCompleter.class)
  String server;

  @Option(name = "--wait", description = "Seconds to wait for open work to end.")
  int waitSeconds = 60;

  @Override
  public Object execute() throws Exception {
    int left = service.drain(server, Duration.ofSeconds(Math.max(0, waitSeconds)));
    System.out.println(
        left == 0
            ? server + " is drained: no session or request open; it gets no new work"
            : server
                + " gets no new work; "
                + left
                + " session(s) or request(s) still open after "
                + waitSeconds
                + " s");
    return null;
  }
}
