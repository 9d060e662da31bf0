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
 * itests/run-all-tests.sh} installs. The script runs against a real PostgreSQL server first, so
 * what it expects is what PostgreSQL answers.
 */
class PythonClientsTest {
  @TempDir Path dir;

  private static final Path PYTHON = Path.of("/usr/bin/python3");

  /**
   * The script's expectations are PostgreSQL's: it passes against a real server first, then against
   * Citadel.
   */
  @Test
  void psycopg2SqlAlchemyAndPandasWork() throws Exception {
    if (!Files.isExecutable(PYTHON)) {
      throw new AssertionError(
          "Debian's python3 is missing: itests/run-all-tests.sh installs it with"
              + " python3-psycopg2, python3-sqlalchemy and python3-pandas");
    }
    try (PostgresServer referee = PostgresServer.start()) {
      run("PostgreSQL", referee.port(), "referee", "", "postgres");
    }
    try (Engine engine =
            Engine.open(dir.resolve("db"), new Engine.Options(2, 1000, 1L << 26, 1L << 20, 1000));
        PgServer server = PgServer.start(engine, PgServer.Settings.loopback(0))) {
      String password =
          Files.readString(dir.resolve("db").resolve(UserStore.INITIAL_PASSWORD_FILE)).strip();
      run("Citadel", server.port(), UserStore.ADMIN, password, "citadel");
    }
  }

  private static void run(String against, int port, String user, String password, String db)
      throws Exception {
    Path script = Path.of("src/test/python/clients.py").toAbsolutePath();
    ProcessBuilder pb =
        new ProcessBuilder(List.of(PYTHON.toString(), script.toString())).redirectErrorStream(true);
    pb.environment().put("PGHOST", "127.0.0.1");
    pb.environment().put("PGPORT", Integer.toString(port));
    pb.environment().put("PGUSER", user);
    pb.environment().put("PGPASSWORD", password);
    pb.environment().put("PGDATABASE", db);
    pb.environment().put("PGCONNECT_TIMEOUT", "10");
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          "the Python clients did not finish within 180 s against " + against + ":\n" + out);
    }
    System.out.println("--- against " + against);
    System.out.print(out);
    assertEquals(0, p.exitValue(), against + ":\n" + out);
  }
}
