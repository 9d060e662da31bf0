package io.citadel.replication.internal.shell;

import io.citadel.replication.internal.GroupMember;
import io.citadel.replication.internal.ReplicationService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** This server's membership, then every member of its group as ZooKeeper knows them. */
@Service
@Command(
    scope = "ha",
    name = "status",
    description =
        "Shows this server's HA group: its state, the topic's offsets, what it applied, its lag,"
            + " failed statements; then every member of the group with its applied offset, lag and"
            + " state.")
public class HaStatus implements Action {

  @Reference ReplicationService service;

  @Option(name = "--no-format", description = "Prints the tables without borders, for scripts.")
  boolean noFormat;

  @Override
  public Object execute() throws Exception {
    GroupMember m = service.member();
    ShellTable t = new ShellTable();
    t.column("Property");
    t.column("Value");
    t.addRow().addContent("Health", HaMembers.health(service));
    if (m == null) {
      t.addRow()
          .addContent("HA group", "none (ha-group-id is empty: writes run on this server only)");
      t.print(System.out, !noFormat);
      return null;
    }
    GroupMember.Status s = m.status();
    var cfg = m.settings();
    t.addRow().addContent("HA group (topic)", s.group());
    t.addRow().addContent("Server id", s.serverId());
    t.addRow().addContent("State", s.state() + (s.detail().isEmpty() ? "" : ": " + s.detail()));
    t.addRow().addContent("Since", s.since());
    t.addRow().addContent("Brokers", cfg.brokers() + (s.logReachable() ? "" : " (not answering)"));
    t.addRow().addContent("Shared data", cfg.sharedData() == null ? "not set" : cfg.sharedData());
    t.addRow().addContent("Read-only", cfg.readOnly());
    t.addRow().addContent("Topic offsets", s.logStart() + " .. " + (s.logEnd() - 1));
    t.addRow().addContent("Topic replication", service.topicReplication(s.group()));
    t.addRow().addContent("Topic alarm", service.topicAlarm());
    t.addRow().addContent("Member alarm", s.alarm().isEmpty() ? "none" : s.alarm());
    t.addRow()
        .addContent(
            "Applied history",
            "topic id " + s.topicId() + ", chain " + (s.chain().isEmpty() ? "-" : s.chain()));
    t.addRow().addContent("Kafka controllers", service.controllerQuorum());
    t.addRow().addContent("Applied offset", s.applied());
    t.addRow().addContent("Lag (records)", s.lag());
    t.addRow()
        .addContent(
            "Statements applied / failed", s.appliedStatements() + " / " + s.failedStatements());
    t.addRow().addContent("Last failure", s.lastFailure().isEmpty() ? "-" : s.lastFailure());
    t.addRow().addContent("Writes taken here", s.submitted());
    t.print(System.out, !noFormat);
    System.out.println();
    HaMembers.table(service, s.group()).print(System.out, !noFormat);
    return null;
  }
}
