package io.citadel.replication.internal.shell;

import io.citadel.replication.internal.GroupMember;
import io.citadel.replication.internal.ReplicationService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Writes a snapshot of this member into shared data. */
@Service
@Command(
    scope = "ha",
    name = "snapshot",
    description =
        "Writes a consistent copy of this member's database, with the offset it holds, into"
            + " <ha-shared-data>/.citadel-snapshots/<group>/<offset>: a member that joins after"
            + " the topic's retention cut its start restores it. Applies wait while it runs.")
public class HaSnapshot implements Action {

  @Reference ReplicationService service;

  @Override
  public Object execute() throws Exception {
    GroupMember m = service.member();
    if (m == null) {
      throw new IllegalStateException("This server is in no HA group.");
    }
    try {
      long offset = m.snapshot();
      System.out.println("Snapshot of HA group " + m.settings().group() + " at offset " + offset);
    } catch (RuntimeException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    return null;
  }
}
