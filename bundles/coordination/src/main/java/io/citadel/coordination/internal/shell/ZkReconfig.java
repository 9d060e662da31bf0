package io.citadel.coordination.internal.shell;

import io.citadel.coordination.internal.Ensemble;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * Grows or shrinks the ensemble with ZooKeeper's dynamic reconfiguration, keeping its data: a new
 * server is first started (its node's {@code ensemble.servers} naming the current servers and
 * itself), syncs from the leader as a learner, and becomes a voter when this command commits.
 */
@Service
@Command(
    scope = "zk",
    name = "reconfig",
    description =
        "Changes the ZooKeeper ensemble's membership with ZooKeeper's reconfig, through this node's"
            + " peer: --add servers that already run (started with ensemble.servers naming the"
            + " current servers and themselves), --remove servers by id. Prints the membership"
            + " ZooKeeper committed.",
    detailedDescription =
        "Growing 3 to 5: start the two new nodes with ensemble.servers listing the three current"
            + " servers and the new one, and ensemble.id set; once they run, on any current node:\n"
            + "  zk:reconfig --add \"4=10.0.0.4:2888:3888;2181\" --add"
            + " \"5=10.0.0.5:2888:3888;2181\"\n"
            + "ZooKeeper commits the change once a quorum of the old and of the new servers has"
            + " it; nothing stored is lost. Then give every node the new ensemble.servers (central"
            + " configuration does it), for nodes started later: running peers keep ZooKeeper's"
            + " membership and are not restarted.")
public class ZkReconfig extends ZkAction {

  @Option(
      name = "--add",
      description = "A server to add: id=host:quorumPort:electionPort[:observer];[host:]clientPort",
      multiValued = true)
  List<String> add = new ArrayList<>();

  @Option(name = "--remove", description = "The id of a server to remove", multiValued = true)
  List<Long> remove = new ArrayList<>();

  @Override
  protected Object run() throws Exception {
    if (add.isEmpty() && remove.isEmpty()) {
      throw new IllegalArgumentException(
          "nothing to change: give --add id=host:quorum:election;client or --remove id");
    }
    for (String server : add) {
      try {
        Ensemble.server(server.strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--add " + server + ": " + e.getMessage(), e);
      }
    }
    Ensemble after = runtime.reconfigure(add, remove);
    ShellTable table = new ShellTable();
    table.column("Id");
    table.column("Quorum address");
    table.column("Election port").alignRight();
    table.column("Client address");
    table.column("Voting");
    for (Ensemble.Server s : after.servers()) {
      table
          .addRow()
          .addContent(
              s.id(),
              s.host() + ":" + s.quorumPort(),
              s.electionPort(),
              s.clientAddress(),
              s.observer() ? "observer" : "participant");
    }
    table.print(System.out);
    System.out.printf(
        "The ensemble has %d voting servers: a quorum of %d, %d may fail.%n",
        after.voters(), after.quorum(), after.toleratedFailures());
    System.out.println(
        "Set ensemble.servers = " + after + " on every node, for the nodes started later.");
    return null;
  }
}
