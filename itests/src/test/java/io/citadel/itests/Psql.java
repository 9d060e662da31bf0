package io.citadel.itests;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the real psql client; .ci/run installs it where it is missing. */
final class Psql {
  private Psql() {}

  static String binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, "psql");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new AssertionError(
        "psql is not installed: .ci/run installs it (apt-get install postgresql-client)");
  }
}
