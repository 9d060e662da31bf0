package io.citadel.bench;

import io.citadel.itests.CitadelNode;
import io.citadel.itests.SingletonCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * The CLDB on three nodes: lookups per second against a slave and against the master, beside raw
 * ZooKeeper reads of the same bytes from the same number of threads (the store the CLDB keeps its
 * state in); heartbeat processing capacity with simulated fileservers of thousands of containers
 * each; and failover, kill -9 of the master's node to the first write accepted by the new master,
 * repeated, beside a bare ZooKeeper ephemeral lock's failover with the same session timeout.
 *
 * <p>Arguments: the citadel tar.gz, kills (20), session timeout ms (6000), seconds per throughput
 * phase (10), simulated fileservers (10), containers per fileserver (2000), client threads (4).
 */
public final class CldbBench {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private CldbBench() {}

  public static void main(String[] args) throws Exception {
    Path distribution = Path.of(args[0]);
    int kills = arg(args, 1, 20);
    int sessionMs = arg(args, 2, 6_000);
    int seconds = arg(args, 3, 10);
    int fileservers = arg(args, 4, 10);
    int perServer = arg(args, 5, 2_000);
    int threads = arg(args, 6, 4);
    Path base = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "cldb-bench");
    System.out.printf(
        "CLDB: 3 nodes, %d kills, session timeout %d ms, %d s a phase, %d fileservers x %d"
            + " containers, %d client threads, in %s%n",
        kills, sessionMs, seconds, fileservers, perServer, threads, base);

    List<Long> peerFailover =
        kills > 0 ? SingletonFailoverBench.peer(base.resolve("peer"), kills, sessionMs) : List.of();
    try (SingletonCluster cluster =
        SingletonCluster.start(distribution, base.resolve("citadel"), 3, sessionMs)) {
      CitadelNode master = awaitMaster(cluster, null, Duration.ofSeconds(120));
      CitadelNode slave = cluster.nodes().stream().filter(n -> n != master).findFirst().get();
      String m = api(master);
      check(post(m, "/v1/volumes", "{\"name\":\"bench\"}"));
      StringBuilder orders = new StringBuilder("[");
      for (int f = 0; f < 20; f++) {
        orders
            .append(f == 0 ? "" : ",")
            .append("{\"volume\":\"bench\",\"table\":\"orders\",\"fragment\":")
            .append(f)
            .append(",\"node\":\"fs-0\"}");
      }
      check(post(m, "/v1/containers", orders.append(']').toString()));
      List<List<Long>> held = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int s = 0; s < fileservers; s++) {
        StringBuilder b = new StringBuilder("[");
        for (int c = 0; c < perServer; c++) {
          b.append(c == 0 ? "" : ",")
              .append("{\"volume\":\"bench\",\"table\":\"t")
              .append(s)
              .append("\",\"fragment\":")
              .append(c)
              .append(",\"node\":\"fs-")
              .append(s)
              .append("\"}");
        }
        String reply = check(post(m, "/v1/containers", b.append(']').toString()));
        held.add(ids(reply));
      }
      System.out.printf(
          "made %d containers in %.1f s%n",
          fileservers * perServer, (System.nanoTime() - t0) / 1e9);
      // the orders table's fileserver reports, so lookups carry live addresses
      List<Long> orderIds = ids(get(m, "/v1/containers?volume=bench").body()).subList(0, 20);
      check(post(m, "/v1/heartbeat", heartbeat(0, orderIds)));
      awaitLookup(api(slave));

      // ------------------------------------------------------------------ lookups
      String lookup = get(m, "/v1/lookup?table=orders").body();
      double onSlave = lookups(api(slave), threads, seconds);
      double onMaster = lookups(m, threads, seconds);
      double zk = zkReads(cluster, lookup.getBytes(StandardCharsets.UTF_8), threads, seconds);

      // ------------------------------------------------------------------ heartbeats
      List<String> bodies = new ArrayList<>();
      for (int s = 0; s < fileservers; s++) {
        bodies.add(heartbeat(s, held.get(s)));
      }
      double heartbeats = heartbeats(m, bodies, threads, seconds);

