package io.citadel.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Replication on the three-broker cluster that {@code citadel-node.sh cluster start 3} makes:
 * replicated 100-row INSERTs (rows/s, statement latency) against raw Kafka producers with acks=all
 * and idempotence sending records of the same size to a topic of the same replication (RF 3, min
 * ISR 2) on the same brokers, in the same run, the same number of synchronous senders, a warm-up
 * each and the order alternated; then kill -9 of the node whose broker leads the group's topic, to
 * the first acknowledged write, over several kills. Draws target/cluster-replication.svg.
 */
public final class ClusterReplicationBench {
  private ClusterReplicationBench() {}

  private static io.citadel.itests.LocalCluster local;

  public static void main(String[] args) throws Exception {
    int seconds = Integer.parseInt(args[1]);
    int clients = Integer.parseInt(args[2]);
    int rows = Integer.parseInt(args[3]);
    int kills = Integer.parseInt(args[4]);
    int warmup = Integer.parseInt(args[5]);
    local =
        io.citadel.itests.LocalCluster.in(Path.of(args[0]), Path.of("target", "cluster-bench"), 3);
    System.out.printf(
        "cluster replication: 3 nodes (ZooKeeper ensemble, 3 Kafka brokers, RF 3), %d s per"
            + " phase, %d s warm-up, %d clients, %d rows per INSERT, %d kills, in %s%n",
        seconds, warmup, clients, rows, kills, local.home());
    long t0 = System.nanoTime();
    System.out.println(cluster(Duration.ofMinutes(10), "start", "3", "--no-build"));
    System.out.printf("cluster up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    try {
      run(seconds, clients, rows, kills, warmup);
    } finally {
      System.out.println(cluster(Duration.ofMinutes(4), "stop"));
    }
  }

  private static void run(int seconds, int clients, int rows, int kills, int warmup)
      throws Exception {
    String brokers = brokers();
    try (Connection c = connect(1);
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE bench (id BIGINT, client INTEGER, v DOUBLE, tag TEXT)");
      s.executeUpdate("CREATE TABLE probe (id BIGINT)");
    }
    int recordBytes = HaReplicationBench.insertSql(0, 0, rows).length() + 32;
    createTopic(brokers, "bench-raw");
    // Six JVMs share this machine's cores and each compiles its hot paths for minutes: a few
    // seconds of warm-up measured whichever side ran first before its code was compiled
    System.out.printf("%nwarm-up (%d s each, twice, alternated)...%n", warmup);
    for (int round = 0; round < 2; round++) {
      citadel(clients, rows, warmup, new ArrayList<>());
      raw(brokers, recordBytes, clients, warmup, new ArrayList<>());
    }
    List<Long> citadelUs = new ArrayList<>();
    List<Long> rawUs = new ArrayList<>();
    double citadelRecords = 0;
    double rawRecords = 0;
    // alternated: Citadel, raw, raw, Citadel
    for (int round = 0; round < 2; round++) {
      if (round == 0) {
        citadelRecords += citadel(clients, rows, seconds, citadelUs);
        rawRecords += raw(brokers, recordBytes, clients, seconds, rawUs);
      } else {
        rawRecords += raw(brokers, recordBytes, clients, seconds, rawUs);
        citadelRecords += citadel(clients, rows, seconds, citadelUs);
      }
    }
    citadelRecords /= 2;
    rawRecords /= 2;

    System.out.printf("%nkill -9 of the topic's leader broker's node, %d times...%n", kills);
    List<Long> failoverMs = new ArrayList<>();
    for (int k = 1; k <= kills; k++) {
      failoverMs.add(killLeader(brokers, k));
    }

    System.out.println();
    System.out.printf(Locale.ROOT, "%-60s %12s %12s%n", "write throughput", "records/s", "rows/s");
    System.out.printf(
        Locale.ROOT,
        "%-60s %,12.0f %,12.0f%n",
        "Citadel, " + clients + " clients, " + rows + "-row INSERTs, 3 members",
        citadelRecords,
        citadelRecords * rows);
    System.out.printf(
        Locale.ROOT,
        "%-60s %,12.0f %,12.0f%n",
        "raw Kafka, " + clients + " synchronous senders, acks=all, RF 3",
        rawRecords,
        rawRecords * rows);
    double ratio = citadelRecords / rawRecords;
    System.out.printf(
        Locale.ROOT, "ratio Citadel / raw Kafka: %.2f (first bar 0.5, goal 0.8)%n", ratio);
    System.out.printf(Locale.ROOT, "%n%-60s %10s %10s%n", "latency (ms)", "p50", "p99");
    System.out.printf(
        Locale.ROOT,
        "%-60s %10.2f %10.2f%n",
        "Citadel: INSERT to acknowledgement",
        pct(citadelUs, 50) / 1000,
        pct(citadelUs, 99) / 1000);
    System.out.printf(
        Locale.ROOT,
        "%-60s %10.2f %10.2f%n",
        "raw Kafka: send to acknowledgement",
        pct(rawUs, 50) / 1000,
        pct(rawUs, 99) / 1000);
    if (!failoverMs.isEmpty()) {
      System.out.printf(
          Locale.ROOT,
          "%nkill -9 of the leader broker's node to the first acknowledged write: median %.0f ms,"
              + " p99 %.0f ms, max %.0f ms over %d kills%n",
          pct(failoverMs, 50),
          pct(failoverMs, 99),
          (double) Collections.max(failoverMs),
          failoverMs.size());
    }
    Path svg = Path.of("target", "cluster-replication.svg").toAbsolutePath();
    Files.writeString(
        svg,
        chart(
            citadelRecords * rows,
            rawRecords * rows,
            pct(citadelUs, 50) / 1000,
            pct(rawUs, 50) / 1000,
            pct(citadelUs, 99) / 1000,
            pct(rawUs, 99) / 1000,
            ratio));
    System.out.println("chart: " + svg);
  }

