package io.citadel.coordination.internal.shell;

import io.citadel.coordination.internal.CoordinationSettings;
import io.citadel.coordination.internal.Ensemble;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * Every server of the ensemble as it answers for itself: its mode, the last transaction it has, its
 * latency and connections; a server that does not answer says so.
 */
@Service
@Command(
    scope = "zk",
    name = "ensemble",
    description =
        "Lists every ZooKeeper server of the ensemble (or of the connect string) with its mode,"
            + " last zxid, latency and connections, asking each one.")
public class ZkEnsemble extends ZkAction {

  /** A server to ask: its id (0 when only the connect string names it) and client address. */
  private record Target(long id, String role, String host, int port) {}

  @Override
  protected Object run() throws Exception {
    CoordinationSettings s =
        runtime
            .settings()
            .orElseThrow(() -> new IllegalStateException("Coordination has no configuration"));
    List<Target> targets = new ArrayList<>();
    if (!s.ensemble().isEmpty()) {
      // ZooKeeper's membership now (a reconfig changes it), else the description
      Ensemble members = runtime.membership().orElse(s.ensemble());
      for (Ensemble.Server server : members.servers()) {
        targets.add(
            new Target(
                server.id(),
                server.observer() ? "observer" : "participant",
                server.clientHost(),
                server.clientPort()));
      }
    } else {
      String servers = s.effectiveConnect();
      int slash = servers.indexOf('/');
      if (slash >= 0) {
        servers = servers.substring(0, slash);
      }
      for (String hostPort : servers.split(",")) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0 || hostPort.endsWith("]")) {
          targets.add(new Target(0, "", hostPort.strip(), 2181)); // ZooKeeper's default port
          continue;
        }
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        targets.add(
            new Target(0, "", host, Integer.parseInt(hostPort.substring(colon + 1).trim())));
      }
    }
    ShellTable table = new ShellTable();
    table.column("Id");
    table.column("Server");
    table.column("Voting");
    table.column("Mode");
    table.column("Last zxid");
    table.column("Latency min/avg/max ms");
    table.column("Connections");
    table.column("Znodes");
    long thisNode = runtime.peer().map(p -> p.id()).orElse(0L);
    for (Target t : targets) {
      String id = t.id() == 0 ? "-" : t.id() + (t.id() == thisNode ? " (this node)" : "");
      String address = (t.host().contains(":") ? "[" + t.host() + "]" : t.host()) + ":" + t.port();
      try {
        Map<String, String> a = ServerProbe.srvr(t.host(), t.port());
        table
            .addRow()
            .addContent(
                id,
                address,
                t.role(),
                a.getOrDefault("Mode", "?"),
                a.getOrDefault("Zxid", "?"),
                a.getOrDefault("Latency min/avg/max", "?"),
                a.getOrDefault("Connections", "?"),
                a.getOrDefault("Node count", "?"));
      } catch (Exception e) {
        table
            .addRow()
            .addContent(id, address, t.role(), "not answering: " + e.getMessage(), "", "", "", "");
      }
    }
    table.print(System.out);
    return null;
  }
}
