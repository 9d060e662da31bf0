package io.citadel.replication.internal.shell;

import io.citadel.replication.internal.GroupMember;
import io.citadel.replication.internal.ReplicationService;
import java.time.Duration;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Repairs a DIVERGED member from the newest snapshot in shared data, and waits to see it join. */
@Service
@Command(
    scope = "ha",
    name = "repair",
    description =
        "Repairs this member of its HA group after it DIVERGED from the group's log (ha:status"
            + " says why): replaces its database with the newest snapshot in"
            + " <ha-shared-data>/.citadel-snapshots/<group> that reaches the topic's start (take"
            + " one first with ha:snapshot on a healthy member), checks that snapshot against the"
            + " log like any join, and catches up from it. What this member alone held is"
            + " replaced.")
public class HaRepair implements Action {

  @Reference ReplicationService service;

  @Option(
      name = "--wait",
      description = "Seconds to wait for the member to join again (default 120; 0: do not wait).")
  int waitSeconds = 120;

  @Override
  public Object execute() throws Exception {
    GroupMember m = service.member();
    if (m == null) {
      throw new IllegalStateException("This server is in no HA group.");
    }
    GroupMember.Status before = m.status();
    try {
      m.repair();
    } catch (RuntimeException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    System.out.println(
        "Repairing HA group "
            + before.group()
            + " on "
            + before.serverId()
            + ": "
            + before.detail());
    long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
    GroupMember.Status now = m.status();
    while (System.nanoTime() < deadline) {
      now = m.status();
      boolean joined =
          now.state() == GroupMember.State.ONLINE || now.state() == GroupMember.State.CATCHING_UP;
      boolean againDiverged =
          now.state() == GroupMember.State.DIVERGED && !now.detail().equals(before.detail());
      if (joined || againDiverged || now.state() == GroupMember.State.FAILED) {
        break;
      }
      Thread.sleep(250);
    }
    System.out.println(
        "State: "
            + now.state()
            + (now.detail().isEmpty() ? "" : ": " + now.detail())
            + " (applied "
            + now.applied()
            + ", lag "
            + now.lag()
            + ")");
    return null;
  }
}
