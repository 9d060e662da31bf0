package io.citadel.replication.internal.shell;

import io.citadel.replication.internal.MemberInfo;
import io.citadel.replication.internal.ReplicationService;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the HA groups known in ZooKeeper. */
@Service
public class GroupCompleter implements Completer {

  @Reference ReplicationService service;

  @Override
  public int complete(Session session, CommandLine commandLine, List<String> candidates) {
    StringsCompleter names = new StringsCompleter();
    names.getStrings().addAll(MemberInfo.groups(service.coordination()));
    return names.complete(session, commandLine, candidates);
  }
}
