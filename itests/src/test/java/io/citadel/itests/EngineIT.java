package io.citadel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The engine in the real distribution, started by the Warden: psql and the JDBC driver load a star
 * schema with COPY and query it, every answer checked against DuckDB; acknowledged writes survive a
 * kill -9 of the JVM; garbage on its sockets leaves it serving.
 */
public class EngineIT {

  private static final Duration WAIT = Duration.ofSeconds(120);

  private CitadelNode node;
  private Path base;
  private int pgPort;
  private int httpPort;

  @Before
  public void startNode() throws Exception {
    node = CitadelNode.standalone("engine-it", "engine1");
    base = node.home().getParent().getParent();
    pgPort = Integer.parseInt(node.cfgValue("io.citadel.engine.cfg", "port"));
    httpPort = Integer.parseInt(node.cfgValue("io.citadel.engine.cfg", "http-port"));
    node.start(WAIT);
    awaitEngine();
  }

  @After
  public void killWhatWasStarted() throws Exception {
    node.close();
  }

  private String password() throws IOException {
    return node.enginePassword();
  }

  private Connection connect() throws SQLException, IOException {
    return node.engineConnection(120);
  }

  private void awaitEngine() throws Exception {
    node.awaitEngine(WAIT);
  }

  // ------------------------------------------------------------------------------ star schema

  private static final String SCHEMA =
      String.join(
          "\n",
          "CREATE TABLE dates (d_key INTEGER NOT NULL, d_date DATE, d_year INTEGER, d_month"
              + " INTEGER, d_weekend BOOLEAN);",
          "CREATE TABLE customers (c_key INTEGER NOT NULL, c_name TEXT, c_region TEXT,"
              + " c_segment TEXT);",
          "CREATE TABLE sales (s_id BIGINT NOT NULL, s_date INTEGER, s_cust INTEGER, s_qty"
              + " INTEGER, s_price DECIMAL(10,2), s_discount DOUBLE, s_channel TEXT);");

  private static final List<String> QUERIES =
      List.of(
          "SELECT d_year, c_region, COUNT(*) AS n, SUM(s_qty) AS qty, SUM(s_price) AS revenue"
              + " FROM sales JOIN dates ON s_date = d_key JOIN customers ON s_cust = c_key"
              + " GROUP BY d_year, c_region ORDER BY d_year, c_region",
          "SELECT c_segment, COUNT(s_id) AS n, MIN(s_price) AS lo, MAX(s_price) AS hi"
              + " FROM customers LEFT JOIN sales ON s_cust = c_key"
              + " GROUP BY c_segment ORDER BY c_segment",
          "SELECT d_month, SUM(s_price * s_qty) AS gross FROM sales JOIN dates ON s_date = d_key"
              + " WHERE d_date BETWEEN DATE '1997-03-01' AND DATE '1997-09-30' AND d_weekend"
              + " GROUP BY d_month HAVING COUNT(*) > 10 ORDER BY d_month",
          "SELECT s_channel, COUNT(DISTINCT s_cust) AS customers, AVG(s_discount) AS discount"
              + " FROM sales WHERE s_channel IS NOT NULL GROUP BY s_channel ORDER BY s_channel",
          "SELECT c_name, SUM(s_price) AS spent FROM sales JOIN customers ON s_cust = c_key"
              + " WHERE c_region IN ('EUROPE', 'ASIA') AND c_name LIKE 'Customer#00001%'"
              + " GROUP BY c_name ORDER BY spent DESC, c_name LIMIT 10",
          "SELECT CASE WHEN s_qty < 10 THEN 'small' WHEN s_qty < 40 THEN 'medium' ELSE 'large'"
              + " END AS size, EXTRACT(YEAR FROM d_date) AS y, COUNT(*) AS n"
              + " FROM sales JOIN dates ON s_date = d_key GROUP BY 1, 2 ORDER BY 1, 2",
          "SELECT COUNT(*) AS n FROM sales WHERE s_cust NOT IN (SELECT c_key FROM customers"
              + " WHERE c_segment = 'MACHINERY')",
          "SELECT d_year, COUNT(*) AS n FROM sales s JOIN dates ON s.s_date = d_key WHERE"
              + " s.s_price > (SELECT AVG(s_price) FROM sales) GROUP BY d_year ORDER BY d_year");

