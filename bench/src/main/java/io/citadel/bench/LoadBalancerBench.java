package io.citadel.bench;

import io.citadel.itests.CitadelNode;
import io.citadel.itests.HaCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Citadel's load balancer beside HAProxy (Debian's package) in front of the same three engine
 * servers of one HA group, in the same run. Citadel's balancer runs on a node of its own (a fourth
 * Karaf whose only role is {@code loadbalancer}), not in the JVM of an engine it balances. HAProxy
 * is configured at its best for the job: checks at the same interval as Citadel's (500 ms, fall 2,
 * rise 2) that run a query over HTTP, {@code option redispatch 1}, three retries and {@code
 * retry-on conn-failure empty-response response-timeout}. Both serve POST /sql, over kept-alive
 * connections and over a new connection a request, for a query over a 1,000-row table, a trivial
 * {@code SELECT 1} and the empty statement {@code ;}, which an engine answers without planning
 * anything (so the proxies, not the engines, are the bottleneck): each after a warm-up, measured in
 * alternating order over several rounds. Then kill -9 of the same member under a steady load
 * through each, and the requests that failed. Draws target/loadbalancer.svg.
 *
 * <p>Arguments: the citadel tar.gz, the haproxy binary, seconds a phase, client threads, rounds.
 */
public final class LoadBalancerBench {
  private static final String USER = "bench";
  private static final String PASSWORD = "bench-secret";
  private static final Map<String, String> QUERIES =
      new java.util.LinkedHashMap<>(
          Map.of(
              "1,000-row aggregate",
              "SELECT count(*), sum(id) FROM t",
              "SELECT 1",
              "SELECT 1",
              // PostgreSQL's no-op, answered without planning: the proxies' own cost shows most
              "empty statement",
              ";"));
  private static final int WARM_UP_SECONDS = 5;

  private LoadBalancerBench() {}

