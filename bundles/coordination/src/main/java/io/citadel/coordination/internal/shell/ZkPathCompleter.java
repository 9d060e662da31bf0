package io.citadel.coordination.internal.shell;

import io.citadel.coordination.internal.CoordinationRuntime;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes znode paths one level at a time from the live tree. */
@Service
public class ZkPathCompleter implements Completer {

  @Reference CoordinationRuntime runtime;

  @Override
  public int complete(Session session, CommandLine commandLine, List<String> candidates) {
    String typed = commandLine.getCursorArgument();
    if (typed == null) {
      typed = "";
    }
    String prefix = typed.substring(0, commandLine.getArgumentPosition());
    if (!prefix.startsWith("/")) {
      prefix = "/" + prefix;
    }
    int slash = prefix.lastIndexOf('/');
    String parent = slash == 0 ? "/" : prefix.substring(0, slash);
    List<String> paths = new ArrayList<>();
    runtime
        .coordination()
        .filter(c -> c.state().isConnected())
        .ifPresent(
            c -> {
              try {
                for (String name : c.curator().getChildren().forPath(parent)) {
                  paths.add(ZkAction.child(parent, name));
                }
              } catch (Exception e) {
                // Nothing to complete under a path that does not exist.
              }
            });
    return new StringsCompleter(paths).complete(session, commandLine, candidates);
  }
}