  /** Writes the three CSV files (seeded) and returns their folder. */
  private static Path writeStarSchema(Path dir, int sales) throws IOException {
    Files.createDirectories(dir);
    Random random = new Random(20261122);
    StringBuilder dates = new StringBuilder();
    java.time.LocalDate day = java.time.LocalDate.of(1996, 1, 1);
    for (int k = 0; k < 1096; k++, day = day.plusDays(1)) {
      boolean weekend = day.getDayOfWeek().getValue() >= 6;
      dates.append(k).append(',').append(day).append(',').append(day.getYear()).append(',');
      dates.append(day.getMonthValue()).append(',').append(weekend).append('\n');
    }
    Files.writeString(dir.resolve("dates.csv"), dates);
    String[] regions = {"AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"};
    String[] segments = {"AUTOMOBILE", "BUILDING", "FURNITURE", "HOUSEHOLD", "MACHINERY"};
    StringBuilder customers = new StringBuilder("c_key,c_name,c_region,c_segment\n");
    for (int k = 0; k < 3000; k++) {
      customers.append(k).append(',').append(String.format("Customer#%06d", k)).append(',');
      customers.append(regions[random.nextInt(regions.length)]).append(',');
      customers.append(segments[random.nextInt(segments.length)]).append('\n');
    }
    Files.writeString(dir.resolve("customers.csv"), customers);
    String[] channels = {"web", "store", "phone", "\"partner, reseller\""};
    try (var out = Files.newBufferedWriter(dir.resolve("sales.csv"))) {
      for (int k = 0; k < sales; k++) {
        out.write(Long.toString(k));
        out.write(',');
        out.write(Integer.toString(random.nextInt(1096)));
        out.write(',');
        // Some sales name a customer that does not exist: the LEFT JOIN and NOT IN see them.
        out.write(Integer.toString(random.nextInt(3100)));
        out.write(',');
        out.write(Integer.toString(1 + random.nextInt(50)));
        out.write(',');
        out.write(BigDecimal.valueOf(random.nextInt(100_000), 2).toPlainString());
        out.write(',');
        out.write(random.nextInt(20) == 0 ? "" : Double.toString(random.nextInt(11) / 100.0));
        out.write(',');
        out.write(random.nextInt(15) == 0 ? "" : channels[random.nextInt(channels.length)]);
        out.write('\n');
      }
    }
    return dir;
  }

  @Test
  public void psqlAndJdbcLoadAndQueryAStarSchemaAndGetDuckDbsAnswers() throws Exception {
    Path data = writeStarSchema(base.resolve("csv"), 200_000);
    Path script = base.resolve("load.sql");
    Files.writeString(
        script,
        SCHEMA
            + "\n"
            + "COPY dates FROM '"
            + data.resolve("dates.csv")
            + "';\n"
            + "COPY customers FROM '"
            + data.resolve("customers.csv")
            + "' WITH (header 'true');\n"
            + "COPY sales FROM '"
            + data.resolve("sales.csv")
            + "' WITH (delimiter ',', quote '\"', null '');\n"
            + "SELECT COUNT(*) AS loaded FROM sales;\n");
    String loaded = psql("-f", script.toString());
    assertTrue(loaded, loaded.contains("COPY 200000"));
    assertTrue(loaded, loaded.contains("Loaded: 200000 recs, Rejected: 0 recs"));
    assertTrue(loaded, loaded.contains("COPY 3000"));
    assertTrue(loaded, loaded.contains(" 200000\n(1 row)"));

    // A malformed file: its bad lines are named, the good ones load, nothing else changes.
    Path bad = base.resolve("bad.csv");
    Files.writeString(bad, "900000,1,1,1,1.00,0.1,web\nnot-a-number,1,1,1,1.00,0.1,web\n");
    String badCopy = psql("-c", "COPY sales FROM '" + bad + "'");
    assertTrue(badCopy, badCopy.contains("Loaded: 1 recs, Rejected: 1 recs"));
    assertTrue(badCopy, badCopy.contains("line 2"));
    psql("-c", "DELETE FROM sales WHERE s_id = 900000");

    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement d = duck.createStatement();
        Connection citadel = connect();
        Statement c = citadel.createStatement()) {
      for (String ddl : SCHEMA.split(";\n?")) {
        if (!ddl.isBlank()) {
          d.execute(ddl.replace("TEXT", "VARCHAR"));
        }
      }
      d.execute("COPY dates FROM '" + data.resolve("dates.csv") + "' (HEADER false)");
      d.execute("COPY customers FROM '" + data.resolve("customers.csv") + "' (HEADER true)");
      d.execute("COPY sales FROM '" + data.resolve("sales.csv") + "' (HEADER false)");
      for (String q : QUERIES) {
        List<String> expected = ResultRows.text(d.executeQuery(q));
        List<String> actual = ResultRows.text(c.executeQuery(q));
        assertTrue("no rows from DuckDB for " + q, !expected.isEmpty());
        assertEquals(q, expected, actual);
      }
    }