  public static void main(String[] args) throws Exception {
    Path distribution = Path.of(args[0]);
    String haproxy = args[1];
    int seconds = Integer.parseInt(args[2]);
    int threads = Integer.parseInt(args[3]);
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    Path base = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "lb-bench");
    System.out.printf(
        "Load balancer: 3 engine servers, the balancer on a fourth node; %d s a phase, %d client"
            + " threads, %d rounds in alternating order after a %d s warm-up; in %s%n",
        seconds, threads, rounds, WARM_UP_SECONDS, base);
    try (HaCluster cluster = HaCluster.start(distribution, base, 3, Duration.ofSeconds(180))) {
      try (Connection c = HaCluster.connect(cluster.nodes().get(0));
          Statement s = c.createStatement()) {
        // one user for the group: it reaches every member through the log
        s.execute("CREATE USER " + USER + " WITH PASSWORD '" + PASSWORD + "'");
        s.execute("CREATE TABLE t (id BIGINT, v TEXT)");
        StringBuilder b = new StringBuilder("INSERT INTO t VALUES ");
        for (int i = 0; i < 1000; i++) {
          b.append(i == 0 ? "" : ",")
              .append('(')
              .append(i)
              .append(", 'row ")
              .append(i)
              .append("')");
        }
        s.execute(b.toString());
      }
      cluster.awaitAllOnline(Duration.ofSeconds(60));
      try (CitadelNode front = balancerNode(distribution, base, cluster)) {
        run(cluster, front, haproxy, base, seconds, threads, rounds);
      }
    }
  }

  /** A node of its own for Citadel's balancer: same ZooKeeper, its only role the balancer. */
  private static CitadelNode balancerNode(Path distribution, Path base, HaCluster cluster)
      throws Exception {
    CitadelNode front =
        CitadelNode.unpack(
            distribution,
            base,
            "front",
            Map.of(
                "zookeeper.connect",
                cluster.zooKeeperConnect(),
                "session.timeout.ms",
                "6000",
                "cluster.name",
                HaCluster.CLUSTER_NAME));
    Files.writeString(front.etc("roles"), "loadbalancer\n");
    front.cfg(
        "io.citadel.loadbalancer.cfg",
        Map.of(
            "group", HaCluster.GROUP,
            "algorithm", "round-robin",
            "check-interval-ms", "500",
            "fall", "2",
            "rise", "2"));
    front.start(Duration.ofSeconds(180));
    return front;
  }

  private static void run(
      HaCluster cluster,
      CitadelNode front,
      String haproxy,
      Path base,
      int seconds,
      int threads,
      int rounds)
      throws Exception {
    int citadelPort = Integer.parseInt(front.cfgValue("io.citadel.loadbalancer.cfg", "http-port"));
    List<String> servers = new ArrayList<>();
    for (CitadelNode n : cluster.nodes()) {
      servers.add("127.0.0.1:" + n.cfgValue("io.citadel.engine.cfg", "http-port"));
    }
    awaitAnswers(citadelPort, Duration.ofSeconds(60));
    List<String[]> rows = new ArrayList<>();
    BarChart chart =
        new BarChart(
            "POST /sql through each balancer, " + threads + " client threads (req/s)",
            List.of("Citadel", "HAProxy"));
    List<String[]> kills = new ArrayList<>();
    try (HaProxy peer = HaProxy.start(haproxy, base, servers)) {
      awaitAnswers(peer.port, Duration.ofSeconds(30));
      for (Map.Entry<String, String> q : QUERIES.entrySet()) {
        for (boolean keepAlive : new boolean[] {true, false}) {
          String mode = q.getKey() + ", " + (keepAlive ? "keep-alive" : "new connection each");
          load(peer.port, threads, WARM_UP_SECONDS, keepAlive, q.getValue(), null);
          load(citadelPort, threads, WARM_UP_SECONDS, keepAlive, q.getValue(), null);
          List<Result> h = new ArrayList<>();
          List<Result> c = new ArrayList<>();
          List<Double> ratios = new ArrayList<>();
          for (int r = 0; r < rounds; r++) {
            boolean haproxyFirst = r % 2 == 0;
            Result first =
                load(
                    haproxyFirst ? peer.port : citadelPort,
                    threads,
                    seconds,
                    keepAlive,
                    q.getValue(),
                    null);
            Result second =
                load(
                    haproxyFirst ? citadelPort : peer.port,
                    threads,
                    seconds,
                    keepAlive,
                    q.getValue(),
                    null);
            Result hr = haproxyFirst ? first : second;
            Result cr = haproxyFirst ? second : first;
            h.add(hr);
            c.add(cr);
            ratios.add(cr.perSecond() / hr.perSecond());
            System.out.printf(
                Locale.ROOT,
                "  %s, round %d (%s first): Citadel %,.0f req/s, HAProxy %,.0f req/s, ratio %.2f%n",
                mode,
                r + 1,
                haproxyFirst ? "HAProxy" : "Citadel",
                cr.perSecond(),
                hr.perSecond(),
                cr.perSecond() / hr.perSecond());
          }
          Result hAll = Result.merge(h);
          Result cAll = Result.merge(c);
          double ratio = median(ratios);
          System.out.printf(
              Locale.ROOT,
              "%s: Citadel %,.0f req/s, HAProxy %,.0f req/s: median ratio %.2f%n",
              mode,
              cAll.perSecond(),
              hAll.perSecond(),
              ratio);
          rows.add(row("HAProxy, " + mode, hAll));
          rows.add(row("Citadel, " + mode, cAll));
          chart.group(mode, cAll.perSecond(), hAll.perSecond());
        }
      }
      System.out.printf(
          "%n%-52s %12s %9s %9s %9s %8s%n",
          "POST /sql (all rounds)", "req/s", "p50 ms", "p99 ms", "max ms", "failed");
      for (String[] r : rows) {
        System.out.printf("%-52s %12s %9s %9s %9s %8s%n", (Object[]) r);
      }

      // the same member killed under load through each: the requests that fail
      System.out.printf(
          "%nkill -9 of one server under a steady keep-alive load (%d threads, %d s after the kill)%n",
          threads, seconds);
      kills.add(
          killRun(
              "Citadel (500 ms / 2 / 2)", citadelPort, cluster, front, 2, threads, seconds, null));
      kills.add(
          killRun(
              "HAProxy (500 ms / 2 / 2, redispatch, retry-on)",
              peer.port,
              cluster,
              front,
              2,
              threads,
              seconds,
              peer));
    }
    System.out.printf("%-52s %12s %10s %10s%n", "through", "answered", "failed", "failed %");
    for (String[] r : kills) {
      System.out.printf("%-52s %12s %10s %10s%n", (Object[]) r);
    }
    Path svg = Path.of("target", "loadbalancer.svg").toAbsolutePath();
    Files.writeString(svg, chart.svg());
    System.out.println("chart: " + svg);
  }

  private static double median(List<Double> values) {
    List<Double> s = new ArrayList<>(values);
    java.util.Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static String[] row(String name, Result r) {
    return new String[] {
      name,
      String.format(Locale.ROOT, "%,.0f", r.perSecond()),
      ms(r.percentile(50)),
      ms(r.percentile(99)),
      ms(r.percentile(100)),
      Long.toString(r.failed.get())
    };
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
  }

  private static String[] killRun(
      String name,
      int port,
      HaCluster cluster,
      CitadelNode front,
      int victimIndex,
      int threads,
      int seconds,
      HaProxy haproxy)
      throws Exception {
    CitadelNode victim = cluster.nodes().get(victimIndex);
    AtomicBoolean killed = new AtomicBoolean();
    Result r =
        load(
            port,
            threads,
            seconds + 2,
            true,
            QUERIES.get("SELECT 1"),
            () -> {
              try {
                victim.kill9();
                killed.set(true);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    System.out.printf(
        Locale.ROOT,
        "  %s: %s killed; %,d answered, %,d failed%n",
        name,
        victim.name(),
        r.ok.get(),
        r.failed.get());
    victim.start(Duration.ofSeconds(180));
    cluster.awaitAllOnline(Duration.ofSeconds(120));
    // the balancer measured takes the server back only after its rise checks: wait for that
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (upServers(front, haproxy) < 3) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException(name + ": " + victim.name() + " not back up within 60 s");
      }
      Thread.sleep(100);
    }
    long total = r.ok.get() + r.failed.get();
    return new String[] {
      name,
      String.format(Locale.ROOT, "%,d", r.ok.get()),
      String.format(Locale.ROOT, "%,d", r.failed.get()),
      String.format(Locale.ROOT, "%.3f", 100.0 * r.failed.get() / Math.max(1, total))
    };
  }

  /** Servers the balancer counts up: Citadel's by lb:backends, HAProxy's by its CSV stats. */
  private static int upServers(CitadelNode front, HaProxy haproxy) throws Exception {
    int up = 0;
    if (haproxy == null) {
      for (String line : front.client("lb:backends --no-format").split("\n")) {
        String[] c = line.split("\t");
        if (c.length > 3 && c[0].strip().startsWith("node") && c[3].strip().equals("UP")) {
          up++;
        }
      }
      return up;
    }
    try (Socket s = new Socket("127.0.0.1", haproxy.statsPort)) {
      s.setSoTimeout(5_000);
      s.getOutputStream()
          .write(
              "GET /stats;csv HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      String csv = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      for (String line : csv.split("\n")) {
        String[] c = line.split(",");
        if (c.length > 17 && c[0].equals("engines") && c[1].startsWith("s") && c[17].equals("UP")) {
          up++;
        }
      }
    } catch (IOException notAnswering) {
      return 0;
    }
    return up;
  }

  /** What a load phase measured. */
  private static final class Result {
    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final List<long[]> latencies = new ArrayList<>();
    double seconds;

    double perSecond() {
      return ok.get() / seconds;
    }

    /** Several phases as one: their answers over their time together, their latencies pooled. */
    static Result merge(List<Result> phases) {
      Result all = new Result();
      for (Result p : phases) {
        all.ok.addAndGet(p.ok.get());
        all.failed.addAndGet(p.failed.get());
        all.latencies.addAll(p.latencies);
        all.seconds += p.seconds;
      }
      return all;
    }

    long percentile(double p) {
      long[] all =
          latencies.stream().flatMapToLong(Arrays::stream).filter(v -> v > 0).sorted().toArray();
      if (all.length == 0) {
        return 0;
      }
      int i = (int) Math.min(all.length - 1, Math.max(0, Math.ceil(p / 100 * all.length) - 1));
      return all[i];
    }
  }

  /**
   * {@code threads} clients sending the query for {@code seconds}; with {@code midway}, it runs
   * after the first two seconds (the kill).
   */
  private static Result load(
      int port, int threads, int seconds, boolean keepAlive, String query, Runnable midway)
      throws Exception {
    Result r = new Result();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    byte[] request = request(keepAlive, query);
    for (int t = 0; t < threads; t++) {
      long[] lat = new long[2_000_000];
      synchronized (r.latencies) {
        r.latencies.add(lat);
      }
      Thread th =
          new Thread(
              () -> {
                int n = 0;
                Socket s = null;
                while (!stop.get()) {
                  long start = System.nanoTime();
                  try {
                    if (s == null) {
                      s = new Socket();
                      s.setTcpNoDelay(true);
                      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                      s.setSoTimeout(30_000);
                    }
                    s.getOutputStream().write(request);
                    int status = readResponse(s.getInputStream());
                    if (!keepAlive) {
                      s.close();
                      s = null;
                    }
                    if (status == 200) {
                      r.ok.incrementAndGet();
                      if (n < lat.length) {
                        lat[n++] = System.nanoTime() - start;
                      }
                    } else {
                      r.failed.incrementAndGet();
                    }
                  } catch (IOException e) {
                    r.failed.incrementAndGet();
                    if (s != null) {
                      try {
                        s.close();
                      } catch (IOException ignored) {
                        // gone
                      }
                      s = null;
                    }
                  }
                }
                if (s != null) {
                  try {
                    s.close();
                  } catch (IOException ignored) {
                    // gone
                  }
                }
              },
              "bench-client-" + t);
      clients.add(th);
    }
    long begin = System.nanoTime();
    clients.forEach(Thread::start);
    // the sleeps below are the measured window itself, not a wait for something to happen
    if (midway != null) {
      Thread.sleep(2_000);
      midway.run();
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds - 2));
    } else {
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    }
    stop.set(true);
    for (Thread t : clients) {
      t.join(60_000);
    }
    r.seconds = (System.nanoTime() - begin) / 1e9;
    // kept for the whole run's percentiles: only what was recorded, not the 16 MB a thread had
    r.latencies.replaceAll(
        a -> {
          int n = 0;
          while (n < a.length && a[n] != 0) {
            n++;
          }
          return Arrays.copyOf(a, n);
        });
    return r;
  }

  private static byte[] request(boolean keepAlive, String query) {
    String auth =
        Base64.getEncoder()
            .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    byte[] body = query.getBytes(StandardCharsets.UTF_8);
    String head =
        "POST /sql HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic "
            + auth
            + "\r\nContent-Type: text/plain\r\nContent-Length: "
            + body.length
            + "\r\nConnection: "
            + (keepAlive ? "keep-alive" : "close")
            + "\r\n\r\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** Reads one response (Content-Length framed); answers its status. */
  private static int readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      head.append((char) c);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    if (c < 0) {
      throw new IOException("closed before a response");
    }
    String h = head.toString();
    int status = Integer.parseInt(h.substring(9, 12));
    int length = 0;
    for (String line : h.split("\r\n")) {
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      throw new IOException("closed in a response");
    }
    return status;
  }

  private static void awaitAnswers(int port, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    byte[] request = request(false, QUERIES.get("SELECT 1"));
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(5_000);
        OutputStream out = s.getOutputStream();
        out.write(request);
        if (readResponse(s.getInputStream()) == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      if (System.nanoTime() > end) {
        throw new IllegalStateException("nothing answers on port " + port + " within " + timeout);
      }
      Thread.sleep(200);
    }
  }

  /** HAProxy run in the foreground as a child, stopped by its PID. */
  private static final class HaProxy implements AutoCloseable {
    final int port;
    final int statsPort;
    final Process process;

    private HaProxy(int port, int statsPort, Process process) {
      this.port = port;
      this.statsPort = statsPort;
      this.process = process;
    }

    /**
     * HAProxy at its best for this job: checks every 500 ms (fall 2, rise 2, as Citadel's) that run
     * a query, a retried request sent to another server, and retries on a failed connection, an
     * empty response and a response timeout.
     */
    static HaProxy start(String binary, Path base, List<String> servers) throws Exception {
      int port;
      int statsPort;
      try (ServerSocket free = new ServerSocket(0);
          ServerSocket stats = new ServerSocket(0)) {
        port = free.getLocalPort();
        statsPort = stats.getLocalPort();
      }
      String auth =
          Base64.getEncoder()
              .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
      StringBuilder cfg = new StringBuilder();
      cfg.append("global\n  maxconn 4096\n  nbthread 2\n")
          .append("defaults\n  mode http\n  timeout connect 500ms\n  timeout client 60s\n")
          .append("  timeout server 10s\n  retries 3\n  option redispatch 1\n")
          .append("  retry-on conn-failure empty-response response-timeout\n")
          .append("  option http-keep-alive\n")
          .append("frontend stats\n  bind 127.0.0.1:")
          .append(statsPort)
          .append("\n  stats enable\n  stats uri /stats\n")
          .append("frontend sql\n  bind 127.0.0.1:")
          .append(port)
          .append("\n  default_backend engines\n")
          .append("backend engines\n  balance roundrobin\n  option httpchk\n")
          .append("  http-check send meth POST uri /sql hdr Authorization \"Basic ")
          .append(auth)
          .append("\" hdr Content-Type text/plain body \"SELECT 1\"\n")
          .append("  http-check expect status 200\n")
          .append("  default-server inter 500 fall 2 rise 2\n");
      for (int i = 0; i < servers.size(); i++) {
        cfg.append("  server s")
            .append(i + 1)
            .append(' ')
            .append(servers.get(i))
            .append(" check\n");
      }
      Path file = Files.writeString(base.resolve("haproxy-" + port + ".cfg"), cfg.toString());
      Process p =
          new ProcessBuilder(binary, "-db", "-f", file.toString())
              .redirectErrorStream(true)
              .redirectOutput(base.resolve("haproxy-" + port + ".log").toFile())
              .start();
      if (p.waitFor(1, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "haproxy exited at once: "
                + Files.readString(base.resolve("haproxy-" + port + ".log")));
      }
      return new HaProxy(port, statsPort, p);
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
