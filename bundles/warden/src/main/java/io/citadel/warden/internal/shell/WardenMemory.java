package io.citadel.warden.internal.shell;

import io.citadel.warden.internal.WardenRuntime;
import io.citadel.warden.internal.conf.MemoryPlan;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** The memory table: each service's budget and the inputs of the formula. */
@Service
@Command(
    scope = "warden",
    name = "memory",
    description =
        "Shows how memory is shared out: max(min, min(max, available * percent / 100)) MiB per"
            + " service, after the operating system's reservation.")
public class WardenMemory implements Action {

  private static final long UNBOUNDED = Long.MAX_VALUE / 2;

  @Reference WardenRuntime warden;

  @Override
  public Object execute() {
    MemoryPlan plan = warden.memory();
    System.out.printf(
        Locale.ROOT,
        "Total %d MiB, OS reservation %d MiB, available to services %d MiB%n",
        plan.totalMb(),
        plan.osReservationMb(),
        plan.availableMb());
    ShellTable table = new ShellTable();
    table.column("Service");
    table.column("Percent").alignRight();
    table.column("Min (MiB)").alignRight();
    table.column("Max (MiB)").alignRight();
    table.column("Budget (MiB)").alignRight();
    table.column("Runs in");
    for (MemoryPlan.Share share : plan.shares()) {
      table
          .addRow()
          .addContent(
              share.service(),
              String.format(Locale.ROOT, "%.1f", share.heap().percent()),
              share.heap().minMb(),
              share.heap().maxMb() >= UNBOUNDED ? "-" : share.heap().maxMb(),
              share.budgetMb()
                  + (share.cappedByHeap() ? " (formula " + share.formulaMb() + ")" : ""),
              share.ownProcess() ? "own process" : "this JVM");
    }
    table.print(System.out);
    System.out.printf(
        Locale.ROOT,
        "Allocated %d MiB = %.1f%% of available (alarm above %.1f%%)%s%n",
        plan.allocatedMb(),
        plan.allocatedPercent(),
        plan.thresholdPercent(),
        plan.overThreshold() ? "  ALARM" : "");
    if (plan.jvmHeapMb() > 0) {
      boolean capped = plan.shares().stream().anyMatch(MemoryPlan.Share::cappedByHeap);
      System.out.printf(
          Locale.ROOT,
          "Services in this JVM share its %d MiB heap (nine tenths for them)%s%n",
          plan.jvmHeapMb(),
          capped ? ": their budgets are scaled down to fit it" : "");
      if (plan.minimumsExceedHeap()) {
        System.out.println(
            "ALARM: the minimums of the services in this JVM alone exceed nine tenths of its heap:"
                + " give the node a larger -Xmx (EXTRA_JAVA_OPTS in bin/setenv)");
      }
    }
    return null;
  }
}