    // The same answer over HTTP, and the console knows the table.
    HttpResponse<String> http =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/sql"))
                    .header(
                        "Authorization",
                        "Basic "
                            + Base64.getEncoder()
                                .encodeToString(
                                    ("citadel:" + password()).getBytes(StandardCharsets.UTF_8)))
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"sql\": \"SELECT COUNT(*) AS n FROM sales WHERE s_qty > 25\"}"))
                    .timeout(Duration.ofSeconds(60))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(http.body(), 200, http.statusCode());
    try (Connection citadel = connect();
        Statement c = citadel.createStatement();
        ResultSet rs = c.executeQuery("SELECT COUNT(*) FROM sales WHERE s_qty > 25")) {
      rs.next();
      // BIGINT comes back as a string of its digits (see the OpenAPI document)
      assertTrue(http.body(), http.body().contains("\"rows\":[[\"" + rs.getLong(1) + "\"]]"));
    }
    String tables = node.client("engine:tables");
    assertTrue(tables, tables.matches("(?s).*sales +\\| +7 \\| +200000 \\|.*"));

    // Reconfigured live: a new HTTP port in the cfg file rebinds the listener, same JVM.
    long jvm = node.pid().orElseThrow();
    int newHttpPort = Loopback.freePort();
    node.cfg("io.citadel.engine.cfg", Map.of("http-port", Integer.toString(newHttpPort)));
    long deadline = System.nanoTime() + WAIT.toNanos();
    int status = -1;
    while (status != 401 && System.nanoTime() < deadline) {
      try {
        status =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + newHttpPort + "/sql"))
                        .POST(HttpRequest.BodyPublishers.ofString("SELECT 1"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode();
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    assertEquals("POST /sql without credentials on the new port", 401, status);
    assertEquals("the same JVM", jvm, (long) node.pid().orElseThrow());
    String engineStatus = node.client("engine:status");
    assertTrue(engineStatus, engineStatus.contains(Integer.toString(newHttpPort)));
  }

  // ---------------------------------------------------------------------------- durability

  @Test
  public void everyAcknowledgedWriteSurvivesAKill9() throws Exception {
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE acks (id BIGINT NOT NULL, payload TEXT)");
    }
    ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
    Thread writer =
        new Thread(
            () -> {
              try (Connection c = connect();
                  Statement st = c.createStatement()) {
                for (long id = 0; ; id++) {
                  // Single rows and batches: each statement is acknowledged as a whole.
                  if (id % 10 == 0) {
                    st.executeUpdate(
                        "INSERT INTO acks SELECT id + "
                            + (id * 1000)
                            + ", payload FROM acks WHERE id < 5");
                  } else {
                    st.executeUpdate("INSERT INTO acks VALUES (" + id + ", 'written " + id + "')");
                    acknowledged.add(id);
                  }
                }
              } catch (SQLException | IOException expected) {
                // the server was killed
              }
            },
            "acks-writer");
    writer.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Random random = new Random();
    int target = 200 + random.nextInt(300);
    while (acknowledged.size() < target && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue("the writer got going", acknowledged.size() >= target);
    node.kill9();
    writer.join(TimeUnit.SECONDS.toMillis(60));
    Set<Long> acked = new HashSet<>(acknowledged);

    node.start(WAIT);
    awaitEngine();
    Set<Long> stored = new HashSet<>();
    try (Connection c = connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, payload FROM acks WHERE id < 1000")) {
      while (rs.next()) {
        long id = rs.getLong(1);
        assertEquals("written " + id, rs.getString(2));
        stored.add(id);
      }
    }
    Set<Long> lost = new HashSet<>(acked);
    lost.removeAll(stored);
    assertTrue("acknowledged but lost: " + lost, lost.isEmpty());
    // At most the one statement in flight when the JVM died is there unacknowledged.
    Set<Long> extra = new HashSet<>(stored);
    extra.removeAll(acked);
    assertTrue("stored but never sent: " + extra, extra.size() <= 1);
  }

  // ---------------------------------------------------------------------------------- fuzz

  @Test
  public void garbageOnTheWireAndRandomStatementsLeaveTheEngineServingAndTheDataIntact()
      throws Exception {
    Random random = new Random(7);
    for (int round = 0; round < 40; round++) {
      int port = round % 2 == 0 ? pgPort : httpPort;
      byte[] junk = new byte[1 + random.nextInt(2000)];
      random.nextBytes(junk);
      if (round % 4 == 1) {
        byte[] head = "POST /sql HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n".getBytes();
        System.arraycopy(head, 0, junk, 0, Math.min(head.length, junk.length));
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write(junk);
        out.flush();
        s.shutdownOutput();
        try {
          s.getInputStream().readAllBytes();
        } catch (IOException reset) {
          // a reset is an answer too
        }
      }
    }
    try (Connection c = connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT 6 * 7")) {
      rs.next();
      assertEquals(42, rs.getInt(1));
    }

    // Random statements at the SQL endpoint: mangled queries, then the table is checked whole.
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE kept (k INTEGER, v TEXT, d DECIMAL(8,2))");
      st.execute(
          "INSERT INTO kept VALUES (1, 'one', 1.10), (2, 'two', NULL), (3, NULL, 3.30),"
              + " (4, 'four', 4.40)");
    }
    String before = checksum();
    List<String> seeds =
        List.of(
            "SELECT k, v FROM kept WHERE d > 1.5 ORDER BY k",
            "SELECT v, COUNT(*), SUM(d) FROM kept GROUP BY v HAVING COUNT(*) > 0",
            "SELECT a.k FROM kept a JOIN kept b ON a.k = b.k + 1 WHERE a.v LIKE 't%'",
            "SELECT CASE WHEN k IN (1, 2) THEN 'low' ELSE v END FROM kept LIMIT 2 OFFSET 1",
            "SELECT CAST(d AS INTEGER) / (k - 2), EXTRACT(YEAR FROM DATE '2024-02-02') FROM kept");
    String alphabet = " ()',;*+-/=<>.0123456789abcdefgkvdSELECTFROMWHERE\"\\\u00e9\u4e2d";
    HttpClient http = HttpClient.newHttpClient();
    int answered = 0;
    for (int round = 0; round < 300; round++) {
      StringBuilder sql = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
      for (int m = 1 + random.nextInt(4); m > 0; m--) {
        int at = random.nextInt(sql.length() + 1);
        switch (random.nextInt(3)) {
          case 0 -> sql.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          case 1 -> sql.delete(at, Math.min(sql.length(), at + 1 + random.nextInt(6)));
          default -> sql.insert(at, sql.substring(random.nextInt(sql.length())));
        }
      }
      String statement = sql.toString();
      if (!statement.stripLeading().toLowerCase(Locale.ROOT).startsWith("select")) {
        continue; // the table must stay as it was: only queries are thrown at it
      }
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/sql"))
                  .header("Authorization", basicAuth())
                  .header("Content-Type", "text/plain")
                  .POST(HttpRequest.BodyPublishers.ofString(statement))
                  .timeout(Duration.ofSeconds(60))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertTrue(
          statement + " -> " + r.statusCode() + " " + r.body(),
          r.statusCode() == 200 || (r.statusCode() == 400 && r.body().contains("\"code\"")));
      answered++;
    }
    assertTrue("most mangled statements were sent", answered > 100);
    assertEquals(before, checksum());

    String status = node.client("engine:status");
    assertTrue(status, status.contains("RUNNING"));
    String log = Files.readString(node.home().resolve("data/log/karaf.log"));
    assertTrue("no OutOfMemoryError in the log", !log.contains("OutOfMemoryError"));
  }

  private String basicAuth() throws IOException {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(("citadel:" + password()).getBytes(StandardCharsets.UTF_8));
  }

  /** Every row of the fuzzed table, in order, as one string. */
  private String checksum() throws Exception {
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      return String.join(
          "\n", ResultRows.text(st.executeQuery("SELECT k, v, d FROM kept ORDER BY k")));
    }
  }

  // ----------------------------------------------------------------------------------- psql

  private String psql(String... args) throws Exception {
    return Psql.run(pgPort, "citadel", password(), args);
  }
}
