package io.citadel.cldb.internal.shell;

import io.citadel.cldb.internal.CldbNode;
import io.citadel.cldb.internal.CldbService;
import io.citadel.cldb.internal.model.CldbException;
import io.citadel.sdk.Sizes;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Changes a volume's quota on the master (sent there from a slave). */
@Service
@Command(
    scope = "cldb",
    name = "volume-quota",
    description =
        "Sets a volume's quota (bytes, or with K, M, G, T; 0 for none). Writes into a volume past"
            + " its quota are refused until it is raised or data is deleted. On a slave CLDB the"
            + " request goes to the master.")
public class CldbVolumeQuota implements Action {

  @Reference CldbService service;

  @Argument(index = 0, name = "name", description = "The volume.", required = true)
  @Completion(VolumeCompleter.class)
  String name;

  @Argument(
      index = 1,
      name = "quota",
      description = "The new quota, e.g. 500M; 0: none.",
      required = true)
  String quota;

  @Override
  public Object execute() throws Exception {
    long bytes = Sizes.parse(quota);
    CldbNode n = service.requireNode();
    String where = "";
    try {
      n.setQuota(name, bytes);
    } catch (CldbException e) {
      if (!CldbException.NOT_MASTER.equals(e.code())) {
        throw new IllegalArgumentException(e.getMessage());
      }
      try {
        n.forwardToMaster(
            "PUT",
            "/v1/volumes/"
                + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
                + "/quota",
            "{\"quota\":" + bytes + "}");
      } catch (CldbException refused) {
        throw new IllegalArgumentException(refused.getMessage());
      }
      where = " on the master";
    }
    System.out.println(
        "Volume " + name + ": quota " + (bytes == 0 ? "none" : Sizes.format(bytes)) + where);
    return null;
  }
}