  // ------------------------------------------------------------------------------ the cluster

  private static String cluster(Duration timeout, String... args) throws Exception {
    return local.run(timeout, args);
  }

  private static String brokers() {
    List<String> b = new ArrayList<>();
    for (int node = 1; node <= 3; node++) {
      b.add("127.0.0.1:" + local.port(node, 50));
    }
    return String.join(",", b);
  }

  /** A connection to node {@code node}'s engine, as its superuser. */
  private static Connection connect(int node) throws Exception {
    return local.connect(local.port(node, 10));
  }

  // ---------------------------------------------------------------------------------- phases

  private static final AtomicLong NEXT_ID = new AtomicLong();

  /** Clients spread over the members, each one INSERT at a time; answers statements a second. */
  private static double citadel(int clients, int rows, int seconds, List<Long> latencyUs)
      throws Exception {
    ConcurrentLinkedQueue<Long> us = new ConcurrentLinkedQueue<>();
    return timed(
        clients,
        seconds,
        "Citadel INSERTs",
        us,
        latencyUs,
        client -> {
          Connection c = connect(client % 3 + 1);
          Statement s = c.createStatement();
          return () -> {
            String sql = HaReplicationBench.insertSql(client, NEXT_ID.getAndAdd(rows), rows);
            s.executeUpdate(sql);
          };
        });
  }

