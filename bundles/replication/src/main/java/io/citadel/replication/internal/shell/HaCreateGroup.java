package io.citadel.replication.internal.shell;

import io.citadel.replication.internal.ReplicationService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Creates the Kafka topic of a new HA group. */
@Service
@Command(
    scope = "ha",
    name = "create-group",
    description =
        "Creates the Kafka topic of a new HA group, which must exist before a server joins it."
            + " The topic has one partition: every member applies one total order of updates.")
public class HaCreateGroup implements Action {

  @Reference ReplicationService service;

  @Argument(index = 0, name = "group", required = true, description = "The group (topic) name.")
  String group;

  @Option(name = "--partitions", description = "Partitions of the topic; must be 1.")
  int partitions = 1;

  @Option(
      name = "--replication-factor",
      description =
          "Copies of the topic among the brokers; default: 3, or every broker of a smaller"
              + " cluster. min.insync.replicas is one less (at least 1).")
  short replicationFactor = 0;

  @Option(
      name = "--brokers",
      description = "host:port,... of the Kafka cluster; default: this server's ha-brokers.")
  String brokers;

  @Override
  public Object execute() throws Exception {
    if (!group.matches("[a-zA-Z0-9._-]{1,249}")) {
      throw new IllegalStateException(
          "\"" + group + "\" is not a valid topic name (letters, digits, '.', '_', '-')");
    }
    try (var admin = service.adminClient(brokers)) {
      System.out.println(service.createGroup(admin, group, partitions, replicationFactor));
    } catch (RuntimeException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    return null;
  }
}
