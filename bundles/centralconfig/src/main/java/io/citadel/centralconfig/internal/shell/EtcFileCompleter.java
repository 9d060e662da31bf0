package io.citadel.centralconfig.internal.shell;

import io.citadel.centralconfig.internal.CentralConfigService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the files of this node's etc/ that the puller takes. */
@Service
public class EtcFileCompleter implements Completer {

  @Reference CentralConfigService service;

  @Override
  public int complete(Session session, CommandLine commandLine, List<String> candidates) {
    List<String> files = new ArrayList<>();
    Path etc = Path.of(System.getProperty("karaf.etc", "etc"));
    try (Stream<Path> walk = Files.walk(etc, 2)) {
      walk.filter(Files::isRegularFile)
          .map(p -> etc.relativize(p).toString().replace('\\', '/'))
          .filter(p -> service.status().settings().files().allows(p))
          .sorted()
          .forEach(files::add);
    } catch (IOException e) {
      // nothing to complete
    }
    return new StringsCompleter(files).complete(session, commandLine, candidates);
  }
}