  /** As many synchronous senders of records of the same size; answers records a second. */
  private static double raw(
      String brokers, int bytes, int clients, int seconds, List<Long> latencyUs) throws Exception {
    List<KafkaProducer<byte[], byte[]>> producers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      producers.add(new KafkaProducer<>(HaReplicationBench.producerProps(brokers)));
    }
    byte[] value = new byte[bytes];
    try {
      return timed(
          clients,
          seconds,
          "raw Kafka records",
          new ConcurrentLinkedQueue<>(),
          latencyUs,
          client -> {
            KafkaProducer<byte[], byte[]> p = producers.get(client % producers.size());
            return () -> p.send(new ProducerRecord<>("bench-raw", 0, null, value)).get();
          });
    } finally {
      producers.forEach(KafkaProducer::close);
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private interface Client {
    Step open(int client) throws Exception;
  }

  private static double timed(
      int clients,
      int seconds,
      String what,
      ConcurrentLinkedQueue<Long> us,
      List<Long> latencyUs,
      Client client)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int k = 0; k < clients; k++) {
      Step step = client.open(k);
      threads.add(
          new Thread(
              () -> {
                while (!stop.get()) {
                  long t = System.nanoTime();
                  try {
                    step.run();
                  } catch (Exception e) {
                    failed.incrementAndGet();
                    continue;
                  }
                  us.add((System.nanoTime() - t) / 1000);
                  done.incrementAndGet();
                }
              }));
    }
    long start = System.nanoTime();
    threads.forEach(Thread::start);
    for (int s = 1; s <= seconds; s++) {
      Thread.sleep(1_000);
      if (s % 5 == 0 || s == seconds) {
        System.out.printf("  %2d s: %,d %s%n", s, done.get(), what);
      }
    }
    stop.set(true);
    for (Thread t : threads) {
      t.join(60_000);
    }
    if (failed.get() > 0) {
      System.out.printf("  %d failed%n", failed.get());
    }
    latencyUs.addAll(us);
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }

  private static Admin admin(String brokers) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    return Admin.create(p);
  }

  /** A topic placed as a group's is: three replicas, two of them in sync to take a write. */
  private static void createTopic(String brokers, String topic) throws Exception {
    try (Admin a = admin(brokers)) {
      a.createTopics(
              List.of(
                  new NewTopic(topic, 1, (short) 3)
                      .configs(
                          java.util.Map.of(
                              "min.insync.replicas",
                              "2",
                              "unclean.leader.election.enable",
                              "false"))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static TopicDescription demo(String brokers) throws Exception {
    try (Admin a = admin(brokers)) {
      return a.describeTopics(List.of("demo"))
          .allTopicNames()
          .get(10, TimeUnit.SECONDS)
          .get("demo");
    }
  }

  /**
   * Kills the node whose broker leads the group's topic while one writer on another node inserts a
   * row at a time; answers the milliseconds from the kill to its first acknowledged write, then
   * restarts the node and waits until its replica is in sync again.
   */
  private static long killLeader(String brokers, int k) throws Exception {
    int leader = demo(brokers).partitions().get(0).leader().id();
    int writerNode = leader % 3 + 1;
    AtomicLong firstAck = new AtomicLong();
    AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong acked = new AtomicLong();
    Thread writer =
        new Thread(
            () -> {
              long id = 0;
              Connection c = null;
              while (!stop.get()) {
                try {
                  if (c == null) {
                    c = connect(writerNode);
                  }
                  long sent = System.nanoTime();
                  try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO probe VALUES (" + (k * 1_000_000L + id++) + ")");
                  }
                  acked.incrementAndGet();
                  // a write sent before the kill may be answered just after it: it was in the log
                  // already and says nothing of the failover
                  if (sent > killedAt.get()) {
                    firstAck.compareAndSet(0, System.nanoTime());
                  }
                } catch (Exception e) {
                  c = null;
                }
              }
            });
    writer.start();
    long writing = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (acked.get() < 20) {
      if (System.nanoTime() > writing) {
        stop.set(true);
        writer.join(60_000);
        throw new IllegalStateException(
            "before kill "
                + k
                + ": fewer than 20 writes acknowledged on node "
                + writerNode
                + " within a minute");
      }
      Thread.sleep(20);
    }
    cluster(Duration.ofMinutes(1), "kill", Integer.toString(leader));
    // from the moment the node's processes are dead: what was acknowledged before is not counted
    killedAt.set(System.nanoTime());
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (firstAck.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    stop.set(true);
    writer.join(60_000);
    long ms = firstAck.get() == 0 ? -1 : (firstAck.get() - killedAt.get()) / 1_000_000;
    System.out.printf(
        "  kill %d: node %d (leader), first acknowledged write after %d ms%n", k, leader, ms);
    cluster(Duration.ofMinutes(5), "restart", Integer.toString(leader));
    long inSync = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (demo(brokers).partitions().get(0).isr().size() < 3 && System.nanoTime() < inSync) {
      Thread.sleep(500);
    }
    if (ms < 0) {
      throw new IllegalStateException("no write was acknowledged within 2 minutes of kill " + k);
    }
    return ms;
  }

  private static double pct(List<Long> values, int p) {
    List<Long> s = new ArrayList<>(values);
    Collections.sort(s);
    return s.get(Math.min(s.size() - 1, Math.max(0, (int) Math.ceil(p / 100.0 * s.size()) - 1)));
  }

  /** Bars: rows/s of both, and their p50 and p99 latencies. */
  private static String chart(
      double citadelRows,
      double rawRows,
      double citadelP50,
      double rawP50,
      double citadelP99,
      double rawP99,
      double ratio) {
    StringBuilder s = new StringBuilder();
    s.append(
        "<svg xmlns='http://www.w3.org/2000/svg' width='640' height='300' font-family='sans-serif'"
            + " font-size='12'>\n");
    s.append(
        String.format(
            Locale.ROOT,
            "<text x='10' y='18' font-size='14'>Replication on 3 brokers (RF 3): Citadel / raw Kafka"
                + " = %.2f</text>%n",
            ratio));
    String[] labels = {"rows/s", "p50 ms", "p99 ms"};
    double[][] values = {{citadelRows, rawRows}, {citadelP50, rawP50}, {citadelP99, rawP99}};
    for (int g = 0; g < 3; g++) {
      double max = Math.max(values[g][0], values[g][1]);
      int y = 40 + g * 85;
      s.append(String.format(Locale.ROOT, "<text x='10' y='%d'>%s</text>%n", y + 28, labels[g]));
      for (int b = 0; b < 2; b++) {
        double w = max <= 0 ? 0 : 420 * values[g][b] / max;
        s.append(
            String.format(
                Locale.ROOT,
                "<rect x='80' y='%d' width='%.1f' height='26' fill='%s'/><text x='%.1f' y='%d'>%s"
                    + " %,.1f</text>%n",
                y + b * 30,
                w,
                b == 0 ? "#c0392b" : "#2c3e50",
                86 + w,
                y + b * 30 + 18,
                b == 0 ? "Citadel" : "raw Kafka",
                values[g][b]));
      }
    }
    s.append("</svg>\n");
    return s.toString();
  }
}
