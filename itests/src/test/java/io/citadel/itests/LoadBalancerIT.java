package io.citadel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

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
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Three engine servers of one HA group behind the load balancer of the first node: the load spread
 * by each algorithm; kill -9 of a server under a steady read load loses no request, the server is
 * marked down within interval x fall and rejoins after rise checks when it returns; JDBC and psql
 * sessions through the balancer reconnect and work.
 */
public class LoadBalancerIT {
  private static final Duration START = Duration.ofSeconds(180);
  private static final String USER = "app";
  private static final String PASSWORD = "app-secret";
  private static final int INTERVAL_MS = 500;
  private static final int FALL = 2;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private HaCluster cluster;
  private CitadelNode front;
  private int lbPg;
  private int lbHttp;

  @Before
  public void start() throws Exception {
    Path base =
        Files.createTempDirectory(
            Files.createDirectories(Path.of("target", "lb-it")).toAbsolutePath(), "lb");
    cluster = HaCluster.start(Path.of(System.getProperty("citadel.distribution")), base, 3, START);
    front = cluster.nodes().get(0);
    lbPg = Integer.parseInt(front.cfgValue("io.citadel.loadbalancer.cfg", "pg-port"));
    lbHttp = Integer.parseInt(front.cfgValue("io.citadel.loadbalancer.cfg", "http-port"));
    try (Connection c = HaCluster.connect(front);
        Statement s = c.createStatement()) {
      // made once: it reaches every member through the group's log
      s.execute("CREATE USER " + USER + " WITH PASSWORD '" + PASSWORD + "'");
      for (String t : List.of("t1", "t2", "t3", "t4")) {
        s.execute("CREATE TABLE " + t + " (id BIGINT, v TEXT)");
        s.execute("INSERT INTO " + t + " VALUES (1, 'a'), (2, 'b'), (3, 'c')");
      }
    }
    cluster.awaitAllOnline(Duration.ofSeconds(60));
    lbConfig(Map.of("group", HaCluster.GROUP, "algorithm", "round-robin"));
    Conditions.eventually(
        "the balancer sees three servers up:\n" + backendsText(),
        Duration.ofSeconds(30),
        () -> backends().values().stream().filter(b -> b.state().equals("UP")).count() == 3);
  }

  @After
  public void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private void lbConfig(Map<String, String> values) throws Exception {
    Map<String, String> all = new HashMap<>(values);
    all.put("check-interval-ms", Integer.toString(INTERVAL_MS));
    all.put("fall", Integer.toString(FALL));
    all.put("rise", "2");
    front.cfg("io.citadel.loadbalancer.cfg", all);
  }

  /** One row of {@code lb:backends}. */
  private record Row(
      String id, String state, long requests, long sessionsTotal, java.time.Instant since) {}

  private Map<String, Row> backends() throws Exception {
    Map<String, Row> rows = new HashMap<>();
    for (String line : front.client("lb:backends --no-format").split("\n")) {
      String[] c = line.split("\t");
      if (c.length >= 10 && c[0].strip().startsWith("node")) {
        rows.put(
            c[0].strip(),
            new Row(
                c[0].strip(),
                c[3].strip(),
                Long.parseLong(c[8].strip()),
                Long.parseLong(c[7].strip()),
                java.time.Instant.parse(c[c.length - 1].strip())));
      }
    }
    return rows;
  }

