package io.citadel.cldb.internal.shell;

import io.citadel.cldb.internal.CldbNode;
import io.citadel.cldb.internal.CldbService;
import io.citadel.cldb.internal.model.CldbException;
import io.citadel.cldb.internal.model.Volume;
import io.citadel.sdk.Sizes;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Creates a volume on the master (sent there from a slave). */
@Service
@Command(
    scope = "cldb",
    name = "volume-create",
    description =
        "Creates a volume with a quota (bytes, or with K, M, G, T) and a replica policy. On a"
            + " slave CLDB the request goes to the master.")
public class CldbVolumeCreate implements Action {

  @Reference CldbService service;

  @Argument(index = 0, name = "name", description = "The volume's name.", required = true)
  String name;

  @Option(name = "--quota", description = "The most its containers may hold, e.g. 10G; 0: none.")
  String quota = "0";

  @Option(name = "--min-replicas", description = "Below this many live replicas: under-replicated.")
  int minReplicas = 1;

  @Option(name = "--replicas", description = "Replicas each container should have.")
  int replicas = 1;

  @Override
  public Object execute() throws Exception {
    long bytes = Sizes.parse(quota);
    CldbNode n = service.requireNode();
    int desired = Math.max(replicas, minReplicas);
    try {
      Volume v = n.createVolume(name, bytes, minReplicas, desired);
      System.out.println("Created volume " + v.name() + " (quota " + Sizes.format(bytes) + ")");
    } catch (CldbException e) {
      if (!CldbException.NOT_MASTER.equals(e.code())) {
        throw new IllegalArgumentException(e.getMessage());
      }
      String body =
          String.format(
              "{\"name\":\"%s\",\"quota\":%d,\"minReplicas\":%d,\"desiredReplicas\":%d}",
              name.replace("\"", ""), bytes, minReplicas, desired);
      try {
        n.forwardToMaster("POST", "/v1/volumes", body);
      } catch (CldbException refused) {
        throw new IllegalArgumentException(refused.getMessage());
      }
      System.out.println(
          "Created volume " + name + " (quota " + Sizes.format(bytes) + ") on the master");
    }
    return null;
  }
}
