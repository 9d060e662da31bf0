package io.citadel.engine.internal.referee;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real psql client, run on a script against a server on loopback. */
final class PsqlClient {
  private PsqlClient() {}

  static String binary() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, "psql"))) {
        return Path.of(d, "psql").toString();
      }
    }
    throw new AssertionError("psql is not installed: itests/run-all-tests.sh installs it");
  }

  /**
   * Runs {@code script} (written to a file in {@code dir}) with psql, stopping at the first error;
   * fails unless psql exits 0 within a minute. Answers what it printed.
   *
   * @param password null for none (the referee's trust authentication)
   */
  static String run(Path dir, int port, String user, String password, String db, String script)
      throws Exception {
    Result r = attempt(dir, port, user, password, db, script, java.util.Map.of());
    assertEquals(0, r.exit(), r.output());
    return r.output();
  }

  /** How a psql run ended: its exit status and what it printed (errors included). */
  record Result(int exit, String output) {}

  /**
   * Runs {@code script} as {@link #run} does, with more environment (libpq's PGTZ, PGOPTIONS), and
   * answers how it ended instead of requiring success.
   */
  static Result attempt(
      Path dir,
      int port,
      String user,
      String password,
      String db,
      String script,
      java.util.Map<String, String> env)
      throws Exception {
    Path f = Files.createTempFile(dir, "script", ".sql");
    Files.writeString(f, script);
    Path out = Files.createTempFile(dir, "psql", ".out");
    List<String> cmd =
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
                db,
                "-f",
                f.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectOutput(out.toFile());
    if (password != null) {
      pb.environment().put("PGPASSWORD", password);
    }
    pb.environment().put("PGCONNECT_TIMEOUT", "10");
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("psql did not finish within 60 s");
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }
}
