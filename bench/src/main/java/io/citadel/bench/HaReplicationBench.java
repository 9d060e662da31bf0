package io.citadel.bench;

import io.citadel.itests.CitadelNode;
import io.citadel.itests.HaCluster;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Replicated write throughput and replica lag of a three-server HA group, beside the same work done
 * with raw Kafka clients on the same broker in the same run.
 *
 * <ul>
 *   <li>Batched INSERTs: {@code clients} connections spread over the three members, each running
 *       INSERTs of {@code rows} rows back to back for a fixed time. Peer: as many threads each
 *       sending records of the same size synchronously (idempotent, acks=all, as the members do),
 *       one producer per member; and one producer pipelining them, the broker's ceiling.
 *   <li>COPY FROM a CSV in shared data: rows per second until every member has loaded it (only the
 *       path travels). Peer: the same rows sent through Kafka as records, pipelined.
 *   <li>Lag: single-row INSERTs on one member, one at a time; after each acknowledgement, the time
 *       until another member shows the row. Peer: a record's acknowledgement to its arrival at a
 *       consumer.
 * </ul>
 *
 * <p>Arguments: the citadel tar.gz, seconds per phase, clients, rows per INSERT, lag samples.
 */
public final class HaReplicationBench {
  private HaReplicationBench() {}

