package io.citadel.coordination.internal.shell;

import io.citadel.coordination.internal.CoordinationSettings;
import io.citadel.coordination.internal.CuratorCoordination;
import io.citadel.coordination.internal.Ensemble;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Where the node's session is: which server, its mode, the session, the latency. */
@Service
@Command(
    scope = "zk",
    name = "stat",
    description =
        "Shows the ZooKeeper session: the server it is connected to, the server's mode, the"
            + " session id and latency; for a node of the cluster's ensemble, its size, quorum and"
            + " this node's peer.")
public class ZkStat extends ZkAction {

  private static final int PROBE_TIMEOUT_MS = 2_000;

  @Override
  protected Object run() throws Exception {
    ShellTable table = new ShellTable();
    table.column("Property");
    table.column("Value");
    Optional<CoordinationSettings> settings = runtime.settings();
    settings.ifPresent(
        s -> {
          table.addRow().addContent("Cluster", s.clusterName());
          table.addRow().addContent("Connect string", s.effectiveConnect());
          table.addRow().addContent("Session timeout (asked)", s.sessionTimeoutMs() + " ms");
        });
    table.addRow().addContent("Embedded server", runtime.embeddedServer().orElse("no"));
    settings
        .filter(s -> !s.ensemble().isEmpty())
        .ifPresent(
            s -> {
              Ensemble e = runtime.membership().orElse(s.ensemble());
              table
                  .addRow()
                  .addContent(
                      "Ensemble",
                      e.servers().size()
                          + " servers, "
                          + e.voters()
                          + " voting; quorum "
                          + e.quorum()
                          + ", survives "
                          + e.toleratedFailures()
                          + " failed"
                          + (e.equals(s.ensemble())
                              ? ""
                              : " (ZooKeeper's membership since a reconfig)"));
              if (e.voters() % 2 == 0) {
                table
                    .addRow()
                    .addContent(
                        "Warning",
                        "an ensemble of "
                            + e.voters()
                            + " voters survives no more failures than one of "
                            + (e.voters() - 1)
                            + " does: add or remove one voter");
              }
            });
    runtime
        .peer()
        .ifPresent(
            p ->
                table
                    .addRow()
                    .addContent("This node's peer", "server " + p.id() + ", " + p.role()));
    runtime
        .coordination()
        .ifPresent(
            c -> {
              table.addRow().addContent("State", c.state() + " since " + c.stateSince());
              c.session()
                  .ifPresent(
                      s -> {
                        table.addRow().addContent("Session id", "0x" + Long.toHexString(s.id()));
                        table
                            .addRow()
                            .addContent("Session timeout (negotiated)", s.timeoutMs() + " ms");
                      });
              c.connectedServer()
                  .ifPresent(
                      server -> {
                        table.addRow().addContent("Connected to", describe(server));
                        probe(server).forEach((k, v) -> table.addRow().addContent(k, v));
                      });
              if (c.state().isConnected()) {
                table.addRow().addContent("Round trip (exists /)", roundTrip(c));
              }
            });
    if (runtime.coordination().isEmpty()) {
      table.addRow().addContent("State", "not running");
    }
    runtime
        .lastProblem()
        .ifPresent(
            p ->
                table
                    .addRow()
                    .addContent("Configuration problem", p.message() + " (at " + p.at() + ")"));
    table.print(System.out);
    return null;
  }

  private static String roundTrip(CuratorCoordination c) {
    try {
      long start = System.nanoTime();
      c.curator().checkExists().forPath("/");
      return String.format("%.2f ms", (System.nanoTime() - start) / 1e6);
    } catch (Exception e) {
      return "failed: " + e.getMessage();
    }
  }

  private static String describe(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      return inet.getHostString() + ":" + inet.getPort();
    }
    return String.valueOf(address);
  }

  /** Asks the server itself, with ZooKeeper's {@code srvr} command (allowed by default). */
  private static Map<String, String> probe(SocketAddress address) {
    Map<String, String> rows = new LinkedHashMap<>();
    if (!(address instanceof InetSocketAddress inet)) {
      return rows;
    }
    Map<String, String> answer;
    try {
      answer = ServerProbe.srvr(inet.getHostString(), inet.getPort());
    } catch (Exception e) {
      rows.put("Server mode", "unknown (srvr failed: " + e.getMessage() + ")");
      return rows;
    }
    answer.forEach(
        (key, value) -> {
          switch (key) {
            case "Mode" -> rows.put("Server mode", value);
            case "Zookeeper version" -> rows.put("Server version", value.split(",")[0]);
            case "Latency min/avg/max" -> rows.put("Server latency min/avg/max", value + " ms");
            case "Node count" -> rows.put("Znodes", value);
            case "Outstanding" -> rows.put("Outstanding requests", value);
            default -> {}
          }
        });
    return rows;
  }
}
