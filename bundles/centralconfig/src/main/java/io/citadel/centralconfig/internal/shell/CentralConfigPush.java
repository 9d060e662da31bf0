package io.citadel.centralconfig.internal.shell;

import io.citadel.centralconfig.internal.CentralConfigService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Copies one of this node's files into the central store. */
@Service
@Command(
    scope = "centralconfig",
    name = "push",
    description =
        "Copies a file of this node's etc/ into the central store, validated first: into default/"
            + " for every node, or into nodes/<hostname>/ with --node. Each node installs it at"
            + " its next pull. The Warden's own keys (citadel.*) are left out of a .cfg.")
public class CentralConfigPush implements Action {

  @Reference CentralConfigService service;

  @Argument(
      index = 0,
      name = "file",
      description = "The file, relative to etc/ (io.citadel.engine.cfg, conf.d/warden.kafka.conf).",
      required = true)
  @Completion(EtcFileCompleter.class)
  String file;

  @Option(
      name = "--node",
      aliases = "-n",
      description = "Push for this node only (nodes/<hostname>/), not for every node.")
  String node;

  @Override
  public Object execute() throws Exception {
    String where = service.push(file, node);
    System.out.println(
        "Pushed etc/" + file + " to " + where + "; nodes install it at their next pull.");
    return null;
  }
}
