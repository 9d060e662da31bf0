package io.citadel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Three nodes, each running a CLDB: one master, two read-only slaves. Simulated fileservers
 * heartbeat to whichever is master through the real API. kill -9 of the master's node makes a slave
 * master; lookups on the live CLDBs answer throughout; no container is lost; the old master comes
 * back a slave. A silent fileserver raises its alarm within three intervals and clears it when it
 * returns; a write past a volume's quota is refused and what was stored stays.
 */
public class CldbFailoverIT {

  private static final int SESSION_TIMEOUT_MS = 6_000;
  private static final int FRAGMENTS = 20;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper json = new ObjectMapper();
  private SingletonCluster cluster;
  private final Set<String> silent = ConcurrentHashMap.newKeySet();
  private final Set<String> down = ConcurrentHashMap.newKeySet();

  @Before
  public void startCluster() throws Exception {
    Path base =
        Files.createTempDirectory(
            Files.createDirectories(Path.of("target", "cldb-it")).toAbsolutePath(), "cldb");
    cluster =
        SingletonCluster.start(
            Path.of(System.getProperty("citadel.distribution")), base, 3, SESSION_TIMEOUT_MS);
  }

  @After
  public void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private String api(CitadelNode node) throws Exception {
    return "http://127.0.0.1:" + node.cfgValue("io.citadel.cldb.cfg", "port");
  }

  private record Reply(int status, JsonNode body) {}