  /** When the balancer's log says it marked {@code server} down, or null. */
  private Row downInLog(String server) throws Exception {
    java.nio.file.Path log = front.home().resolve("data").resolve("log").resolve("karaf.log");
    Row found = null;
    for (String line : java.nio.file.Files.readAllLines(log)) {
      if (line.contains("Load balancer: " + server + " (") && line.contains(") is down")) {
        java.time.LocalDateTime at =
            java.time.LocalDateTime.parse(
                line.substring(0, 23).replace(',', '.'),
                java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        found =
            new Row(server, "DOWN", 0, 0, at.atZone(java.time.ZoneId.systemDefault()).toInstant());
      }
    }
    return found;
  }

  private String backendsText() {
    try {
      return front.client("lb:backends");
    } catch (Exception e) {
      return "(lb:backends failed: " + e + ")";
    }
  }

  private HttpResponse<String> sql(String statement) throws Exception {
    return sql(statement, null);
  }

  private HttpResponse<String> sql(String statement, String idempotencyKey) throws Exception {
    String auth =
        Base64.getEncoder()
            .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lbHttp + "/sql"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Basic " + auth)
            .header("Content-Type", "text/plain")
            .POST(HttpRequest.BodyPublishers.ofString(statement));
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Requests each server took while {@code work} ran, by the balancer's own counts. */
  private Map<String, Long> spreadOf(ThrowingRunnable work) throws Exception {
    Map<String, Row> before = backends();
    work.run();
    Map<String, Row> after = backends();
    Map<String, Long> spread = new HashMap<>();
    for (Row r : after.values()) {
      Row b = before.get(r.id());
      spread.put(r.id(), r.requests() - (b == null ? 0 : b.requests()));
    }
    return spread;
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private Connection viaBalancer(String applicationName) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", USER);
    p.setProperty("password", PASSWORD);
    p.setProperty("connectTimeout", "5");
    p.setProperty("socketTimeout", "30");
    p.setProperty("ApplicationName", applicationName);
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + lbPg + "/citadel", p);
  }

  @Test
  public void eachAlgorithmSpreadsTheLoadAndAKilledServerCostsNoRead() throws Exception {
    // round robin: each server a third
    Map<String, Long> rr =
        spreadOf(
            () -> {
              for (int i = 0; i < 30; i++) {
                assertEquals(200, sql("SELECT count(*) FROM t1").statusCode());
              }
            });
    System.out.println("round-robin: " + rr);
    assertEquals(rr.toString(), List.of(10L, 10L, 10L), sorted(rr));

    // least connections, sequential requests: ties take turns
    lbConfig(Map.of("group", HaCluster.GROUP, "algorithm", "least-connections"));
    Conditions.eventually(
        "the algorithm changes live",
        Duration.ofSeconds(15),
        () -> front.client("lb:stats --no-format").contains("least-connections"));
    Map<String, Long> lc =
        spreadOf(
            () -> {
              for (int i = 0; i < 30; i++) {
                assertEquals(200, sql("SELECT count(*) FROM t2").statusCode());
              }
            });
    System.out.println("least-connections: " + lc);
    assertTrue(lc.toString(), lc.values().stream().allMatch(n -> n >= 5));

    // locality: a table's requests all go to one server, and the tables spread
    lbConfig(Map.of("group", HaCluster.GROUP, "algorithm", "locality"));
    Conditions.eventually(
        "the algorithm changes live",
        Duration.ofSeconds(15),
        () -> front.client("lb:stats --no-format").contains("locality"));
    List<String> homes = new ArrayList<>();
    for (String t : List.of("t1", "t2", "t3", "t4")) {
      Map<String, Long> one =
          spreadOf(
              () -> {
                for (int i = 0; i < 12; i++) {
                  assertEquals(200, sql("SELECT count(*) FROM " + t).statusCode());
                }
              });
      System.out.println("locality, " + t + ": " + one);
      List<String> used =
          one.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey).toList();
      assertEquals(t + " " + one, 1, used.size());
      homes.add(used.get(0));
    }
    System.out.println("locality homes of t1..t4: " + homes);

    // kill -9 of a server under a steady read load: no request lost
    lbConfig(Map.of("group", HaCluster.GROUP, "algorithm", "round-robin"));
    Conditions.eventually(
        "the algorithm changes live",
        Duration.ofSeconds(15),
        () -> front.client("lb:stats --no-format").contains("round-robin"));
    CitadelNode victim = cluster.nodes().get(2);
    try (Connection pinned = viaBalancer("pinned")) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong ok = new AtomicLong();
      List<String> failures = new CopyOnWriteArrayList<>();
      List<Thread> readers = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        Thread t =
            new Thread(
                () -> {
                  while (!stop.get()) {
                    try {
                      HttpResponse<String> a = sql("SELECT count(*) FROM t1");
                      if (a.statusCode() == 200 && a.body().contains("3")) {
                        ok.incrementAndGet();
                      } else {
                        failures.add(a.statusCode() + " " + a.body());
                      }
                    } catch (Exception e) {
                      failures.add(e.toString());
                    }
                  }
                },
                "reader-" + r);
        t.start();
        readers.add(t);
      }
      try {
        Conditions.eventually("reads flow", Duration.ofSeconds(10), () -> ok.get() > 100);
        long before = ok.get();
        long killedAt = System.currentTimeMillis();
        victim.kill9();
        java.util.concurrent.atomic.AtomicReference<Row> down =
            new java.util.concurrent.atomic.AtomicReference<>();
        Conditions.eventually(
            victim.name() + " marked down",
            Duration.ofSeconds(10),
            () -> {
              Row r = backends().get(victim.name());
              down.set(r);
              // a member whose ZooKeeper session expired has left the group: down before that
              return r == null || "DOWN".equals(r.state());
            });
        if (down.get() == null) {
          // It left the group (its ZooKeeper session expired) before the console, which takes
          // seconds to answer on a loaded machine, was asked again: the balancer's log says when
          // it marked the server down, by the same clock.
          down.set(downInLog(victim.name()));
        }
        assertTrue(victim.name() + " was marked down before it left the group", down.get() != null);
        // when the balancer marked it, by its own clock (the console takes a second to ask)
        long downMs = down.get().since().toEpochMilli() - killedAt;
        Conditions.eventually("reads go on", Duration.ofSeconds(10), () -> ok.get() > before + 200);
        System.out.printf(
            "%s killed: marked down after %d ms (interval %d ms x fall %d); %d reads answered,"
                + " %d failed%n",
            victim.name(), downMs, INTERVAL_MS, FALL, ok.get(), failures.size());
        assertTrue("down after " + downMs + " ms", downMs <= INTERVAL_MS * FALL + 500);
      } finally {
        stop.set(true);
        for (Thread t : readers) {
          t.join(30_000);
        }
      }
      assertEquals("reads that failed through the balancer", List.of(), failures);

