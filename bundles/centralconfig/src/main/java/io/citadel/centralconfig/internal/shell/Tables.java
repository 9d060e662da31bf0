package io.citadel.centralconfig.internal.shell;

import io.citadel.centralconfig.internal.PullReport;
import io.citadel.centralconfig.internal.PullReport.FileResult;
import io.citadel.centralconfig.internal.PullReport.Outcome;
import java.util.List;
import org.apache.karaf.shell.support.table.ShellTable;

/** The tables the centralconfig commands share. */
final class Tables {
  private Tables() {}

  static ShellTable files(List<FileResult> files, boolean noFormat) {
    ShellTable t = new ShellTable();
    t.column("File");
    t.column("Source");
    t.column("SHA-256");
    t.column("Result");
    t.column("Detail").maxSize(noFormat ? -1 : 100).wrap();
    for (FileResult f : files) {
      t.addRow()
          .addContent(
              f.path(),
              f.source().isEmpty() ? "-" : f.source(),
              f.checksum().isEmpty() ? "-" : f.checksum(),
              f.outcome().name().toLowerCase(java.util.Locale.ROOT),
              f.detail().isEmpty() ? "-" : f.detail());
    }
    return t;
  }

  static String summary(PullReport report) {
    StringBuilder b = new StringBuilder("Pulled from ").append(report.store());
    b.append(" for ").append(report.host()).append(" at ").append(report.at()).append(':');
    for (Outcome o : Outcome.values()) {
      long n = report.count(o);
      if (n > 0) {
        b.append(' ').append(n).append(' ').append(o.name().toLowerCase(java.util.Locale.ROOT));
      }
    }
    if (report.files().isEmpty()) {
      b.append(" no file");
    }
    return b.toString();
  }
}
