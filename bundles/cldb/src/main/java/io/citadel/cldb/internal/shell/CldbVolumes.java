package io.citadel.cldb.internal.shell;

import io.citadel.cldb.internal.CldbService;
import io.citadel.cldb.internal.model.ClusterModel;
import io.citadel.cldb.internal.model.Volume;
import io.citadel.sdk.Sizes;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** The volumes, their quotas and usage. */
@Service
@Command(
    scope = "cldb",
    name = "volumes",
    description = "Lists the volumes: quota, bytes used, replica policy, containers.")
public class CldbVolumes implements Action {

  @Reference CldbService service;

  @Option(name = "--no-format", description = "Prints the table without borders, for scripts.")
  boolean noFormat;

  @Override
  public Object execute() {
    ClusterModel model = service.requireNode().model();
    ShellTable t = new ShellTable();
    for (String c :
        new String[] {"Volume", "Quota", "Used", "Min replicas", "Replicas", "Containers"}) {
      t.column(c);
    }
    for (Volume v : model.volumes()) {
      t.addRow()
          .addContent(
              v.name(),
              v.hasQuota() ? Sizes.format(v.quotaBytes()) : "none",
              Sizes.format(model.usage(v.name())),
              v.minReplicas(),
              v.desiredReplicas(),
              model.containers(v.name()).size());
    }
    t.print(System.out, !noFormat);
    return null;
  }
}