      // a session that was on a server that died gets an error; a new one works
      try (Statement s = pinned.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM t1")) {
        rs.next();
        assertEquals(3, rs.getLong(1)); // it was not on the victim
      } catch (SQLException brokenSession) {
        System.out.println("the pinned session was on the victim: " + brokenSession.getMessage());
      }
    }
    try (Connection again = viaBalancer("again");
        Statement s = again.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM t2")) {
      rs.next();
      assertEquals(3, rs.getLong(1));
    }
    String psql = psql("SELECT count(*) AS n FROM t3");
    assertTrue(psql, psql.contains("3"));

    // it comes back and rejoins after its rise checks
    victim.start(START);
    Conditions.eventually(
        victim.name() + " up again:\n" + backendsText(),
        Duration.ofSeconds(120),
        () -> "UP".equals(stateOf(victim.name())));
    Map<String, Long> back =
        spreadOf(
            () -> {
              for (int i = 0; i < 30; i++) {
                assertEquals(200, sql("SELECT count(*) FROM t4").statusCode());
              }
            });
    assertEquals(back.toString(), List.of(10L, 10L, 10L), sorted(back));
  }

  @Test
  public void aWriteWithAnIdempotencyKeyIsAppliedOnceHoweverOftenItIsSent() throws Exception {
    String insert = "INSERT INTO t1 VALUES (100, 'keyed')";
    // a client (or the balancer, after a broken connection) sends it again, to another member
    HttpResponse<String> first = sql(insert, "order-100");
    HttpResponse<String> again = sql(insert, "order-100");
    assertEquals(first.body(), 200, first.statusCode());
    assertEquals(again.body(), 200, again.statusCode());
    assertTrue(again.body(), again.body().contains("was applied at offset"));
    for (CitadelNode n : cluster.nodes()) {
      Conditions.eventually(
          n.name() + " has the keyed row once",
          Duration.ofSeconds(15),
          () -> {
            try (Connection c = HaCluster.connect(n);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM t1 WHERE id = 100")) {
              rs.next();
              return rs.getLong(1) == 1;
            }
          });
    }
  }

  @Test
  public void aDrainedServerGetsNoNewWorkAndOpenSessionsEndFirst() throws Exception {
    String drained = cluster.nodes().get(1).name();
    String out = front.client("lb:drain --wait 5 " + drained);
    assertTrue(out, out.contains(drained));
    Map<String, Long> spread =
        spreadOf(
            () -> {
              for (int i = 0; i < 20; i++) {
                assertEquals(200, sql("SELECT count(*) FROM t1").statusCode());
              }
            });
    assertEquals(spread.toString(), 0L, (long) spread.get(drained));
    front.client("lb:undrain " + drained);
    Map<String, Long> after =
        spreadOf(
            () -> {
              for (int i = 0; i < 30; i++) {
                assertEquals(200, sql("SELECT count(*) FROM t1").statusCode());
              }
            });
    assertTrue(after.toString(), after.get(drained) > 0);
  }

  private String stateOf(String id) throws Exception {
    Row r = backends().get(id);
    return r == null ? "" : r.state();
  }

  private static List<Long> sorted(Map<String, Long> spread) {
    return spread.values().stream().sorted().toList();
  }

  private String psql(String statement) throws Exception {
    return Psql.run(lbPg, USER, PASSWORD, "-c", statement);
  }
}
