package io.citadel.replication.internal.shell;

import io.citadel.replication.internal.GroupMember;
import io.citadel.replication.internal.MemberInfo;
import io.citadel.replication.internal.ReplicationService;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** The live members of an HA group, from their znodes. */
@Service
@Command(
    scope = "ha",
    name = "members",
    description =
        "Lists the live members of an HA group (this server's unless one is named), from"
            + " /citadel/<cluster>/ha/<group>: server id, host, state, applied offset, lag; then where the"
            + " brokers keep the group's topic (leader, replicas in sync) and its alarm.")
public class HaMembers implements Action {

  @Reference ReplicationService service;

  @Argument(index = 0, name = "group", description = "The HA group; default: this server's.")
  @Completion(GroupCompleter.class)
  String group;

  @Option(name = "--no-format", description = "Prints the table without borders, for scripts.")
  boolean noFormat;

  @Override
  public Object execute() throws Exception {
    String g = group;
    if (g == null) {
      GroupMember m = service.member();
      if (m == null) {
        throw new IllegalStateException(
            "This server is in no HA group; name one: ha:members <group>");
      }
      g = m.settings().group();
    }
    table(service, g).print(System.out, !noFormat);
    System.out.println("Topic " + g + ": " + service.topicReplication(g));
    GroupMember m = service.member();
    if (m != null && m.settings().group().equals(g)) {
      System.out.println("Topic alarm: " + service.topicAlarm());
    }
    for (MemberInfo info : MemberInfo.list(service.coordination(), g)) {
      if (!info.alarm().isEmpty()) {
        System.out.println("Member alarm on " + info.serverId() + ": " + info.alarm());
      }
    }
    return null;
  }

  static ShellTable table(ReplicationService service, String group) throws Exception {
    ShellTable t = new ShellTable();
    t.column("Server id");
    t.column("Host");
    t.column("State");
    t.column("Applied").alignRight();
    t.column("Lag").alignRight();
    t.column("Failed").alignRight();
    t.column("Read-only");
    t.column("History");
    t.column("Age (s)").alignRight();
    List<MemberInfo> members = MemberInfo.list(service.coordination(), group);
    long now = System.currentTimeMillis();
    for (MemberInfo m : members) {
      t.addRow()
          .addContent(
              m.serverId(),
              m.host(),
              m.state(),
              m.applied(),
              m.lag(),
              m.failed(),
              m.readOnly(),
              history(m, members),
              String.format("%.1f", (now - m.updated()) / 1000.0));
    }
    return t;
  }

  /**
   * The start of a member's history chain, and whether another member at the same applied offset
   * holds a different one (they applied different logs: one of them has diverged unnoticed).
   */
  static String history(MemberInfo m, List<MemberInfo> all) {
    if (m.chain().isEmpty()) {
      return "-";
    }
    String shown = m.chain().substring(0, Math.min(12, m.chain().length()));
    for (MemberInfo o : all) {
      if (o != m && o.applied() == m.applied() && !o.chain().isEmpty()) {
        if (!o.chain().equals(m.chain())) {
          return shown + " DIFFERS from " + o.serverId();
        }
      }
    }
    return shown;
  }

  static String health(ReplicationService service) {
    var h = service.health();
    return h.state() + (h.detail().isEmpty() ? "" : " " + h.detail());
  }
}
