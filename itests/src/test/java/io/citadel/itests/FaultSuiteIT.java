package io.citadel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The fault-injection suite: the local cluster of three nodes, each in its own network namespace
 * ({@code cluster start 3 --netns}), under a steady load of uniquely keyed INSERTs, one writer
 * through the balancers and one straight to the members, while faults are injected one after the
 * other: kill -9 of a member's node (restarted), of the CLDB master's node and of the node whose
 * broker leads the group's topic; kill -9 of a broker alone, and of a Karaf whose broker lives on;
 * SIGSTOP of a member and of the CLDB master for 1.5 session timeouts; a partition cutting one node
 * off, and one cutting off the ZooKeeper leader, for 30 s; a shared COPY file rewritten while a
 * member lags (frozen), which must make that member DIVERGED and be repaired from a healthy
 * member's snapshot; and (long form only) the machine's clock jumping 30 s ahead and back. A
 * sampler asks every CLDB for its role every 50 ms throughout.
 *
 * <p>Afterwards a checker of its own (the writers' ledger, then every member's rows read back with
 * plain SQL) counts, per fault: the writes acknowledged while it lasted, those lost (acknowledged,
 * missing on some member), those applied twice (an id held more than once by some member), those
 * diverged (held by some members and not others, acknowledged or not), the client errors and the
 * longest gap without an acknowledged write; and the samples in which two CLDBs answered MASTER.
 * All but the errors and the gaps must be 0. It prints the table.
 *
 * <p>The short form (CI) injects a kill -9, a SIGSTOP and a partition, once each (HaGroupIT checks
 * the rewritten COPY file on every CI run). The long form repeats every fault for {@code
 * CITADEL_FAULT_MINUTES} (default 10) minutes: {@code CITADEL_FAULTS=long mvn -B verify -pl itests
 * -Dit.test=FaultSuiteIT} (see README). It needs root and iproute2, and owns the namespaces {@code
 * citadel-n1..3} while it runs.
 */
public class FaultSuiteIT {

  private static final int NODES = 3;
  private static final String SUBNET = "10.77.0.";

  /** citadel-node.sh's cluster gives every node a ZooKeeper session of 10 s. */
  private static final Duration SESSION = Duration.ofSeconds(10);

  private static final Duration HEALTHY = Duration.ofMinutes(4);
  private static LocalCluster local;

  @BeforeClass
  public static void startCluster() throws Exception {
    boolean root = "0".equals(run("id", "-u").strip());
    boolean ip = new ProcessBuilder("ip", "-V").start().waitFor() == 0;
    assumeTrue("the fault suite needs root and iproute2 (network namespaces)", root && ip);
    local =
        LocalCluster.startInNamespaces(
            Path.of("target", "fault-suite"), NODES, Duration.ofMinutes(10));
  }

  @AfterClass
  public static void stopCluster() throws Exception {
    if (local != null && local.made()) {
      System.out.println(local.run(Duration.ofMinutes(4), "stop"));
    }
  }

  // ------------------------------------------------------------------------------- the suite

  /** One fault: what it is called and how it is injected and undone. */
  private record Fault(String name, Injection injection) {}

  @FunctionalInterface
  private interface Injection {
    void run() throws Exception;
  }

  /** What the checker counts for one fault. */
  private record Window(String fault, long from, long to, long errors) {}

