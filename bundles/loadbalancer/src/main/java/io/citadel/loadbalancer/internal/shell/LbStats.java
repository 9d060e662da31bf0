package io.citadel.loadbalancer.internal.shell;

import io.citadel.loadbalancer.internal.Backend;
import io.citadel.loadbalancer.internal.LbView;
import io.citadel.loadbalancer.internal.LoadBalancerService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** The balancer as a whole. */
@Service
@Command(
    scope = "lb",
    name = "stats",
    description =
        "Shows the load balancer's settings in force and its totals: servers up, sessions,"
            + " requests, errors and retries.")
public class LbStats implements Action {

  @Reference LoadBalancerService service;

  @Option(name = "--no-format", description = "Prints the table without borders, for scripts.")
  boolean noFormat;

  @Override
  public Object execute() {
    LbView v = LbView.of(service);
    int up = 0;
    long sessions = 0;
    long total = 0;
    long requests = 0;
    long errors = 0;
    long retries = 0;
    int all = 0;
    for (Backend b : service.backends()) {
      all++;
      up += b.eligible() ? 1 : 0;
      sessions += b.sessions();
      total += b.sessionsTotal();
      requests += b.requests();
      errors += b.errors();
      retries += b.retriesFrom();
    }
    ShellTable t = new ShellTable();
    t.column("Property");
    t.column("Value");
    t.addRow().addContent("Algorithm", v.algorithm());
    t.addRow().addContent("Listening", v.listening());
    t.addRow().addContent("Servers from", v.source());
    t.addRow().addContent("Checks", v.checks());
    t.addRow().addContent("Servers taking work", up + " of " + all);
    t.addRow().addContent("Open sessions", sessions);
    t.addRow().addContent("Sessions since start", total);
    t.addRow().addContent("HTTP requests", requests);
    t.addRow().addContent("Connection errors", errors);
    t.addRow().addContent("Retried elsewhere", retries);
    t.print(System.out, !noFormat);
    return null;
  }
}
