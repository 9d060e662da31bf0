package io.citadel.warden.internal.shell;

import io.citadel.warden.internal.WardenRuntime;
import io.citadel.warden.internal.conf.ConfProblem;
import java.time.Duration;
import java.time.Instant;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** This node's services and every configuration problem. */
@Service
@Command(
    scope = "warden",
    name = "list",
    description =
        "Lists this node's services: state, what runs, memory, restarts, uptime, dependencies,"
            + " last error; then every configuration problem with its file, line and key.")
public class WardenList implements Action {

  @Reference WardenRuntime warden;

  @Option(
      name = "--no-format",
      description = "Prints the tables without borders, and every detail in full.")
  boolean noFormat;

  @Override
  public Object execute() {
    ShellTable table = new ShellTable();
    table.column("Service");
    table.column("State");
    table.column("Runs");
    table.column("Memory (MiB)").alignRight();
    table.column("Restarts").alignRight();
    table.column("For");
    table.column("Triplet");
    // Bordered for people, width-limited; --no-format for scripts, never cut.
    var detailColumn = table.column("Last error / detail");
    if (!noFormat) {
      detailColumn.maxSize(80);
    }
    Instant now = Instant.now();
    for (var view : warden.services()) {
      table
          .addRow()
          .addContent(
              view.service(),
              view.state().label(),
              view.runs(),
              view.memoryMb(),
              view.restarts(),
              human(Duration.between(view.since(), now)),
              view.triplet(),
              view.detail());
    }
    table.print(System.out, !noFormat);
    if (!warden.problems().isEmpty()) {
      System.out.println();
      ShellTable problems = new ShellTable();
      problems.column("File");
      problems.column("Line").alignRight();
      problems.column("Key");
      var problemColumn = problems.column("Problem");
      if (!noFormat) {
        problemColumn.maxSize(100);
      }
      for (ConfProblem problem : warden.problems()) {
        problems
            .addRow()
            .addContent(
                problem.file().toString(),
                problem.line() == 0 ? "-" : problem.line(),
                problem.key().isEmpty() ? "-" : problem.key(),
                problem.message());
      }
      problems.print(System.out, !noFormat);
    }
    return null;
  }

  static String human(Duration duration) {
    long seconds = Math.max(0, duration.toSeconds());
    if (seconds < 120) {
      return seconds + "s";
    }
    if (seconds < 7200) {
      return seconds / 60 + "m";
    }
    return seconds / 3600 + "h" + (seconds % 3600) / 60 + "m";
  }
}
