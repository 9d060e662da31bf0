package io.citadel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * The PostgreSQL ecosystem's own clients, unmodified, against the running distribution's engine
 * (started by the Warden in a real Karaf): psql's describe commands and {@code \copy} both ways,
 * pgjdbc's {@code DatabaseMetaData} as DBeaver and DataGrip call it with transactions, savepoints,
 * generated keys and {@code CopyManager}, the Python script of psycopg2, SQLAlchemy and pandas, and
 * node-postgres. The engine's unit tests run the same clients side by side with a real PostgreSQL
 * server for the answers; this test shows they work against the product as shipped.
 */
public class ClientsIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Path ENGINE_TESTS = Path.of("..", "bundles", "engine", "src", "test");

  private static CitadelNode node;
  private static int port;

  @BeforeClass
  public static void startNode() throws Exception {
    node = CitadelNode.standalone("clients-it", "clients1");
    port = Integer.parseInt(node.cfgValue("io.citadel.engine.cfg", "port"));
    node.start(WAIT);
    node.awaitEngine(WAIT);
    try (Connection c = node.engineConnection(60);
        Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, customer INTEGER NOT NULL,"
              + " total NUMERIC(12,2), placed DATE, note VARCHAR(80) UNIQUE)");
      st.execute("CREATE INDEX orders_placed ON orders (placed, customer)");
      st.execute("CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100");
    }
  }

  @AfterClass
  public static void stopNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  private static String psql(String... args) throws Exception {
    return Psql.run(port, "citadel", node.enginePassword(), args);
  }

  @Test
  public void psqlDescribesAndCopiesBothWays() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target", "clients-it").toAbsolutePath(), "psql");
    Path in = dir.resolve("in.csv");
    Files.writeString(in, "1,first\n2,second\n");
    Path out = dir.resolve("out.csv");
    String copied =
        psql(
            "-c",
            "CREATE TABLE copied (id INTEGER, note TEXT)",
            "-c",
            "\\copy copied FROM '" + in + "' WITH (FORMAT csv)",
            "-c",
            "\\copy (SELECT id, note FROM copied ORDER BY id) TO '" + out + "' WITH (FORMAT csv)");
    assertTrue(copied, copied.contains("COPY 2"));
    assertEquals("1,first\n2,second\n", Files.readString(out));

    String table = psql("-c", "\\d+ orders");
    for (String expected :
        List.of(
            "Table \"public.orders\"",
            " customer | integer ",
            " numeric(12,2) ",
            " character varying(80) ",
            "\"orders_pkey\" PRIMARY KEY, btree (id)",
            "\"orders_note_key\" UNIQUE CONSTRAINT, btree (note)",
            "\"orders_placed\" btree (placed, customer)",
            "Access method: heap")) {
      assertTrue(expected + " in:\n" + table, table.contains(expected));
    }
    assertTrue(psql("-c", "\\d orders").contains("not null"));
    assertTrue(psql("-c", "\\dt").contains(" orders "));
    assertTrue(psql("-c", "\\di").contains(" orders_placed "));
    assertTrue(psql("-c", "\\dv").contains(" big_orders "));
    assertTrue(psql("-c", "\\dn").contains(" public "));
    assertTrue(psql("-c", "\\l").contains(" citadel "));
    assertTrue(psql("-c", "\\du").contains("Superuser"));
    assertTrue(psql("-c", "\\df").contains("(0 rows)"));
  }

  @Test
  public void pgjdbcMetadataTransactionsAndCopy() throws Exception {
    try (Connection c = node.engineConnection(60)) {
      DatabaseMetaData m = c.getMetaData();
      assertTrue(rows(m.getSchemas(), "TABLE_SCHEM").contains("public"));
      assertTrue(
          rows(m.getTables(null, "public", "%", new String[] {"TABLE", "VIEW"}), "TABLE_NAME")
              .containsAll(List.of("orders", "big_orders")));
      assertEquals(
          List.of("id", "customer", "total", "placed", "note"),
          rows(m.getColumns(null, "public", "orders", "%"), "COLUMN_NAME"));
      assertEquals(List.of("id"), rows(m.getPrimaryKeys(null, "public", "orders"), "COLUMN_NAME"));
      assertEquals(
          List.of("orders_note_key", "orders_pkey", "orders_placed", "orders_placed"),
          rows(m.getIndexInfo(null, "public", "orders", false, false), "INDEX_NAME"));
      assertTrue(rows(m.getTypeInfo(), "TYPE_NAME").containsAll(List.of("int4", "text", "date")));

      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO orders (customer, total) VALUES (?, ?)",
              Statement.RETURN_GENERATED_KEYS)) {
        ps.setInt(1, 42);
        ps.setBigDecimal(2, new java.math.BigDecimal("99.99"));
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          assertTrue(keys.next());
          assertTrue(keys.getLong(1) > 0);
        }
      }
      Savepoint sp = c.setSavepoint("before_bad");
      try (Statement st = c.createStatement()) {
        st.executeUpdate("INSERT INTO orders (customer) VALUES (43)");
        c.rollback(sp);
        c.commit();
        assertEquals(List.of("42"), column(st, "SELECT customer FROM orders WHERE customer > 40"));
        st.executeUpdate("INSERT INTO orders (customer) VALUES (44)");
        c.rollback();
        assertEquals(List.of("42"), column(st, "SELECT customer FROM orders WHERE customer > 40"));
      }
      c.setAutoCommit(true);

      CopyManager copy = new CopyManager(c.unwrap(BaseConnection.class));
      long in =
          copy.copyIn(
              "COPY orders (customer, note) FROM STDIN WITH (FORMAT csv)",
              new StringReader("50,from jdbc a\n51,from jdbc b\n"));
      assertEquals(2, in);
      StringWriter w = new StringWriter();
      copy.copyOut("COPY (SELECT note FROM orders WHERE customer >= 50 ORDER BY 1) TO STDOUT", w);
      assertEquals("from jdbc a\nfrom jdbc b\n", w.toString());
    }
  }

  @Test
  public void pythonClientsWork() throws Exception {
    Path python = Path.of("/usr/bin/python3");
    assertTrue("itests/run-all-tests.sh installs python3", Files.isExecutable(python));
    String out =
        run(
            Path.of("target"),
            List.of(
                python.toString(),
                ENGINE_TESTS.resolve("python/clients.py").toAbsolutePath().toString()),
            300);
    assertTrue(out, out.contains("SQLAlchemy"));
  }

  @Test
  public void nodePostgresWorks() throws Exception {
    Path work = Path.of("target", "clients-it", "node").toAbsolutePath();
    Files.createDirectories(work);
    for (String f : List.of("package.json", "package-lock.json", "clients.js")) {
      Files.copy(
          ENGINE_TESTS.resolve("node").resolve(f),
          work.resolve(f),
          StandardCopyOption.REPLACE_EXISTING);
    }
    if (!Files.isDirectory(work.resolve("node_modules/pg"))) {
      run(work, List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
    }
    run(work, List.of("node", "clients.js"), 120);
  }

  private static List<String> rows(ResultSet rs, String column) throws Exception {
    List<String> out = new ArrayList<>();
    try (rs) {
      while (rs.next()) {
        out.add(rs.getString(column));
      }
    }
    return out;
  }

  private static List<String> column(Statement st, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** Runs a client with the engine's address in libpq's variables; fails unless it exits 0. */
  private static String run(Path dir, List<String> command, int seconds)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("PGHOST", "127.0.0.1");
    pb.environment().put("PGPORT", Integer.toString(port));
    pb.environment().put("PGUSER", "citadel");
    pb.environment().put("PGPASSWORD", node.enginePassword());
    pb.environment().put("PGDATABASE", "citadel");
    pb.environment().put("PGCONNECT_TIMEOUT", "10");
    Process p = pb.start();
    p.getOutputStream().close();
    java.util.concurrent.CompletableFuture<String> output =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return "(output unreadable: " + e + ")";
              }
            });
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in " + seconds + " s");
    }
    String out;
    try {
      out = output.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the output of " + String.join(" ", command) + " was not read", e);
    }
    System.out.print(out);
    assertEquals(String.join(" ", command) + ":\n" + out, 0, p.exitValue());
    return out;
  }
}
