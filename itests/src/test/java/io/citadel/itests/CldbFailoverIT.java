package io.citadel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
      awaitTrue(
          () -> call(api(n), "GET", "/v1/lookup?table=orders", null).body().size() == FRAGMENTS,
          Duration.ofSeconds(10));
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
      awaitTrue(
          () -> {
            Reply r = call(master, "GET", "/v1/lookup?table=orders", null);
            return r.status() == 200 && r.body().get(0).path("liveAddresses").size() == 3;
          },
          Duration.ofSeconds(30));

      // kill -9 the master's node
      down.add(first.name());
      long killedAt = first.kill9();
      CitadelNode second = awaitMaster(Duration.ofSeconds(SESSION_TIMEOUT_MS / 1000 + 30));
      assertNotEquals(first, second);
      long elected = System.nanoTime();
      awaitTrue(
          () -> call(api(second), "POST", "/v1/volumes", "{\"name\":\"after\"}").status() == 200,
          Duration.ofSeconds(30));
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
      awaitTrue(
          () ->
              call(api(first), "GET", "/v1/status", null)
                  .body()
                  .path("role")
                  .asText()
                  .equals("SLAVE"),
          Duration.ofSeconds(60));
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
      awaitTrue(() -> hasAlarm(now, "NODE_HEARTBEAT_MISSED", "fs-c"), Duration.ofSeconds(10));
      long raisedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - silentAt);
      assertTrue("raised after " + raisedMs + " ms", raisedMs <= 3 * 1_000 + 1_500);
      silent.remove("c");
      awaitTrue(() -> !hasAlarm(now, "NODE_HEARTBEAT_MISSED", "fs-c"), Duration.ofSeconds(10));

      // past the quota: writes are refused with the reason, what is stored stays
      silent.add("a");
      silent.add("b");
      silent.add("c");
      Thread.sleep(500);
      call(now, "POST", "/v1/heartbeat", heartbeat("a", ids, 10_000));
      Reply over = call(now, "GET", "/v1/check-write?volume=sales&bytes=1", null);
      assertEquals(over.body().toString(), 507, over.status());
      assertTrue(over.body().path("message").asText().contains("sales"));
      awaitTrue(() -> hasAlarm(now, "VOLUME_QUOTA_EXCEEDED", "sales"), Duration.ofSeconds(5));
      assertEquals(FRAGMENTS, call(now, "GET", "/v1/containers?volume=sales", null).body().size());
    } finally {
      stop.set(true);
      fileservers.join(10_000);
      lookers.join(10_000);
    }
    assertTrue("lookups answered: " + lookups.get(), lookups.get() > 100);
    assertEquals("lookups that failed on live CLDBs", List.of(), lookupFailures);
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

  @FunctionalInterface
  private interface Check {
    boolean holds() throws Exception;
  }

  private static void awaitTrue(Check check, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (check.holds()) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not true within " + timeout, last);
  }
}
