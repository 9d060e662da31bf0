package io.citadel.engine.internal.referee;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.citadel.engine.internal.auth.UserStore;
import io.citadel.engine.internal.pgwire.PgServer;
import io.citadel.engine.internal.sql.Engine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * node-postgres ({@code pg} from npm, the version {@code src/test/node/package-lock.json} pins,
 * installed with {@code npm ci}) against the engine: parameters, a BIGINT beyond 2^53 as text,
 * BEGIN/ROLLBACK/COMMIT, the aborted transaction and RETURNING.
 */
class NodeClientsTest {
  @TempDir Path dir;

  @Test
  void nodePostgresWorks() throws Exception {
    Path work = Path.of("target", "node-clients").toAbsolutePath();
    Files.createDirectories(work);
    for (String f : List.of("package.json", "package-lock.json", "clients.js")) {
      Files.copy(Path.of("src/test/node", f), work.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    if (!Files.isDirectory(work.resolve("node_modules/pg"))) {
      run(work, List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), 300);
    }
    try (Engine engine =
            Engine.open(dir.resolve("db"), new Engine.Options(2, 1000, 1L << 26, 1L << 20, 1000));
        PgServer server = PgServer.start(engine, PgServer.Settings.loopback(0))) {
      String out =
          run(
              work,
              List.of("node", "clients.js"),
              Map.of(
                  "PGHOST",
                  "127.0.0.1",
                  "PGPORT",
                  Integer.toString(server.port()),
                  "PGUSER",
                  UserStore.ADMIN,
                  "PGPASSWORD",
                  Files.readString(dir.resolve("db").resolve(UserStore.INITIAL_PASSWORD_FILE))
                      .strip(),
                  "PGDATABASE",
                  "citadel"),
              120);
      System.out.print(out);
    }
  }

  private static String run(Path work, List<String> command, Map<String, String> env, int seconds)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in " + seconds + " s");
    }
    assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
    return out;
  }
}
