package io.citadel.engine.internal.referee;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, the referee whose answers Citadel's are compared with: a new
 * cluster made by {@code initdb} in a temporary folder, the postmaster started on a free loopback
 * port (no Unix socket), stopped by its PID. The binaries are Debian's ({@code
 * /usr/lib/postgresql/<version>/bin}, the newest version there) unless {@code CITADEL_PG_BIN} names
 * a folder; {@code itests/run-all-tests.sh} installs the {@code postgresql} package when they are
 * missing. PostgreSQL refuses to run as root, so a root test runs it as the {@code postgres} user
 * through {@code setpriv}, which execs: the child's PID is the postmaster's.
 */
public final class PostgresServer implements AutoCloseable {
  private static final long START_TIMEOUT_MS = 60_000;
  private static final long STOP_TIMEOUT_MS = 20_000;

  private final Path dir;
  private final Process postmaster;
  private final int port;

  private PostgresServer(Path dir, Process postmaster, int port) {
    this.dir = dir;
    this.postmaster = postmaster;
    this.port = port;
  }

  /** The folder holding initdb and postgres, or null when PostgreSQL is not installed. */
  public static Path binaries() {
    String env = System.getenv("CITADEL_PG_BIN");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .filter(v -> Files.isExecutable(v.resolve("bin/postgres")))
          .max(Comparator.comparingInt(PostgresServer::version))
          .map(v -> v.resolve("bin"))
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static int version(Path p) {
    try {
      return Integer.parseInt(p.getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Makes a cluster in a new temporary folder and starts it; waits until it takes connections. */
  public static PostgresServer start() throws IOException, InterruptedException {
    Path bin = binaries();
    if (bin == null) {
      throw new IllegalStateException(
          "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres and no"
              + " CITADEL_PG_BIN): the differential tests need it as their referee;"
              + " itests/run-all-tests.sh installs Debian's postgresql package");
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("citadel-pg-referee");
    Path data = dir.resolve("data");
    if (root) {
      run(List.of("chown", "postgres:postgres", dir.toString()), dir.resolve("chown.log"));
    }
    List<String> initdb =
        as(
            root,
            List.of(
                bin.resolve("initdb").toString(),
                "-D",
                data.toString(),
                "-U",
                "referee",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync"));
    run(initdb, dir.resolve("initdb.log"));
    int port = freePort();
    List<String> postgres =
        as(
            root,
            List.of(
                bin.resolve("postgres").toString(),
                "-D",
                data.toString(),
                "-p",
                Integer.toString(port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "unix_socket_directories=",
                "-c",
                "fsync=off",
                "-c",
                "TimeZone=UTC",
                "-c",
                "max_connections=20"));
    Process p =
        new ProcessBuilder(postgres)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("postgres.log").toFile())
            .start();
    PostgresServer server = new PostgresServer(dir, p, port);
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (true) {
      try (Connection c = server.connect()) {
        return server;
      } catch (SQLException e) {
        if (!p.isAlive() || System.currentTimeMillis() > deadline) {
          server.close();
          throw new IOException(
              "PostgreSQL did not start: " + Files.readString(dir.resolve("postgres.log")).strip(),
              e);
        }
        Thread.sleep(100);
      }
    }
  }

  private static List<String> as(boolean root, List<String> command) {
    if (!root) {
      return command;
    }
    List<String> c = new ArrayList<>(List.of("setpriv", "--reuid=postgres", "--regid=postgres"));
    c.add("--init-groups");
    c.addAll(command);
    return c;
  }

  private static void run(List<String> command, Path log) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(command.get(0) + " did not finish within 120 s");
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          String.join(" ", command) + " failed (" + p.exitValue() + "): " + Files.readString(log));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  /** A new connection to the {@code postgres} database as the cluster's superuser. */
  public Connection connect() throws SQLException {
    return connect(new Properties());
  }

  /** A pgjdbc connection as the referee's superuser, with more connection properties. */
  public Connection connect(Properties extra) throws SQLException {
    Properties p = new Properties();
    p.putAll(extra);
    p.setProperty("user", "referee");
    p.setProperty("connectTimeout", "10");
    p.setProperty("socketTimeout", "60");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
  }

  /**
   * Stops the postmaster (SIGTERM, a smart shutdown's faster cousin; then SIGKILL) and its files.
   */
  @Override
  public void close() throws IOException, InterruptedException {
    postmaster.destroy();
    if (!postmaster.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
      postmaster.destroyForcibly();
      postmaster.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
