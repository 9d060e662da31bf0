package io.citadel.engine.internal.pgwire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.engine.internal.auth.UserStore;
import io.citadel.engine.internal.sql.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PSQLException;

/**
 * The PostgreSQL protocol against the real clients: the {@code org.postgresql} JDBC driver (simple
 * and extended protocol, text and binary values, server-prepared statements) and {@code psql}.
 */
class PgWireTest {
  @TempDir Path dir;
  Engine engine;
  PgServer server;
  String password;

  @BeforeEach
  void start() throws Exception {
    engine = Engine.open(dir.resolve("db"), new Engine.Options(2, 10_000, 1L << 26, 1L << 20, 10));
    server = PgServer.start(engine, PgServer.Settings.loopback(0));
    password = Files.readString(dir.resolve("db").resolve(UserStore.INITIAL_PASSWORD_FILE)).strip();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    engine.close();
  }

  private Connection connect(String user, String pw, Properties extra) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", pw);
    p.setProperty("connectTimeout", "10");
    p.setProperty("socketTimeout", "60");
    p.putAll(extra);
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + server.port() + "/citadel", p);
  }

  private Connection connect() throws SQLException {
    return connect(UserStore.ADMIN, password, new Properties());
  }

  @Test
  void jdbcCreatesInsertsAndReadsEveryTypeThroughPreparedStatements() throws Exception {
    for (String threshold : List.of("5", "1", "-1")) {
      // 5: the driver's default (unnamed statements first); 1: named statements and binary
      // results from the first execution; -1: the simple protocol with values inlined.
      Properties p = new Properties();
      p.setProperty("prepareThreshold", threshold);
      if (threshold.equals("-1")) {
        p.setProperty("preferQueryMode", "simple");
      }
      try (Connection c = connect(UserStore.ADMIN, password, p);
          Statement st = c.createStatement()) {
        st.execute("DROP TABLE IF EXISTS alltypes");
        st.execute(
            "CREATE TABLE alltypes (b BOOLEAN, s SMALLINT, i INTEGER, l BIGINT, f FLOAT, d DOUBLE,"
                + " m DECIMAL(12,3), t TEXT, dt DATE, ts TIMESTAMP)");
        try (PreparedStatement ins =
            c.prepareStatement("INSERT INTO alltypes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          for (int r = 0; r < 7; r++) {
            ins.setBoolean(1, r % 2 == 0);
            ins.setShort(2, (short) (r - 3));
            ins.setInt(3, r * -100_000);
            ins.setLong(4, 1L << (40 + r));
            ins.setFloat(5, 1.5f * r);
            ins.setDouble(6, -0.25 * r);
            ins.setBigDecimal(7, new BigDecimal("-12345.678").add(BigDecimal.valueOf(r)));
            ins.setString(8, "it's row " + r + " ü");
            ins.setDate(9, Date.valueOf("2024-02-2" + r));
            ins.setTimestamp(10, Timestamp.valueOf("2024-02-2" + r + " 10:11:12.345"));
            assertEquals(1, ins.executeUpdate());
          }
          for (int k = 1; k <= 10; k++) {
            ins.setNull(k, Types.NULL);
          }
          assertEquals(1, ins.executeUpdate());
        }
        try (PreparedStatement q =
            c.prepareStatement(
                "SELECT b, s, i, l, f, d, m, t, dt, ts FROM alltypes WHERE i <= ? AND t LIKE ?"
                    + " ORDER BY i DESC")) {
          for (int round = 0; round < 3; round++) {
            q.setInt(1, -200_000);
            q.setString(2, "it''s%");
            q.setString(2, "it's%");
            try (ResultSet rs = q.executeQuery()) {
              List<Integer> seen = new ArrayList<>();
              while (rs.next()) {
                int r = -rs.getInt(3) / 100_000;
                seen.add(r);
                assertEquals(r % 2 == 0, rs.getBoolean(1));
                assertEquals(r - 3, rs.getShort(2));
                assertEquals(1L << (40 + r), rs.getLong(4));
                assertEquals(1.5f * r, rs.getFloat(5));
                assertEquals(-0.25 * r, rs.getDouble(6));
                assertEquals(
                    new BigDecimal("-12345.678").add(BigDecimal.valueOf(r)), rs.getBigDecimal(7));
                assertEquals("it's row " + r + " ü", rs.getString(8));
                assertEquals(Date.valueOf("2024-02-2" + r), rs.getDate(9));
                assertEquals(
                    Timestamp.valueOf("2024-02-2" + r + " 10:11:12.345"), rs.getTimestamp(10));
              }
              assertEquals(List.of(2, 3, 4, 5, 6), seen, "threshold " + threshold);
            }
          }
        }
        try (ResultSet rs = st.executeQuery("SELECT * FROM alltypes WHERE i IS NULL")) {
          assertTrue(rs.next());
          for (int k = 1; k <= 10; k++) {
            assertNull(rs.getObject(k));
          }
          assertFalse(rs.next());
        }
      }
    }
  }

  @Test
  void errorsCarrySqlStateAndPositionAndTheConnectionGoesOn() throws Exception {
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t (a INTEGER, b TEXT)");
      PSQLException e =
          assertThrows(PSQLException.class, () -> st.executeQuery("SELECT nope FROM t"));
      assertEquals("42703", e.getSQLState());
      assertEquals(8, e.getServerErrorMessage().getPosition());
      PSQLException syntax =
          assertThrows(PSQLException.class, () -> st.execute("SELECT 1; SELEC 2"));
      assertEquals("42601", syntax.getSQLState());
      try (PreparedStatement ps = c.prepareStatement("SELECT a FROM t WHERE a = ? AND zz = 1")) {
        ps.setInt(1, 12345);
        PSQLException positioned = assertThrows(PSQLException.class, ps::executeQuery);
        assertEquals("42703", positioned.getSQLState());
        // Points at zz in the statement the driver sent ("?" becomes "$1"), not in the one the
        // server ran with 12345 in its place.
        assertEquals(
            "SELECT a FROM t WHERE a = $1 AND zz = 1".indexOf("zz") + 1,
            positioned.getServerErrorMessage().getPosition());
      }
      PSQLException division =
          assertThrows(PSQLException.class, () -> st.executeQuery("SELECT 1 / 0"));
      assertEquals("22012", division.getSQLState());
      try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM t")) {
        assertTrue(rs.next());
        assertEquals(0, rs.getLong(1));
      }
    }
  }

  @Test
  void aPasswordWrittenBeforeTheFirstStartIsTheSuperusersAndARandomOneOtherwise() throws Exception {
    Path given = Files.createDirectories(dir.resolve("given"));
    Files.writeString(given.resolve(UserStore.INITIAL_PASSWORD_FILE), "chosen-by-the-operator\n");
    Engine.Options options = new Engine.Options(2, 1000, 1L << 26, 1L << 20, 3);
    try (Engine e = Engine.open(given, options)) {
      assertTrue(matches(e.users(), "chosen-by-the-operator"));
    }
    Path random = Files.createDirectories(dir.resolve("random"));
    try (Engine e = Engine.open(random, options)) {
      String made = Files.readString(random.resolve(UserStore.INITIAL_PASSWORD_FILE)).strip();
      assertTrue(made.length() >= 18, made);
      assertTrue(matches(e.users(), made));
      assertFalse(matches(e.users(), "chosen-by-the-operator"));
    }
  }

  @Test
  void usersLiveInTheDatabaseAndAnEarlierVersionsUsersFileIsTakenOverOnce() throws Exception {
    Path data = Files.createDirectories(dir.resolve("upgraded"));
    String verifier = io.citadel.engine.internal.auth.Scram.verifier("old-password").toString();
    Files.writeString(
        data.resolve("users"),
        "# Citadel engine users: name superuser verifier\n"
            + "citadel true "
            + verifier
            + "\nanalyst false "
            + verifier
            + "\n");
    Engine.Options options = new Engine.Options(2, 1000, 1L << 26, 1L << 20, 3);
    try (Engine e = Engine.open(data, options)) {
      assertTrue(matches(e.users(), "old-password"));
      assertFalse(e.users().get("analyst").superuser());
      assertFalse(Files.exists(data.resolve("users")), "the file is not read again");
      try (var s = e.openSession(UserStore.ADMIN)) {
        s.execute("CREATE USER loader WITH PASSWORD 'loader-password'");
        s.execute("DROP USER analyst");
      }
    }
    try (Engine e = Engine.open(data, options)) {
      assertTrue(
          io.citadel.engine.internal.auth.Scram.matches(
              e.users().get("loader").verifier(), "loader-password"));
      assertNull(e.users().get("analyst"));
      assertEquals(2, e.users().list().size());
    }
  }

  private static boolean matches(UserStore store, String password) {
    return io.citadel.engine.internal.auth.Scram.matches(
        store.get(UserStore.ADMIN).verifier(), password);
  }

  @Test
  void aWrongPasswordOrUnknownUserIsRefusedAlike() throws Exception {
    PSQLException wrong =
        assertThrows(
            PSQLException.class, () -> connect(UserStore.ADMIN, "not-it", new Properties()));
    assertEquals("28P01", wrong.getSQLState());
    PSQLException unknown =
        assertThrows(PSQLException.class, () -> connect("nobody", "whatever", new Properties()));
    assertEquals("28P01", unknown.getSQLState());
    assertTrue(unknown.getMessage().contains("password authentication failed"));
  }

  @Test
  void usersAreCreatedAndChangeTheirPasswords() throws Exception {
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      st.execute("CREATE USER analyst WITH PASSWORD 'first-secret'");
      assertEquals(
          "42710",
          assertThrows(PSQLException.class, () -> st.execute("CREATE USER analyst PASSWORD 'x'"))
              .getSQLState());
    }
    try (Connection c = connect("analyst", "first-secret", new Properties());
        Statement st = c.createStatement()) {
      assertEquals(
          "42501",
          assertThrows(
                  PSQLException.class, () -> st.execute("CREATE USER other PASSWORD 'abcdefgh'"))
              .getSQLState());
      assertEquals(
          "42501",
          assertThrows(PSQLException.class, () -> st.execute("COPY t FROM '/etc/passwd'"))
              .getSQLState());
      st.execute("ALTER USER analyst WITH PASSWORD 'second-secret'");
    }
    assertEquals(
        "28P01",
        assertThrows(
                PSQLException.class, () -> connect("analyst", "first-secret", new Properties()))
            .getSQLState());
    // The users survive a restart of the engine.
    server.close();
    engine.close();
    engine = Engine.open(dir.resolve("db"), Engine.Options.defaults());
    server = PgServer.start(engine, PgServer.Settings.loopback(0));
    try (Connection c = connect("analyst", "second-secret", new Properties())) {
      assertTrue(c.isValid(5));
    }
  }

  @Test
  void aLongQueryIsCancelledFromTheDriver() throws Exception {
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE big (k BIGINT, v BIGINT)");
      st.execute("INSERT INTO big VALUES (1, 1), (2, 2), (3, 3), (4, 4)");
      for (int i = 0; i < 18; i++) {
        // v stays small: the join's SUM(a.v * b.v) must not overflow before the cancel lands
        st.execute("INSERT INTO big SELECT k + (SELECT MAX(k) FROM big), v + 1 FROM big");
      }
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        // Every row joins every row with the same k % 64: far more work than the test waits.
        Future<?> query =
            pool.submit(
                () ->
                    st.executeQuery(
                        "SELECT COUNT(*), SUM(a.v * b.v) FROM big a JOIN big b"
                            + " ON MOD(a.k, 64) = MOD(b.k, 64)"));
        SQLException cancelled = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (cancelled == null && System.nanoTime() < deadline) {
          Thread.sleep(200);
          st.cancel();
          try {
            query.get(200, TimeUnit.MILLISECONDS);
            throw new AssertionError("the query finished before it was cancelled");
          } catch (java.util.concurrent.TimeoutException stillRunning) {
            // cancel again: the first request may have come before the query started
          } catch (java.util.concurrent.ExecutionException e) {
            cancelled = (SQLException) e.getCause();
          }
        }
        assertTrue(cancelled != null, "cancelled within 30 s");
        assertEquals("57014", cancelled.getSQLState(), cancelled.getMessage());
      } finally {
        pool.shutdownNow();
      }
      try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM big")) {
        assertTrue(rs.next());
        assertEquals(4 << 18, rs.getLong(1));
      }
    }
  }

  @Test
  void garbageOnTheSocketIsRefusedAndTheServerStaysUp() throws Exception {
    Random random = new Random(42);
    for (int round = 0; round < 50; round++) {
      byte[] junk = new byte[1 + random.nextInt(300)];
      random.nextBytes(junk);
      if (round % 3 == 0) {
        // A plausible startup length, then junk: the parser must not trust what follows.
        junk[0] = 0;
        junk[1] = 0;
        junk[2] = 0;
        junk[3] = 40;
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        s.setSoTimeout(5_000);
        OutputStream out = s.getOutputStream();
        out.write(junk);
        out.flush();
        s.shutdownOutput();
        drain(s.getInputStream());
      }
    }
    // A valid startup followed by an absurd message length.
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      byte[] user = "user\0citadel\0\0".getBytes(StandardCharsets.UTF_8);
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + user.length);
      b.putInt(8 + user.length).putInt(196_608).put(user);
      out.write(b.array());
      out.write(new byte[] {'p', 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
      out.flush();
      byte[] answer = drain(s.getInputStream());
      String text = new String(answer, StandardCharsets.UTF_8);
      assertTrue(text.contains("08P01"), text);
      assertTrue(text.contains("invalid message length"), text);
    }
    try (Connection c = connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT 40 + 2")) {
      assertTrue(rs.next());
      assertEquals(42, rs.getInt(1));
    }
  }

  private static byte[] drain(InputStream in) throws IOException {
    try {
      return in.readAllBytes();
    } catch (java.net.SocketException reset) {
      return new byte[0];
    }
  }

  @Test
  void psqlRunsScriptsAndReportsErrors() throws Exception {
    Path script = dir.resolve("script.sql");
    Files.writeString(
        script,
        String.join(
            "\n",
            "CREATE TABLE p (id INTEGER, name TEXT, price DECIMAL(8,2));",
            "INSERT INTO p VALUES (1, 'apple', 0.50), (2, 'pear', 0.75), (3, NULL, 1.00);",
            "SELECT name, price FROM p WHERE price > 0.6 ORDER BY id;",
            "SELECT COUNT(*) AS n, SUM(price) AS total FROM p;",
            ""));
    Result ok = psql("-f", script.toString());
    assertEquals(0, ok.code, ok.output);
    assertTrue(ok.output.contains("CREATE TABLE"), ok.output);
    assertTrue(ok.output.contains("INSERT 0 3"), ok.output);
    assertTrue(ok.output.contains(" pear |  0.75"), ok.output);
    assertTrue(ok.output.contains(" 3 |  2.25"), ok.output);
    assertTrue(ok.output.contains("(2 rows)"), ok.output);

    Result bad = psql("-c", "SELECT nothing FROM p");
    assertEquals(1, bad.code, bad.output);
    assertTrue(
        bad.output.contains("ERROR:  column 'NOTHING' not found")
            || bad.output.toLowerCase().contains("nothing"),
        bad.output);
    assertTrue(bad.output.contains("LINE 1: SELECT nothing FROM p"), bad.output);

    Result wrong = psqlWithPassword("wrong-password", "-c", "SELECT 1");
    assertEquals(2, wrong.code, wrong.output);
    assertTrue(wrong.output.contains("password authentication failed"), wrong.output);
  }

  private record Result(int code, String output) {}

  private Result psql(String... args) throws Exception {
    return psqlWithPassword(password, args);
  }

  private Result psqlWithPassword(String pw, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                psqlBinary(),
                "-X",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(server.port()),
                "-U",
                UserStore.ADMIN,
                "-d",
                "citadel",
                "-v",
                "ON_ERROR_STOP=1"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", pw);
    pb.environment().put("PGCONNECT_TIMEOUT", "10");
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("psql did not finish within 60 s");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  static String psqlBinary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, "psql"))) {
        return Path.of(dir, "psql").toString();
      }
    }
    throw new AssertionError(
        "psql is not installed: .ci/run installs it (apt-get install postgresql-client)");
  }
}
