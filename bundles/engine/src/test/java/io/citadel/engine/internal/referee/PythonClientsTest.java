package io.citadel.engine.internal.referee;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.citadel.engine.internal.auth.UserStore;
import io.citadel.engine.internal.pgwire.PgServer;
import io.citadel.engine.internal.sql.Engine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python's clients, unmodified, against the engine's PostgreSQL endpoint: {@code
 * src/test/python/clients.py} runs psycopg2 (execute, executemany, a list as {@code = ANY},
 * rollback and the aborted transaction, copy_expert and copy_from, COPY TO STDOUT), SQLAlchemy
 * (connect, inspect's table names, Core and ORM) and pandas ({@code to_sql}, {@code read_sql}),
 * with Debian's python3-psycopg2, python3-sqlalchemy and python3-pandas, which {@code
 * itests/run-all-tests.sh} installs.
 */
class PythonClientsTest {
  @TempDir Path dir;

  @Test
  void psycopg2SqlAlchemyAndPandasWork() throws Exception {
    Path python = Path.of("/usr/bin/python3");
    if (!Files.isExecutable(python)) {
      throw new AssertionError(
          "Debian's python3 is missing: itests/run-all-tests.sh installs it with"
              + " python3-psycopg2, python3-sqlalchemy and python3-pandas");
    }
    Path script = Path.of("src/test/python/clients.py").toAbsolutePath();
    try (Engine engine =
            Engine.open(dir.resolve("db"), new Engine.Options(2, 1000, 1L << 26, 1L << 20, 1000));
        PgServer server = PgServer.start(engine, PgServer.Settings.loopback(0))) {
      ProcessBuilder pb =
          new ProcessBuilder(List.of(python.toString(), script.toString()))
              .redirectErrorStream(true);
      pb.environment().put("PGHOST", "127.0.0.1");
      pb.environment().put("PGPORT", Integer.toString(server.port()));
      pb.environment().put("PGUSER", UserStore.ADMIN);
      pb.environment()
          .put(
              "PGPASSWORD",
              Files.readString(dir.resolve("db").resolve(UserStore.INITIAL_PASSWORD_FILE)).strip());
      pb.environment().put("PGDATABASE", "citadel");
      pb.environment().put("PGCONNECT_TIMEOUT", "10");
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("the Python clients did not finish within 180 s:\n" + out);
      }
      System.out.print(out);
      assertEquals(0, p.exitValue(), out);
    }
  }
}