  public static void main(String[] args) throws Exception {
    Path distribution = Path.of(args[0]);
    int seconds = Integer.parseInt(args[1]);
    int clients = Integer.parseInt(args[2]);
    int rows = Integer.parseInt(args[3]);
    int lagSamples = Integer.parseInt(args[4]);
    Path base = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "ha-bench");
    System.out.printf(
        "HA replication: 3 servers, one Kafka broker, %d s per phase, %d clients, %d rows per"
            + " INSERT, %d lag samples, in %s%n",
        seconds, clients, rows, lagSamples, base);
    long t0 = System.nanoTime();
    try (HaCluster cluster = HaCluster.start(distribution, base, 3, Duration.ofSeconds(240))) {
      System.out.printf("group up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      List<CitadelNode> nodes = cluster.nodes();
      try (Connection c = HaCluster.connect(nodes.get(0));
          Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE bench (id BIGINT, client INTEGER, v DOUBLE, tag TEXT)");
        s.executeUpdate("CREATE TABLE lagprobe (id BIGINT)");
        s.executeUpdate("CREATE TABLE loaded (id BIGINT, client INTEGER, v DOUBLE, tag TEXT)");
      }
      cluster.awaitAllOnline(Duration.ofSeconds(60));
      String sample = insertSql(0, 0, rows);
      int recordBytes = sample.length() + 32; // the log record: statement, user, clock, headers
      createTopic(cluster.brokers(), "bench-raw");

      // ---------------------------------------------------------------- batched INSERTs
      System.out.printf("%nbatched INSERTs (%d rows, %d-byte records)...%n", rows, recordBytes);
      Throughput citadel = citadelInserts(nodes, clients, rows, seconds);
      cluster.awaitAllOnline(Duration.ofSeconds(120));
      Throughput rawSync = rawSync(cluster.brokers(), "bench-raw", recordBytes, clients, seconds);
      double rawPipelined = rawPipelined(cluster.brokers(), "bench-raw", recordBytes, seconds);

      // ---------------------------------------------------------------- COPY FROM shared data
      long copyRows = Math.max(200_000, (long) (citadel.perSecond() * rows * 2));
      Path csv = cluster.shared().resolve("bench.csv");
      long csvBytes = writeCsv(csv, copyRows);
      System.out.printf("%nCOPY FROM %s (%d rows, %d MiB)...%n", csv, copyRows, csvBytes >> 20);
      long copyStart = System.nanoTime();
      try (Connection c = HaCluster.connect(nodes.get(1));
          Statement s = c.createStatement()) {
        s.executeUpdate("COPY loaded FROM '" + csv + "'");
      }
      double copyAck = (System.nanoTime() - copyStart) / 1e9;
      for (CitadelNode n : nodes) {
        awaitCount(n, "loaded", copyRows, Duration.ofSeconds(600));
      }
      double copyAll = (System.nanoTime() - copyStart) / 1e9;
      int lineBytes = (int) (csvBytes / copyRows);
      double rawRows = rawPipelined(cluster.brokers(), "bench-raw", lineBytes, seconds);

      // ---------------------------------------------------------------- lag
      System.out.printf("%nlag: %d single-row INSERTs, one at a time...%n", lagSamples);
      List<Long> writeUs = new ArrayList<>();
      List<Long> lagUs = lag(nodes, lagSamples, writeUs);
      List<Long> rawAckUs = new ArrayList<>();
      List<Long> rawLagUs = rawLag(cluster.brokers(), "bench-lag", 64, lagSamples, rawAckUs);
      long offset = cluster.awaitAllOnline(Duration.ofSeconds(120));

      // ---------------------------------------------------------------- report
      System.out.println();
      System.out.printf("all members at offset %d%n%n", offset);
      System.out.printf(
          Locale.ROOT, "%-58s %14s %12s%n", "write throughput", "records/s", "rows/s");
      line(
          "Citadel batched INSERT, " + clients + " clients on 3 members",
          citadel.perSecond(),
          rows);
      line(
          "raw Kafka, " + clients + " synchronous senders, same records",
          rawSync.perSecond(),
          rows);
      line("raw Kafka, one pipelining producer, same records", rawPipelined, rows);
      System.out.printf(
          Locale.ROOT,
          "ratio Citadel / raw Kafka (synchronous senders): %.2f; / pipelined: %.2f%n",
          citadel.perSecond() / rawSync.perSecond(),
          citadel.perSecond() / rawPipelined);
      System.out.printf(
          Locale.ROOT,
          "%nCOPY FROM shared data, %d rows: acknowledged in %.2f s, on all 3 members in %.2f s ="
              + " %,.0f rows/s%n",
          copyRows,
          copyAck,
          copyAll,
          copyRows / copyAll);
      System.out.printf(
          Locale.ROOT,
          "raw Kafka, the same rows as %d-byte records, pipelined: %,.0f rows/s; ratio Citadel /"
              + " raw Kafka: %.2f%n",
          lineBytes,
          rawRows,
          (copyRows / copyAll) / rawRows);
      System.out.printf(
          Locale.ROOT, "%n%-58s %10s %10s %10s%n", "latency (ms)", "p50", "p99", "max");
      lat("Citadel write: statement to acknowledgement", writeUs);
      lat("raw Kafka: send to acknowledgement (acks=all)", rawAckUs);
      lat("Citadel lag: writer's ack to visible on another member", lagUs);
      lat("raw Kafka: producer's ack to the consumer's receipt", rawLagUs);
      System.out.printf(
          Locale.ROOT,
          "ratio Citadel / raw Kafka lag: p50 %.2f, p99 %.2f%n",
          pct(lagUs, 50) / Math.max(1.0, pct(rawLagUs, 50)),
          pct(lagUs, 99) / Math.max(1.0, pct(rawLagUs, 99)));
    }
  }

  record Throughput(long records, double seconds) {
    double perSecond() {
      return records / seconds;
    }
  }

  static String insertSql(int client, long first, int rows) {
    StringBuilder b = new StringBuilder("INSERT INTO bench VALUES ");
    for (int i = 0; i < rows; i++) {
      long id = first + i;
      b.append(i == 0 ? "" : ", ")
          .append('(')
          .append(id)
          .append(", ")
          .append(client)
          .append(", ")
          .append(id * 0.5)
          .append(", 'tag-")
          .append(id % 1000)
          .append("')");
    }
    return b.toString();
  }