      // ------------------------------------------------------------------ failover
      List<Long> failover = new ArrayList<>();
      for (int i = 1; i <= kills; i++) {
        // whoever is master now: under load a master's session may have expired in between
        CitadelNode victim = awaitMaster(cluster, null, Duration.ofSeconds(60));
        long killedAt = victim.kill9();
        CitadelNode next = null;
        String name = "kill" + i;
        while (next == null) {
          for (CitadelNode n : cluster.nodes()) {
            if (n == victim) {
              continue;
            }
            try {
              if (post(api(n), "/v1/volumes", "{\"name\":\"" + name + "\"}").statusCode() == 200) {
                next = n;
                break;
              }
            } catch (Exception notYet) {
              // not master, or not answering
            }
          }
          if (next == null) {
            Thread.sleep(20);
          }
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        failover.add(ms);
        System.out.printf(
            "kill %2d/%d: %s -> %s, first write accepted after %d ms%n",
            i, kills, victim.name(), next.name(), ms);
        victim.close();
        victim.start(Duration.ofSeconds(180));
        awaitRole(victim, "SLAVE", Duration.ofSeconds(60));
      }

      System.out.println();
      System.out.printf(
          Locale.ROOT, "%-52s %14s%n", "lookups of a 20-fragment table", "per second");
      System.out.printf(Locale.ROOT, "%-52s %,14.0f%n", "Citadel CLDB, a slave", onSlave);
      System.out.printf(Locale.ROOT, "%-52s %,14.0f%n", "Citadel CLDB, the master", onMaster);
      System.out.printf(
          Locale.ROOT, "%-52s %,14.0f%n", "raw ZooKeeper getData of the same bytes (peer)", zk);
      System.out.printf(
          Locale.ROOT,
          "ratio CLDB / ZooKeeper: slave %.2f, master %.2f%n%n",
          onSlave / zk,
          onMaster / zk);
      System.out.printf(
          Locale.ROOT,
          "heartbeats of %d containers: %,.0f a second (%,.0f container reports a second) ="
              + " %,.0f such fileservers at a 3 s interval%n%n",
          perServer,
          heartbeats,
          heartbeats * perServer,
          heartbeats * 3);
      if (kills == 0) {
        return;
      }
      System.out.printf(
          "%-52s %8s %8s %8s %8s%n",
          "failover, kill -9 to ... (ms)", "median", "p99", "min", "max");
      SingletonFailoverBench.row("bare ZooKeeper ephemeral lock: new holder (peer)", peerFailover);
      SingletonFailoverBench.row("CLDB: first write accepted by the new master", failover);
      System.out.printf(
          Locale.ROOT,
          "ratio CLDB / peer: median %.2f, p99 %.2f (session timeout %d ms)%n",
          (double) SingletonFailoverBench.percentile(failover, 50)
              / SingletonFailoverBench.percentile(peerFailover, 50),
          (double) SingletonFailoverBench.percentile(failover, 99)
              / SingletonFailoverBench.percentile(peerFailover, 99),
          sessionMs);
    }
  }

  private static int arg(String[] args, int i, int fallback) {
    return args.length > i ? Integer.parseInt(args[i]) : fallback;
  }

  private static String api(CitadelNode n) throws Exception {
    return "http://127.0.0.1:" + n.cfgValue("io.citadel.cldb.cfg", "port");
  }

  private static HttpResponse<String> get(String base, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String base, String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String check(HttpResponse<String> r) {
    if (r.statusCode() != 200) {
      throw new IllegalStateException(r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  /** The "id" fields of a JSON array of containers, in order. */
  private static List<Long> ids(String json) {
    List<Long> out = new ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"id\":(\\d+)").matcher(json);
    while (m.find()) {
      out.add(Long.parseLong(m.group(1)));
    }
    return out;
  }

  private static String heartbeat(int server, List<Long> ids) {
    StringBuilder b =
        new StringBuilder("{\"node\":\"fs-")
            .append(server)
            .append("\",\"address\":\"127.0.0.1:")
            .append(20_000 + server)
            .append("\",\"capacityBytes\":1000000000000,\"usedBytes\":1000,\"containers\":[");
    for (int i = 0; i < ids.size(); i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"containerId\":")
          .append(ids.get(i))
          .append(",\"sizeBytes\":")
          .append(1_000_000 + i)
          .append('}');
    }
    return b.append("]}").toString();
  }

  private static CitadelNode awaitMaster(SingletonCluster cluster, CitadelNode not, Duration t)
      throws Exception {
    long deadline = System.nanoTime() + t.toNanos();
    while (System.nanoTime() < deadline) {
      for (CitadelNode n : cluster.nodes()) {
        if (n != not && role(n).equals("MASTER")) {
          return n;
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("no CLDB master within " + t);
  }

  private static String role(CitadelNode n) {
    try {
      String body = get(api(n), "/v1/status").body();
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\"role\":\"(\\w+)\"").matcher(body);
      return m.find() ? m.group(1) : "";
    } catch (Exception e) {
      return "";
    }
  }

  private static void awaitRole(CitadelNode n, String role, Duration t) throws Exception {
    long deadline = System.nanoTime() + t.toNanos();
    while (!role(n).equals(role)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(n.name() + " is not " + role + " within " + t);
      }
      Thread.sleep(100);
    }
  }

  private static void awaitLookup(String base) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (get(base, "/v1/lookup?table=orders").statusCode() != 200) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the slave has no orders table within 30 s");
      }
      Thread.sleep(100);
    }
  }

  /** Runs {@code work} on {@code threads} threads for {@code seconds}; answers calls a second. */
  private static double run(String what, int threads, int seconds, Work work) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<Thread> ts = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int k = i;
      Thread t =
          new Thread(
              () -> {
                int n = 0;
                while (!stop.get()) {
                  try {
                    if (work.call(k, n++)) {
                      done.incrementAndGet();
                    } else {
                      failed.incrementAndGet();
                    }
                  } catch (Exception e) {
                    failed.incrementAndGet();
                  }
                }
              },
              what + "-" + i);
      ts.add(t);
    }
    long start = System.nanoTime();
    ts.forEach(Thread::start);
    for (int s = 1; s <= seconds; s++) {
      Thread.sleep(1_000);
      if (s % 5 == 0 || s == seconds) {
        System.out.printf("  %s: %d s, %,d done%n", what, s, done.get());
      }
    }
    stop.set(true);
    for (Thread t : ts) {
      t.join(30_000);
    }
    double rate = done.get() / ((System.nanoTime() - start) / 1e9);
    if (failed.get() > 0) {
      System.out.printf("  %s: %,d failed%n", what, failed.get());
    }
    return rate;
  }

  @FunctionalInterface
  private interface Work {
    boolean call(int thread, int n) throws Exception;
  }

  private static double lookups(String base, int threads, int seconds) throws Exception {
    return run(
        "lookups on " + base,
        threads,
        seconds,
        (t, n) -> get(base, "/v1/lookup?table=orders").statusCode() == 200);
  }

  private static double heartbeats(String base, List<String> bodies, int threads, int seconds)
      throws Exception {
    return run(
        "heartbeats",
        threads,
        seconds,
        (t, n) ->
            post(base, "/v1/heartbeat", bodies.get((t + n * threads) % bodies.size())).statusCode()
                == 200);
  }

  /** The peer: ZooKeeper getData of a znode holding the lookup's answer, one client a thread. */
  private static double zkReads(SingletonCluster cluster, byte[] data, int threads, int seconds)
      throws Exception {
    String connect =
        cluster.nodes().get(0).cfgValue("io.citadel.coordination.cfg", "zookeeper.connect");
    List<ZooKeeper> clients = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        ZooKeeper zk = new ZooKeeper(connect, 30_000, event -> {});
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (zk.getState() != ZooKeeper.States.CONNECTED) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("no ZooKeeper session within 30 s");
          }
          Thread.sleep(20);
        }
        clients.add(zk);
      }
      String path = "/bench-lookup";
      clients.get(0).create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
      return run(
          "ZooKeeper reads",
          threads,
          seconds,
          (t, n) -> clients.get(t).getData(path, false, null).length == data.length);
    } finally {
      for (ZooKeeper zk : clients) {
        zk.close();
      }
    }
  }
}