  @Test
  public void faultsUnderWritesLoseNothingApplyNothingTwiceAndNeverShowTwoMasters()
      throws Exception {
    boolean longForm = "long".equalsIgnoreCase(System.getenv("CITADEL_FAULTS"));
    long minutes = Long.parseLong(System.getenv().getOrDefault("CITADEL_FAULT_MINUTES", "10"));
    List<Fault> faults = longForm ? everyFault() : shortForm();
    MasterSampler masters = new MasterSampler();
    List<Window> windows = new ArrayList<>();
    // the balancers as clients reach whichever is alive: every one in the connection string
    String anyBalancer = String.join(",", balancers());
    try (Connection c = connect(anyBalancer);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE ledger (id BIGINT, writer INTEGER, at BIGINT)");
    }
    Ledger ledger = new Ledger();
    ledger.start(0, () -> List.of(anyBalancer));
    ledger.start(1, FaultSuiteIT::engines);
    masters.start();
    try {
      ledger.awaitMore(50, Duration.ofMinutes(2));
      long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
      do {
        for (Fault f : faults) {
          long from = System.nanoTime();
          long errors = ledger.errors.get();
          System.out.printf("fault: %s%n", f.name());
          f.injection().run();
          awaitHealthy();
          ledger.awaitMore(20, Duration.ofMinutes(2));
          windows.add(new Window(f.name(), from, System.nanoTime(), ledger.errors.get() - errors));
        }
      } while (longForm && System.nanoTime() < until);
    } finally {
      ledger.stop();
      masters.stop();
    }
    Map<Integer, Map<Long, Integer>> held = readBack(ledger);
    StringBuilder table = new StringBuilder();
    table.append(
        String.format(
            "%-44s %7s %5s %10s %8s %13s %15s%n",
            "fault", "acked", "lost", "duplicated", "diverged", "client errors", "longest gap ms"));
    long lost = 0;
    long duplicated = 0;
    long diverged = 0;
    for (Window w : windows) {
      long[] counts = count(ledger, held, w.from(), w.to());
      lost += counts[1];
      duplicated += counts[2];
      diverged += counts[3];
      table.append(
          String.format(
              "%-44s %7d %5d %10d %8d %13d %15d%n",
              w.fault(),
              counts[0],
              counts[1],
              counts[2],
              counts[3],
              w.errors(),
              ledger.longestGapMs(w.from(), w.to())));
    }
    long[] all = count(ledger, held, Long.MIN_VALUE, Long.MAX_VALUE);
    table.append(
        String.format(
            "%-44s %7d %5d %10d %8d %13d%n",
            "whole run", all[0], all[1], all[2], all[3], ledger.errors.get()));
    table.append(
        String.format(
            "CLDB roles sampled every 50 ms: %d samples, %d with two nodes answering MASTER%s%n",
            masters.samples.get(), masters.doubles.size(), masters.doubles));
    ledger.causes.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue().get(), a.getValue().get()))
        .forEach(
            e ->
                table.append(
                    String.format("client error x%d: %s%n", e.getValue().get(), e.getKey())));
    System.out.print(table);
    Files.writeString(Path.of("target", "fault-suite", "fault-table.txt"), table.toString());
    assertEquals("lost\n" + table, 0, all[1]);
    assertEquals("duplicated\n" + table, 0, all[2]);
    assertEquals("diverged\n" + table, 0, all[3]);
    assertEquals("two masters\n" + table, 0, masters.doubles.size());
    assertTrue("the sampler ran\n" + table, masters.samples.get() > 100);
    assertEquals(
        "lost, duplicated or diverged outside the faults", 0, lost + duplicated + diverged);
  }

  private List<Fault> shortForm() {
    return List.of(
        new Fault("kill -9 of node 3 (a member), restarted", () -> killAndRestart(3)),
        new Fault("SIGSTOP of node 2 (a member) for 15 s", () -> pause(2)),
        // a rewritten COPY file and its repair: HaGroupIT f_ checks it on every CI run, without
        // load
        new Fault("node 1 cut off for 30 s", () -> isolate(1)));
  }

  private List<Fault> everyFault() {
    return List.of(
        new Fault("kill -9 of node 3 (a member), restarted", () -> killAndRestart(3)),
        new Fault("kill -9 of the CLDB master's node", () -> killAndRestart(cldbMaster())),
        new Fault("kill -9 of the topic leader broker's node", () -> killAndRestart(topicLeader())),
        new Fault("kill -9 of node 2's broker alone", () -> killBroker(2)),
        new Fault("kill -9 of node 1's Karaf (its broker lives)", () -> killKarafOnly(1)),
        new Fault("SIGSTOP of node 2 (a member) for 15 s", () -> pause(2)),
        new Fault("SIGSTOP of the CLDB master for 15 s", () -> pause(cldbMaster())),
        new Fault("node 1 cut off for 30 s", () -> isolate(1)),
        new Fault("the ZooKeeper leader cut off for 30 s", () -> isolate(zooKeeperLeader())),
        new Fault(COPY_REWRITTEN, () -> copyRewrittenWhileLagging(3)),
        new Fault(
            "the clock 30 s ahead for 20 s, then back", () -> clockJump(Duration.ofSeconds(30))));
  }

  // ------------------------------------------------------------------------------- faults

  /**
   * The machine's clock (the one clock every node shares) jumps ahead, and after a while back by as
   * much: leases, session expiry and timeouts that read the wall clock instead of a monotonic one
   * would show it. Long form only: it moves the clock of the whole machine.
   */
  private static void clockJump(Duration by) throws Exception {
    shiftClock(by);
    try {
      Thread.sleep(20_000);
    } finally {
      shiftClock(by.negated());
    }
  }

  private static void shiftClock(Duration by) throws Exception {
    java.time.Instant target = java.time.Instant.now().plus(by);
    System.out.println(
        run(
            "date",
            "-u",
            "-s",
            String.format("@%d.%09d", target.getEpochSecond(), target.getNano())));
  }

  private static final String COPY_REWRITTEN = "COPY file rewritten while node 3 lags; repair";

  private static int copies;

  /**
   * A shared COPY file rewritten while a member lags (its JVM frozen): that member refuses to load
   * other bytes than the writer logged and goes DIVERGED; the documented repair (a snapshot of a
   * healthy member, then {@code ha:repair}) brings it back, and every member holds the rows the
   * writer loaded.
   */
  private static void copyRewrittenWhileLagging(int lagging) throws Exception {
    int n = ++copies;
    Path csv = local.home().resolve("shared").resolve("rewritten-" + n + ".csv");
    Files.writeString(csv, csvRows(1, 1_000, "first"));
    String table = "rewritten_" + n;
    try (Connection c = connect(engines().get(0));
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + table + " (id INTEGER, v TEXT)");
    }
    awaitHealthy();
    // The member's JVM alone is frozen, not its node's broker: the group goes on taking writes,
    // and the member lags behind them.
    String karaf = Files.readString(nodeHome(lagging).resolve("karaf.pid")).strip();
    run("kill", "-STOP", karaf);
    try {
      try (Connection c = connect(engines().get(0));
          Statement s = c.createStatement()) {
        assertEquals(1_000, s.executeUpdate("COPY " + table + " FROM '" + csv + "'"));
      }
      // Only the frozen member may lag: the others, busy with the writers' load, apply the COPY a
      // moment after the writer, and one that read the rewritten file would rightly diverge too.
      for (int node = 1; node <= NODES; node++) {
        if (node != lagging) {
          awaitRows(engines().get(node - 1), table, 1_000, Duration.ofSeconds(60));
        }
      }
      Files.writeString(csv, csvRows(5_001, 5_500, "second"));
    } finally {
      run("kill", "-CONT", karaf);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    String status = "";
    while (!status.contains("HA_MEMBER_DIVERGED")) {
      assertTrue("node " + lagging + " not DIVERGED:\n" + status, System.nanoTime() < deadline);
      Thread.sleep(1_000);
      status = client(lagging, "ha:status");
    }
    System.out.println(command(1, "ha:snapshot"));
    System.out.println(command(lagging, "ha:repair --wait 120"));
    awaitHealthy();
    for (String engine : engines()) {
      try (Connection c = connect(engine);
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery("SELECT count(*) FROM " + table + " WHERE v LIKE 'first-%'")) {
        rs.next();
        assertEquals(engine + " holds the rows the writer loaded", 1_000, rs.getLong(1));
      }
    }
  }

  private static void awaitRows(String engine, String table, long rows, Duration bound)
      throws Exception {
    long deadline = System.nanoTime() + bound.toNanos();
    long held = -1;
    while (held != rows) {
      assertTrue(
          engine + " holds " + held + " rows of " + table + ", not " + rows + ", after " + bound,
          System.nanoTime() < deadline);
      try (Connection c = connect(engine);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
        rs.next();
        held = rs.getLong(1);
      } catch (SQLException e) {
        held = -1; // busy or between states: asked again
      }
      if (held != rows) {
        Thread.sleep(100);
      }
    }
  }

  private static String csvRows(int from, int to, String label) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i <= to; i++) {
      b.append(i).append(',').append(label).append('-').append(i).append('\n');
    }
    return b.toString();
  }

  private static void killAndRestart(int node) throws Exception {
    System.out.println(local.run(Duration.ofMinutes(1), "kill", Integer.toString(node)));
    Thread.sleep(5_000);
    System.out.println(local.run(Duration.ofMinutes(5), "restart", Integer.toString(node)));
  }

  private static void pause(int node) throws Exception {
    System.out.println(local.run(Duration.ofMinutes(1), "pause", Integer.toString(node)));
    try {
      Thread.sleep(SESSION.toMillis() * 3 / 2);
    } finally {
      System.out.println(local.run(Duration.ofMinutes(1), "resume", Integer.toString(node)));
    }
  }

  private static void isolate(int node) throws Exception {
    System.out.println(local.run(Duration.ofMinutes(1), "isolate", Integer.toString(node)));
    try {
      Thread.sleep(30_000);
    } finally {
      System.out.println(local.run(Duration.ofMinutes(1), "heal", Integer.toString(node)));
    }
  }

  /** kill -9 of the node's Kafka broker alone: its Warden starts it again. */
  private static void killBroker(int node) throws Exception {
    Path pidFile = nodeHome(node).resolve("data/warden/kafka.pid");
    String pid = Files.readString(pidFile).strip();
    run("kill", "-9", pid);
  }

  /**
   * kill -9 of the node's Karaf JVM alone, its broker (a child in its own process group) living on;
   * the node is started again and must adopt the broker rather than kill it.
   */
  private static void killKarafOnly(int node) throws Exception {
    String pid = Files.readString(nodeHome(node).resolve("karaf.pid")).strip();
    run("kill", "-9", pid);
    Thread.sleep(5_000);
    System.out.println(local.run(Duration.ofMinutes(5), "restart", Integer.toString(node)));
  }

  /** Where citadel-node.sh's cluster keeps node {@code node}. */
  private static Path nodeHome(int node) {
    return local.home().resolve("node" + node).resolve("citadel");
  }

  // ------------------------------------------------------------------------------- who leads

  private static String client(int node, String command) throws Exception {
    return local.run(Duration.ofMinutes(1), "client", Integer.toString(node), command);
  }

  /** {@link #client} for a command that must succeed: the console's error fails the test. */
  private static String command(int node, String command) throws Exception {
    String out = client(node, command);
    assertFalse(
        command + " on node " + node + " failed:\n" + out, out.contains("Error executing command"));
    return out;
  }

  private static int cldbMaster() throws Exception {
    for (int attempt = 0; attempt < 60; attempt++) {
      for (int node = 1; node <= NODES; node++) {
        if (role(node).get(2, TimeUnit.SECONDS).equals("MASTER")) {
          return node;
        }
      }
      Thread.sleep(1_000);
    }
    throw new AssertionError("no CLDB master");
  }

  private static int topicLeader() throws Exception {
    return find(1, "ha:status --no-format", "Topic replication\\s+[^\\n]*?\\(leader (\\d+)");
  }

  private static int zooKeeperLeader() throws Exception {
    return find(1, "zk:ensemble", "(?m)^(\\d+)\\D[^\\n]*\\|\\s*leader\\s*\\|");
  }

  private static int find(int node, String command, String regex) throws Exception {
    Pattern p = Pattern.compile(regex);
    String out = "";
    for (int attempt = 0; attempt < 60; attempt++) {
      out = client(node, command);
      Matcher m = p.matcher(out);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      Thread.sleep(1_000);
    }
    throw new AssertionError(regex + " not in " + command + " of node " + node + ":\n" + out);
  }

  /** Every member ONLINE with lag 0, as ha:members on node 1 says. */
  private static void awaitHealthy() throws Exception {
    long deadline = System.nanoTime() + HEALTHY.toNanos();
    String out = "";
    while (System.nanoTime() < deadline) {
      try {
        out = client(1, "ha:members --no-format");
        long online = out.lines().filter(l -> l.matches("node\\d\\s.*\\bONLINE\\b.*")).count();
        if (online == NODES) {
          return;
        }
      } catch (AssertionError notYet) {
        out = notYet.getMessage();
      }
      Thread.sleep(2_000);
    }
    throw new AssertionError("the group is not healthy within " + HEALTHY + ":\n" + out);
  }

  // ------------------------------------------------------------------------------- targets

  private static String address(int node) {
    return SUBNET + node;
  }

  private static List<String> balancers() {
    List<String> out = new ArrayList<>();
    for (int node = 1; node <= NODES; node++) {
      out.add(address(node) + ":" + local.port(node, 30));
    }
    return out;
  }

  private static List<String> engines() {
    List<String> out = new ArrayList<>();
    for (int node = 1; node <= NODES; node++) {
      out.add(address(node) + ":" + local.port(node, 10));
    }
    return out;
  }

  /** A connection with bounded waits: a frozen node answers nothing, and the writer moves on. */
  private static Connection connect(String target) throws Exception {
    Properties p = new Properties();
    p.setProperty("user", "citadel");
    p.setProperty("password", Files.readString(local.home().resolve("password")).strip());
    p.setProperty("connectTimeout", "3");
    p.setProperty("socketTimeout", "20");
    p.setProperty("loginTimeout", "10");
    return DriverManager.getConnection("jdbc:postgresql://" + target + "/citadel", p);
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return out;
  }

  // ------------------------------------------------------------------------------- the ledger

  /**
   * The writers and their record, kept apart from anything Citadel says: every id tried (with the
   * moment it was sent), every id acknowledged (with the moment of the acknowledgement), and the
   * client errors. An id is written once; a failure moves the writer to the next target.
   */
  private static final class Ledger {
    final Map<Long, Long> tried = new ConcurrentHashMap<>();
    final Map<Long, Long> acked = new ConcurrentHashMap<>();
    final AtomicLong errors = new AtomicLong();

    /** How often each kind of client error was seen: SQLSTATE and message, digits blurred. */
    final Map<String, AtomicLong> causes = new ConcurrentHashMap<>();

    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    interface Targets {
      List<String> get();
    }

    void start(int writer, Targets targets) {
      Thread t = new Thread(() -> write(writer, targets), "ledger-writer-" + writer);
      threads.add(t);
      t.start();
    }

    private void write(int writer, Targets targets) {
      long seq = 0;
      int at = writer;
      Connection c = null;
      while (!stop.get()) {
        long id = writer * 1_000_000_000L + seq++;
        try {
          if (c == null) {
            List<String> all = targets.get();
            c = connect(all.get(Math.floorMod(at, all.size())));
          }
          tried.put(id, System.nanoTime());
          try (Statement s = c.createStatement()) {
            s.executeUpdate(
                "INSERT INTO ledger VALUES ("
                    + id
                    + ", "
                    + writer
                    + ", "
                    + System.nanoTime()
                    + ")");
          }
          acked.put(id, System.nanoTime());
        } catch (Exception e) {
          errors.incrementAndGet();
          causes.computeIfAbsent(cause(e), k -> new AtomicLong()).incrementAndGet();
          closeQuietly(c);
          c = null;
          at++;
          sleep(200);
        }
      }
      closeQuietly(c);
    }

    /** An error's kind: its SQLSTATE and the start of its message, with numbers as "N". */
    private static String cause(Exception e) {
      String state = e instanceof SQLException q && q.getSQLState() != null ? q.getSQLState() : "-";
      String text = String.valueOf(e.getMessage()).replaceAll("\\d+", "N").replaceAll("\\s+", " ");
      return state + " " + (text.length() > 150 ? text.substring(0, 150) + "…" : text);
    }

    void awaitMore(int more, Duration timeout) throws InterruptedException {
      long want = acked.size() + more;
      long deadline = System.nanoTime() + timeout.toNanos();
      while (acked.size() < want) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("fewer than " + more + " writes acknowledged in " + timeout);
        }
        Thread.sleep(50);
      }
    }

    /** The longest time in [from, to] without an acknowledgement. */
    long longestGapMs(long from, long to) {
      List<Long> times =
          new ArrayList<>(acked.values().stream().filter(t -> t >= from && t <= to).toList());
      times.sort(Long::compare);
      long last = from;
      long max = 0;
      for (long t : times) {
        max = Math.max(max, t - last);
        last = t;
      }
      return Math.max(max, to - last) / 1_000_000;
    }

    void stop() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join(60_000);
      }
    }
  }

  /**
   * Every member's ids with how often it holds each, read once every member holds every
   * acknowledged id (or after 3 minutes, as they are then).
   */
  private static Map<Integer, Map<Long, Integer>> readBack(Ledger ledger) throws Exception {
    Map<Integer, Map<Long, Integer>> held = new HashMap<>();
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    for (int node = 1; node <= NODES; node++) {
      Map<Long, Integer> ids = Map.of();
      while (true) {
        try {
          ids = ids(engines().get(node - 1));
        } catch (Exception e) {
          System.out.println("node " + node + ": " + e);
        }
        if (ids.keySet().containsAll(ledger.acked.keySet()) || System.nanoTime() > deadline) {
          break;
        }
        Thread.sleep(1_000);
      }
      held.put(node, ids);
    }
    return held;
  }

  private static Map<Long, Integer> ids(String target) throws Exception {
    Map<Long, Integer> ids = new HashMap<>();
    try (Connection c = connect(target);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, COUNT(*) FROM ledger GROUP BY id")) {
      while (rs.next()) {
        ids.put(rs.getLong(1), rs.getInt(2));
      }
    }
    return ids;
  }

  /**
   * For the ids tried in [from, to]: acknowledged, lost (acknowledged and missing on a member),
   * duplicated (held twice by a member), diverged (held by some members, not all).
   */
  private static long[] count(
      Ledger ledger, Map<Integer, Map<Long, Integer>> held, long from, long to) {
    long acked = 0;
    long lost = 0;
    long duplicated = 0;
    long diverged = 0;
    for (Map.Entry<Long, Long> e : ledger.tried.entrySet()) {
      long t = e.getValue();
      if (t < from || t > to) {
        continue;
      }
      long id = e.getKey();
      boolean ack = ledger.acked.containsKey(id);
      int holders = 0;
      boolean twice = false;
      for (Map<Long, Integer> ids : held.values()) {
        Integer n = ids.get(id);
        if (n != null) {
          holders++;
          twice |= n > 1;
        }
      }
      acked += ack ? 1 : 0;
      lost += ack && holders < held.size() ? 1 : 0;
      duplicated += twice ? 1 : 0;
      diverged += holders > 0 && holders < held.size() ? 1 : 0;
    }
    return new long[] {acked, lost, duplicated, diverged};
  }

  // ------------------------------------------------------------------------------- masters

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(150)).build();

  /** A node's CLDB role, "-" when it does not answer within 150 ms. */
  private static CompletableFuture<String> role(int node) {
    HttpRequest r =
        HttpRequest.newBuilder(
                URI.create("http://" + address(node) + ":" + local.port(node, 20) + "/v1/status"))
            .timeout(Duration.ofMillis(150))
            .GET()
            .build();
    return HTTP.sendAsync(r, HttpResponse.BodyHandlers.ofString())
        .thenApply(
            reply -> {
              Matcher m = Pattern.compile("\"role\"\\s*:\\s*\"(\\w+)\"").matcher(reply.body());
              return m.find() ? m.group(1) : "-";
            })
        .exceptionally(e -> "-");
  }

  /** Asks every CLDB its role every 50 ms; counts the samples with two answering MASTER. */
  private static final class MasterSampler {
    final AtomicLong samples = new AtomicLong();
    final List<String> doubles = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread = new Thread(this::sample, "master-sampler");

    void start() {
      thread.start();
    }

    private void sample() {
      while (!stop.get()) {
        long tick = System.nanoTime();
        List<CompletableFuture<String>> roles = new ArrayList<>();
        for (int node = 1; node <= NODES; node++) {
          roles.add(role(node));
        }
        List<Integer> masters = new ArrayList<>();
        for (int node = 1; node <= NODES; node++) {
          if (roles.get(node - 1).join().equals("MASTER")) {
            masters.add(node);
          }
        }
        samples.incrementAndGet();
        if (masters.size() > 1) {
          doubles.add(System.currentTimeMillis() + ": nodes " + masters);
        }
        sleep(Math.max(0, 50 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - tick)));
      }
    }

    void stop() throws InterruptedException {
      stop.set(true);
      thread.join(10_000);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (Exception ignored) {
      // going anyway
    }
  }
}