  private static Throughput citadelInserts(
      List<CitadelNode> nodes, int clients, int rows, int seconds) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int k = 0; k < clients; k++) {
      int client = k;
      CitadelNode node = nodes.get(k % nodes.size());
      Thread t =
          new Thread(
              () -> {
                try (Connection c = HaCluster.connect(node);
                    Statement s = c.createStatement()) {
                  long next = (long) client << 40;
                  while (!stop.get()) {
                    s.executeUpdate(insertSql(client, next, rows));
                    next += rows;
                    done.incrementAndGet();
                  }
                } catch (Exception e) {
                  errors.incrementAndGet();
                  System.err.println("client " + client + ": " + e);
                }
              });
      threads.add(t);
    }
    long start = System.nanoTime();
    threads.forEach(Thread::start);
    progress(done, seconds, "INSERTs");
    stop.set(true);
    for (Thread t : threads) {
      t.join(60_000);
    }
    double secs = (System.nanoTime() - start) / 1e9;
    if (errors.get() > 0) {
      throw new IllegalStateException(errors.get() + " clients failed");
    }
    return new Throughput(done.get(), secs);
  }

  private static void progress(AtomicLong done, int seconds, String what)
      throws InterruptedException {
    for (int s = 1; s <= seconds; s++) {
      Thread.sleep(1_000);
      if (s % 5 == 0 || s == seconds) {
        System.out.printf("  %2d s: %,d %s%n", s, done.get(), what);
      }
    }
  }

  // ------------------------------------------------------------------------------- raw Kafka

  /** A raw Kafka producer as the HA log's: acks=all, idempotent, no linger, no compression. */
  static Properties producerProps(String brokers) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  private static void createTopic(String brokers, String topic) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    try (Admin admin = Admin.create(p)) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** Threads each sending one record at a time and waiting for its acknowledgement. */
  private static Throughput rawSync(
      String brokers, String topic, int bytes, int clients, int seconds) throws Exception {
    System.out.printf("raw Kafka, %d synchronous senders...%n", clients);
    List<KafkaProducer<byte[], byte[]>> producers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      producers.add(new KafkaProducer<>(producerProps(brokers)));
    }
    byte[] value = new byte[bytes];
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int k = 0; k < clients; k++) {
      KafkaProducer<byte[], byte[]> p = producers.get(k % producers.size());
      threads.add(
          new Thread(
              () -> {
                try {
                  while (!stop.get()) {
                    p.send(new ProducerRecord<>(topic, 0, null, value)).get();
                    done.incrementAndGet();
                  }
                } catch (Exception e) {
                  System.err.println("raw sender: " + e);
                }
              }));
    }
    long start = System.nanoTime();
    threads.forEach(Thread::start);
    progress(done, seconds, "records");
    stop.set(true);
    for (Thread t : threads) {
      t.join(30_000);
    }
    double secs = (System.nanoTime() - start) / 1e9;
    producers.forEach(KafkaProducer::close);
    return new Throughput(done.get(), secs);
  }

  /** One producer sending as fast as the broker takes records: records per second. */
  private static double rawPipelined(String brokers, String topic, int bytes, int seconds)
      throws Exception {
    System.out.printf("raw Kafka, one pipelining producer, %d-byte records...%n", bytes);
    byte[] value = new byte[bytes];
    AtomicLong acked = new AtomicLong();
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerProps(brokers))) {
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < end) {
        p.send(
            new ProducerRecord<>(topic, 0, null, value),
            (md, e) -> {
              if (e == null) {
                acked.incrementAndGet();
              }
            });
      }
      p.flush();
      return acked.get() / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static List<Long> rawLag(
      String brokers, String topic, int bytes, int samples, List<Long> ackUs) throws Exception {
    createTopic(brokers, topic);
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    long[] received = new long[samples];
    AtomicBoolean stop = new AtomicBoolean();
    java.util.concurrent.CountDownLatch polling = new java.util.concurrent.CountDownLatch(1);
    TopicPartition tp = new TopicPartition(topic, 0);
    Thread consumer =
        new Thread(
            () -> {
              try (KafkaConsumer<byte[], byte[]> k = new KafkaConsumer<>(c)) {
                k.assign(List.of(tp));
                k.seekToBeginning(List.of(tp));
                k.position(tp); // fetches the start offset: the consumer is ready
                polling.countDown();
                while (!stop.get()) {
                  for (ConsumerRecord<byte[], byte[]> r : k.poll(Duration.ofMillis(50))) {
                    if (r.offset() < samples) {
                      received[(int) r.offset()] = System.nanoTime();
                    }
                  }
                }
              }
            });
    consumer.start();
    if (!polling.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the lag consumer did not start within 30 s");
    }
    List<Long> lag = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerProps(brokers))) {
      byte[] value = new byte[bytes];
      long[] acked = new long[samples];
      for (int i = 0; i < samples; i++) {
        long sent = System.nanoTime();
        p.send(new ProducerRecord<>(topic, 0, null, value)).get();
        acked[i] = System.nanoTime();
        ackUs.add((acked[i] - sent) / 1_000);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (received[samples - 1] == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      for (int i = 0; i < samples; i++) {
        lag.add(Math.max(0, (received[i] - acked[i]) / 1_000));
      }
    } finally {
      stop.set(true);
      consumer.join(10_000);
    }
    return lag;
  }

  // ------------------------------------------------------------------------------- Citadel lag

  private static List<Long> lag(List<CitadelNode> nodes, int samples, List<Long> writeUs)
      throws Exception {
    List<Long> lag = new ArrayList<>();
    try (Connection w = HaCluster.connect(nodes.get(0));
        Statement ws = w.createStatement();
        Connection r1 = HaCluster.connect(nodes.get(1));
        Statement rs1 = r1.createStatement();
        Connection r2 = HaCluster.connect(nodes.get(2));
        Statement rs2 = r2.createStatement()) {
      for (int i = 0; i < samples; i++) {
        long start = System.nanoTime();
        ws.executeUpdate("INSERT INTO lagprobe VALUES (" + i + ")");
        long ack = System.nanoTime();
        writeUs.add((ack - start) / 1_000);
        Statement reader = i % 2 == 0 ? rs1 : rs2;
        while (true) {
          try (ResultSet rs = reader.executeQuery("SELECT MAX(id) FROM lagprobe")) {
            rs.next();
            if (rs.getLong(1) >= i && !rs.wasNull()) {
              break;
            }
          }
          if (System.nanoTime() - ack > TimeUnit.SECONDS.toNanos(30)) {
            throw new IllegalStateException("row " + i + " not visible after 30 s");
          }
        }
        lag.add((System.nanoTime() - ack) / 1_000);
        if ((i + 1) % 500 == 0) {
          System.out.printf("  %,d samples%n", i + 1);
        }
      }
    }
    return lag;
  }

  // ------------------------------------------------------------------------------- helpers

  private static long writeCsv(Path csv, long rows) throws Exception {
    try (BufferedWriter out = Files.newBufferedWriter(csv)) {
      for (long id = 0; id < rows; id++) {
        out.write(id + "," + (id % 7) + "," + (id * 0.25) + ",tag-" + (id % 1000) + "\n");
      }
    }
    return Files.size(csv);
  }

  private static void awaitCount(CitadelNode node, String table, long n, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Connection c = HaCluster.connect(node);
        Statement s = c.createStatement()) {
      while (System.nanoTime() < deadline) {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
          rs.next();
          if (rs.getLong(1) >= n) {
            return;
          }
        }
        Thread.sleep(20);
      }
    }
    throw new IllegalStateException(node.name() + ": " + table + " not at " + n + " rows");
  }

  private static void line(String what, double records, int rows) {
    System.out.printf(Locale.ROOT, "%-58s %,14.0f %,12.0f%n", what, records, records * rows);
  }

  private static double pct(List<Long> us, int p) {
    List<Long> s = new ArrayList<>(us);
    Collections.sort(s);
    return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1)) / 1000.0;
  }

  private static void lat(String what, List<Long> us) {
    System.out.printf(
        Locale.ROOT,
        "%-58s %10.2f %10.2f %10.2f%n",
        what,
        pct(us, 50),
        pct(us, 99),
        Collections.max(us) / 1000.0);
  }
}
