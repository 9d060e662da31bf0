package io.citadel.loadbalancer.internal.shell;

import io.citadel.loadbalancer.internal.Backend;
import io.citadel.loadbalancer.internal.LoadBalancerService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** The servers behind the balancer. */
@Service
@Command(
    scope = "lb",
    name = "backends",
    description =
        "Lists the servers behind the load balancer: state, last check, open sessions and requests,"
            + " totals, errors, retries sent elsewhere, and latency of the last 1024 HTTP requests.")
public class LbBackends implements Action {

  @Reference LoadBalancerService service;

  @Option(name = "--no-format", description = "Prints the table without borders, for scripts.")
  boolean noFormat;

  @Override
  public Object execute() {
    ShellTable t = new ShellTable();
    for (String c :
        new String[] {
          "Server",
          "PostgreSQL",
          "HTTP",
          "State",
          "Checked",
          "Sessions",
          "In flight",
          "Sessions total",
          "Requests",
          "Errors",
          "Retried elsewhere",
          "p50 ms",
          "p99 ms",
          "HA state",
          "Last error",
          "State since"
        }) {
      t.column(c);
    }
    long now = System.currentTimeMillis();
    for (Backend b : service.backends()) {
      t.addRow()
          .addContent(
              b.id(),
              b.pgAddress(),
              b.httpAddress().isEmpty() ? "-" : b.httpAddress(),
              b.draining() ? b.state() + " (draining)" : b.state(),
              b.lastCheckMillis() == 0 ? "never" : (now - b.lastCheckMillis()) + " ms ago",
              b.sessions(),
              b.inFlight(),
              b.sessionsTotal(),
              b.requests(),
              b.errors(),
              b.retriesFrom(),
              millis(b.latencyPercentile(50)),
              millis(b.latencyPercentile(99)),
              b.groupState().isEmpty() ? "-" : b.groupState(),
              b.lastError().isEmpty() ? "-" : b.lastError(),
              java.time.Instant.ofEpochMilli(b.stateSinceMillis()).toString());
    }
    t.print(System.out, !noFormat);
    return null;
  }

  static String millis(long micros) {
    return micros < 0 ? "-" : String.format(java.util.Locale.ROOT, "%.2f", micros / 1000.0);
  }
}