  private Reply call(String base, String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5));
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), json.readTree(r.body()));
  }

  /** The node whose CLDB says it is master, once exactly one of the live ones says so. */
  private CitadelNode awaitMaster(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      List<CitadelNode> masters = new ArrayList<>();
      for (CitadelNode n : cluster.nodes()) {
        if (down.contains(n.name())) {
          continue;
        }
        try {
          if (call(api(n), "GET", "/v1/status", null)
              .body()
              .path("role")
              .asText()
              .equals("MASTER")) {
            masters.add(n);
          }
        } catch (Exception notUp) {
          // not listening yet
        }
      }
      if (masters.size() == 1) {
        return masters.get(0);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no single CLDB master within " + timeout);
  }

  private String heartbeat(String node, List<Long> containers, long sizeEach) {
    StringBuilder b = new StringBuilder();
    b.append("{\"node\":\"fs-")
        .append(node)
        .append("\",\"address\":\"127.0.0.1:")
        .append(5000 + node.hashCode() % 1000)
        .append("\",\"capacityBytes\":1000000000,\"usedBytes\":1000,\"containers\":[");
    for (int i = 0; i < containers.size(); i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"containerId\":")
          .append(containers.get(i))
          .append(",\"sizeBytes\":")
          .append(sizeEach)
          .append('}');
    }
    return b.append("]}").toString();
  }

  /**
   * The master frozen (SIGSTOP: a hung machine, a long pause) for 1.5 session timeouts: another
   * CLDB takes over once the frozen one's session expires, and the frozen one, thawed, does not
   * answer as master once more (its lease lapsed while it was frozen). Every node's status is
   * sampled every 50 ms throughout: never do two answer MASTER in one sample.
   */
  @Test
  public void aMasterFrozenPastItsSessionNeverAnswersAsMasterBesideItsSuccessor() throws Exception {
    CitadelNode frozen = awaitMaster(Duration.ofSeconds(120));
    long pid = frozen.pid().orElseThrow();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong samples = new AtomicLong();
    AtomicLong oneMaster = new AtomicLong();
    List<String> doubles = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread sampler =
        new Thread(
            () -> {
              while (!stop.get()) {
                long tick = System.nanoTime();
                List<java.util.concurrent.CompletableFuture<String>> roles = new ArrayList<>();
                for (CitadelNode n : cluster.nodes()) {
                  roles.add(role(n));
                }
                List<String> masters = new ArrayList<>();
                for (int i = 0; i < roles.size(); i++) {
                  if (roles.get(i).join().equals("MASTER")) {
                    masters.add(cluster.nodes().get(i).name());
                  }
                }
                samples.incrementAndGet();
                if (masters.size() == 1) {
                  oneMaster.incrementAndGet();
                }
                if (masters.size() > 1) {
                  doubles.add(System.currentTimeMillis() + ": " + masters);
                }
                long left = 50 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - tick);
                sleep(Math.max(0, left));
              }
            },
            "master-sampler");
    sampler.start();
    try {
      sleep(1_000);
      long frozenAt = System.nanoTime();
      assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor());
      try {
        down.add(frozen.name());
        CitadelNode next = awaitMaster(Duration.ofSeconds(60));
        assertNotEquals(frozen.name(), next.name());
        long frozenMs = SESSION_TIMEOUT_MS * 3L / 2;
        sleep(Math.max(0, frozenMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt)));
      } finally {
        new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
        down.remove(frozen.name());
      }
      Conditions.eventually(
          frozen.name() + " thawed is a slave",
          Duration.ofSeconds(30),
          () ->
              call(api(frozen), "GET", "/v1/status", null)
                  .body()
                  .path("role")
                  .asText()
                  .equals("SLAVE"));
      sleep(2_000);
    } finally {
      stop.set(true);
      sampler.join(10_000);
    }
    System.out.printf(
        "CLDB master frozen for %d ms: %d samples of every node's role, %d with one master, %d"
            + " with two%n",
        SESSION_TIMEOUT_MS * 3 / 2, samples.get(), oneMaster.get(), doubles.size());
    assertEquals("samples with two masters: " + doubles, 0, doubles.size());
    // a sample waits for the frozen node's timeout: about 6 a second while it is frozen
    assertTrue("samples with one master: " + oneMaster.get(), oneMaster.get() > 50);
  }

  /** A node's CLDB role, "-" when it does not answer within 150 ms (frozen, or not up). */
  private java.util.concurrent.CompletableFuture<String> role(CitadelNode n) {
    try {
      HttpRequest r =
          HttpRequest.newBuilder(URI.create(api(n) + "/v1/status"))
              .timeout(Duration.ofMillis(150))
              .GET()
              .build();
      return http.sendAsync(r, HttpResponse.BodyHandlers.ofString())
          .thenApply(
              reply -> {
                try {
                  return json.readTree(reply.body()).path("role").asText("-");
                } catch (Exception e) {
                  return "-";
                }
              })
          .exceptionally(e -> "-");
    } catch (Exception e) {
      return java.util.concurrent.CompletableFuture.completedFuture("-");
    }
  }

  @Test
  public void theMasterFailsOverLookupsAnswerThroughoutAndAlarmsFollowHeartbeats()
      throws Exception {
    CitadelNode first = awaitMaster(Duration.ofSeconds(120));
    String master = api(first);
    assertEquals(
        200,
        call(
                master,
                "POST",
                "/v1/volumes",
                "{\"name\":\"sales\",\"quota\":100000,\"minReplicas\":2}")
            .status());
    List<Long> ids = new ArrayList<>();
    for (int f = 0; f < FRAGMENTS; f++) {
      Reply r =
          call(
              master,
              "POST",
              "/v1/containers",
              "{\"volume\":\"sales\",\"table\":\"orders\",\"fragment\":"
                  + f
                  + ",\"node\":\"fs-a\"}");
      assertEquals(r.body().toString(), 200, r.status());
      ids.add(r.body().path("id").asLong());
    }
    // a slave refuses writes and names the master
    CitadelNode slave = cluster.nodes().stream().filter(n -> n != first).findFirst().orElseThrow();
    Reply refused = call(api(slave), "POST", "/v1/volumes", "{\"name\":\"x\"}");
    assertEquals(421, refused.status());
    assertEquals(master.replace("http://", ""), refused.body().path("master").asText());

    // slaves read the master's writes within moments; from then on every lookup must answer
    for (CitadelNode n : cluster.nodes()) {
      Conditions.eventually(
          n.name() + " locates the " + FRAGMENTS + " fragments of orders",
          Duration.ofSeconds(10),
          () -> call(api(n), "GET", "/v1/lookup?table=orders", null).body().size() == FRAGMENTS);
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong lookups = new AtomicLong();
    List<String> lookupFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread fileservers =
        new Thread(
            () -> {
              while (!stop.get()) {
                for (String fs : List.of("a", "b", "c")) {
                  if (silent.contains(fs)) {
                    continue;
                  }
                  for (CitadelNode n : cluster.nodes()) {
                    if (down.contains(n.name())) {
                      continue;
                    }
                    try {
                      if (call(api(n), "POST", "/v1/heartbeat", heartbeat(fs, ids, 1_000)).status()
                          == 200) {
                        break; // the master took it
                      }
                    } catch (Exception e) {
                      // that CLDB is gone; the next
                    }
                  }
                }
                sleep(300);
              }
            },
            "fileservers");
    Thread lookers =
        new Thread(
            () -> {
              int i = 0;
              while (!stop.get()) {
                CitadelNode n = cluster.nodes().get(i++ % 3);
                if (down.contains(n.name())) {
                  continue;
                }
                try {
                  Reply r = call(api(n), "GET", "/v1/lookup?table=orders", null);
                  if (r.status() != 200 || r.body().size() != FRAGMENTS) {
                    lookupFailures.add(n.name() + ": " + r.status() + " " + r.body());
                  }
                  lookups.incrementAndGet();
                } catch (Exception e) {
                  if (!down.contains(n.name())) {
                    lookupFailures.add(n.name() + ": " + e);
                  }
                }
                sleep(20);
              }
            },
            "lookups");
    fileservers.start();
    lookers.start();
    try {
      // every container gets its three replicas
      Conditions.eventually(
          "each container of orders has three live replicas",
          Duration.ofSeconds(30),
          () -> {
            Reply r = call(master, "GET", "/v1/lookup?table=orders", null);
            return r.status() == 200 && r.body().get(0).path("liveAddresses").size() == 3;
          });

      // kill -9 the master's node
      down.add(first.name());
      long killedAt = first.kill9();
      CitadelNode second = awaitMaster(Duration.ofSeconds(SESSION_TIMEOUT_MS / 1000 + 30));
      assertNotEquals(first, second);
      long elected = System.nanoTime();
      Conditions.eventually(
          "the new master " + second.name() + " accepts a write",
          Duration.ofSeconds(30),
          () -> call(api(second), "POST", "/v1/volumes", "{\"name\":\"after\"}").status() == 200);
      long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      System.out.printf(
          "CLDB failover %s -> %s: first write accepted %d ms after the kill (%d ms after it said it was master;"
              + " session timeout %d ms); %d lookups so far%n",
          first.name(),
          second.name(),
          failoverMs,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - elected),
          SESSION_TIMEOUT_MS,
          lookups.get());
      assertTrue("failover took " + failoverMs + " ms", failoverMs < SESSION_TIMEOUT_MS + 15_000);
      Reply containers = call(api(second), "GET", "/v1/containers?volume=sales", null);
      assertEquals("no container is lost", FRAGMENTS, containers.body().size());

      // the old master comes back as a slave
      first.start(Duration.ofSeconds(180));
      Conditions.eventually(
          "the old master " + first.name() + " comes back a slave",
          Duration.ofSeconds(60),
          () ->
              call(api(first), "GET", "/v1/status", null)
                  .body()
                  .path("role")
                  .asText()
                  .equals("SLAVE"));
      down.remove(first.name()); // a slave now: lookups go to it again
      // one master still (on two loaded cores a session may expire meanwhile and move it again)
      CitadelNode third = awaitMaster(Duration.ofSeconds(30));
      assertNotEquals(first, third);
      String now = api(third);
      assertEquals(
          FRAGMENTS, call(api(first), "GET", "/v1/lookup?table=orders", null).body().size());

      // a fileserver that stops heartbeating raises its alarm within three intervals
      silent.add("c");
      long silentAt = System.nanoTime();
      Conditions.eventually(
          "the alarm of silent fs-c",
          Duration.ofSeconds(10),
          () -> hasAlarm(now, "NODE_HEARTBEAT_MISSED", "fs-c"));
      long raisedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - silentAt);
      assertTrue("raised after " + raisedMs + " ms", raisedMs <= 3 * 1_000 + 1_500);
      silent.remove("c");
      Conditions.eventually(
          "fs-c's alarm clears once it heartbeats again",
          Duration.ofSeconds(10),
          () -> !hasAlarm(now, "NODE_HEARTBEAT_MISSED", "fs-c"));

      // past the quota: writes are refused with the reason, what is stored stays
      silent.add("a");
      silent.add("b");
      silent.add("c");
      // the reporting thread may be in the middle of a round with the old sizes: report until the
      // master counts these
      Conditions.eventually(
          "20 containers of 10,000 bytes take sales past its quota of 100,000",
          Duration.ofSeconds(10),
          () -> {
            call(now, "POST", "/v1/heartbeat", heartbeat("a", ids, 10_000));
            return call(now, "GET", "/v1/check-write?volume=sales&bytes=1", null).status() == 507;
          });
      Reply over = call(now, "GET", "/v1/check-write?volume=sales&bytes=1", null);
      assertEquals(over.body().toString(), 507, over.status());
      assertTrue(over.body().path("message").asText().contains("sales"));
      Conditions.eventually(
          "the quota alarm of sales",
          Duration.ofSeconds(5),
          () -> hasAlarm(now, "VOLUME_QUOTA_EXCEEDED", "sales"));
      assertEquals(FRAGMENTS, call(now, "GET", "/v1/containers?volume=sales", null).body().size());
    } finally {
      stop.set(true);
      fileservers.join(10_000);
      lookers.join(10_000);
    }
    assertTrue("lookups answered: " + lookups.get(), lookups.get() > 100);
    assertEquals("lookups that failed on live CLDBs", List.of(), lookupFailures);
  }

  /**
   * The real fileservers: every node's reports its engine's fragments as containers of the engine's
   * volume. A table's fragments are located at the engine that holds them, on every CLDB; a write
   * past the volume's quota is refused through the engine and what was written stays whole; a
   * stopped fileserver raises its node's alarm within three intervals and clears it when it starts
   * again; after kill -9 of the master CLDB the new one knows every container and the fileserver
   * reports to it.
   */
  @Test
  public void realFileserversLocateTheEnginesFragmentsAndHoldItToItsVolumesQuota()
      throws Exception {
    CitadelNode master = awaitMaster(Duration.ofSeconds(120));
    List<CitadelNode> others = cluster.nodes().stream().filter(n -> n != master).toList();
    CitadelNode data = others.get(0);
    CitadelNode quiet = others.get(1);
    String address = "127.0.0.1:" + data.cfgValue("io.citadel.engine.cfg", "port");
    Conditions.eventually(
        "the fileservers of all three nodes heartbeat to the master",
        Duration.ofSeconds(60),
        () -> availableNodes(api(master)).containsAll(Set.of("node1", "node2", "node3")));

    long acked = 0;
    try (Connection c = HaCluster.connect(data);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE orders (id BIGINT, note TEXT) WITH (fragment_size = 1000)");
      acked += insert(st, acked, 2_500);
      // three fragments, three containers, each located at the engine that holds it, everywhere
      for (CitadelNode n : cluster.nodes()) {
        Conditions.eventually(
            n.name() + " locates the three fragments of orders at " + address,
            Duration.ofSeconds(30),
            () -> {
              JsonNode r =
                  call(api(n), "GET", "/v1/lookup?table=" + VOLUME + "/orders", null).body();
              if (r.size() != 3) {
                return false;
              }
              for (JsonNode location : r) {
                if (!location.path("liveAddresses").toString().equals("[\"" + address + "\"]")) {
                  return false;
                }
              }
              return true;
            });
      }
      String lookup = quiet.client("cldb:lookup orders");
      assertTrue(lookup, lookup.contains(address));
      String held = data.client("fileserver:containers " + VOLUME);
      assertTrue(held, held.contains("orders"));

      // a quota a little above what the volume holds: writes go on until the next would pass it
      Conditions.eventually(
          "the master counts the 2,500 rows in " + VOLUME + "'s usage",
          Duration.ofSeconds(15),
          () -> volumeUsed(api(master)) > 30_000);
      long used = volumeUsed(api(master));
      long quota = used + 64_000;
      assertEquals(
          200,
          call(api(master), "PUT", "/v1/volumes/" + VOLUME + "/quota", "{\"quota\":" + quota + "}")
              .status());
      Conditions.eventually(
          data.name() + "'s fileserver learns the quota",
          Duration.ofSeconds(15),
          () -> data.client("fileserver:status --no-format").split(VOLUME, -1).length > 2);
      long before = acked;
      SQLException refused = null;
      for (int i = 0; i < 200 && refused == null; i++) {
        try {
          acked += insert(st, acked, 250);
        } catch (SQLException e) {
          refused = e;
        }
      }
      assertNotNull("no write was refused past a quota of " + quota + " bytes", refused);
      System.out.printf(
          "quota %d bytes (%d used when set): %d rows taken, then refused: %s%n",
          quota, used, acked - before, refused.getMessage());
      assertEquals(refused.getMessage(), "53100", refused.getSQLState());
      assertTrue(refused.getMessage(), refused.getMessage().contains(VOLUME));
      assertTrue(refused.getMessage(), refused.getMessage().contains("quota"));
      assertTrue("writes went on up to the quota", acked > before);
      // nothing already written is harmed
      assertRows(st, acked);
      // statements that free space run even now; lifting the quota takes writes again
      assertEquals(100, st.executeUpdate("DELETE FROM orders WHERE id < 100"));
      assertEquals(
          200,
          call(api(master), "PUT", "/v1/volumes/" + VOLUME + "/quota", "{\"quota\":0}").status());
      long from = acked;
      Conditions.eventually(
          "a write is taken once the quota is lifted",
          Duration.ofSeconds(15),
          () -> {
            try {
              insert(st, from, 10);
              return true;
            } catch (SQLException e) {
              if ("53100".equals(e.getSQLState())) {
                return false;
              }
              throw e;
            }
          });
      acked += 10;
    }

    // a fileserver that stops heartbeating raises its node's alarm within three intervals
    String stopped = quiet.client("warden:stop fileserver");
    long stoppedAt = System.nanoTime();
    Conditions.eventually(
        "the alarm of " + quiet.name() + " after: " + stopped,
        Duration.ofSeconds(10),
        () ->
            hasAlarm(
                api(awaitMaster(Duration.ofSeconds(30))), "NODE_HEARTBEAT_MISSED", quiet.name()));
    long raisedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);
    System.out.printf(
        "%s's fileserver stopped: alarm raised %d ms later%n", quiet.name(), raisedMs);
    assertTrue("raised after " + raisedMs + " ms", raisedMs <= 3 * 1_000 + 2_000);
    quiet.client("warden:start fileserver");
    Conditions.eventually(
        quiet.name() + "'s alarm clears once its fileserver heartbeats again",
        Duration.ofSeconds(60),
        () ->
            !hasAlarm(
                api(awaitMaster(Duration.ofSeconds(30))), "NODE_HEARTBEAT_MISSED", quiet.name()));

    // kill -9 of the master CLDB's node: the next master knows every container, and the data
    // node's fileserver reports to it
    CitadelNode first = awaitMaster(Duration.ofSeconds(30));
    int fragments = call(api(first), "GET", "/v1/lookup?table=orders", null).body().size();
    assertTrue(fragments + " fragments", fragments >= 4);
    down.add(first.name());
    first.kill9();
    CitadelNode second = awaitMaster(Duration.ofSeconds(SESSION_TIMEOUT_MS / 1000 + 30));
    assertNotEquals(first, second);
    if (first != data) {
      Conditions.eventually(
          "the new master "
              + second.name()
              + " locates the "
              + fragments
              + " fragments of orders at "
              + address,
          Duration.ofSeconds(30),
          () -> {
            JsonNode r = call(api(second), "GET", "/v1/lookup?table=orders", null).body();
            return r.size() == fragments
                && r.get(0).path("liveAddresses").toString().equals("[\"" + address + "\"]");
          });
      try (Connection c = HaCluster.connect(data);
          Statement st = c.createStatement()) {
        acked += insert(st, acked, 10);
        assertRows(st, acked, 100);
      }
    }
  }

  private static final String VOLUME = "citadel.data";

  /** Inserts rows {@code from} to {@code from + n - 1}, with a note of some 60 bytes each. */
  private static int insert(Statement st, long from, int n) throws SQLException {
    StringBuilder b = new StringBuilder("INSERT INTO orders VALUES ");
    for (long i = from; i < from + n; i++) {
      b.append(i == from ? "" : ",")
          .append('(')
          .append(i)
          .append(", 'order ")
          .append(i)
          .append(" of a customer who pays on time, shipped by sea')");
    }
    return st.executeUpdate(b.toString());
  }

  private static void assertRows(Statement st, long acked) throws SQLException {
    assertRows(st, acked, 0);
  }

  /** Rows 0 to acked - 1 are there once each, but for the first {@code deleted}. */
  private static void assertRows(Statement st, long acked, long deleted) throws SQLException {
    try (ResultSet rs =
        st.executeQuery("SELECT count(*), sum(id), count(DISTINCT id), min(id) FROM orders")) {
      rs.next();
      assertEquals(acked - deleted, rs.getLong(1));
      assertEquals(acked * (acked - 1) / 2 - deleted * (deleted - 1) / 2, rs.getLong(2));
      assertEquals(acked - deleted, rs.getLong(3));
      assertEquals(deleted, rs.getLong(4));
    }
  }

  private Set<String> availableNodes(String base) throws Exception {
    Set<String> out = new java.util.TreeSet<>();
    for (JsonNode n : call(base, "GET", "/v1/nodes", null).body()) {
      if (n.path("available").asBoolean()) {
        out.add(n.path("id").asText());
      }
    }
    return out;
  }

  private long volumeUsed(String base) throws Exception {
    for (JsonNode v : call(base, "GET", "/v1/volumes", null).body()) {
      if (v.path("name").asText().equals(VOLUME)) {
        return v.path("usedBytes").asLong();
      }
    }
    throw new AssertionError("no volume " + VOLUME);
  }

  private boolean hasAlarm(String base, String type, String subject) throws Exception {
    for (JsonNode a : call(base, "GET", "/v1/alarms", null).body()) {
      if (a.path("type").asText().equals(type) && a.path("subject").asText().equals(subject)) {
        return true;
      }
    }
    return false;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
