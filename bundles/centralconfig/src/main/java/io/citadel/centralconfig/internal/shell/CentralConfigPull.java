package io.citadel.centralconfig.internal.shell;

import io.citadel.centralconfig.internal.CentralConfigService;
import io.citadel.centralconfig.internal.PullReport;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Pulls the central configuration now instead of at the next interval. */
@Service
@Command(
    scope = "centralconfig",
    name = "pull",
    description =
        "Pulls this node's configuration from the central store now: nodes/<host>/ first, then"
            + " default/. Prints what became of each file.")
public class CentralConfigPull implements Action {

  @Reference CentralConfigService service;

  @Option(name = "--no-format", description = "Prints the table without borders, for scripts.")
  boolean noFormat;

  @Override
  public Object execute() throws Exception {
    PullReport report = service.pullNow();
    Tables.files(report.files(), noFormat).print(System.out, !noFormat);
    if (!report.problem().isEmpty()) {
      System.out.println("Store: " + report.problem());
    }
    System.out.println(Tables.summary(report));
    return null;
  }
}
