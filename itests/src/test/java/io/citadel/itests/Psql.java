package io.citadel.itests;

import static org.junit.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

  /**
   * Runs psql against 127.0.0.1:{@code port} as {@code user}, stopping at the first error; fails
   * unless it exits 0 within two minutes. Answers what it printed.
   */
  static String run(int port, String user, String password, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                binary(),
                "-X",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-U",
                user,
                "-d",
                "citadel"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", password);
    pb.environment().put("PGCONNECT_TIMEOUT", "10");
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("psql did not finish within 120 s");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(text, 0, p.exitValue());
    return text;
  }
}
