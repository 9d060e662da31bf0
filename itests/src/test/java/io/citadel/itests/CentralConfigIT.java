package io.citadel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * Central configuration on three nodes of one HA group, all pulling from one store in their shared
 * data folder: a changed default reaches every node at its next pull and the running services show
 * it; a node's own file wins on that node only; a malformed file is refused everywhere with an
 * alarm while the configuration in force keeps working; {@code centralconfig:pull} applies at once;
 * and every Citadel service takes a pulled change of one of its properties without its JVM, its
 * bundle or even its component being restarted (the same JVM pid, the same OSGi service id).
 *
 * <p>The tests share one cluster (it takes a minute or more to start) and run in name order, each
 * on the store and the settings the one before left.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class CentralConfigIT {
  private static final Duration START = Duration.ofSeconds(180);
  private static final int INTERVAL_SEC = 4;

  /** The next pull, the settle time, FileInstall's 1 s poll and the service's own step. */
  private static final Duration NEXT_PULL = Duration.ofSeconds(INTERVAL_SEC + 10);

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static Path base;
  private static Path store;
  private static HaCluster cluster;

  @BeforeClass
  public static void start() throws Exception {
    base =
        Files.createTempDirectory(
            Files.createDirectories(Path.of("target", "centralconfig-it")).toAbsolutePath(), "cc");
    store = base.resolve("shared").resolve("configuration");
    Files.createDirectories(store.resolve("default"));
    Files.createDirectories(store.resolve("nodes"));
    cluster =
        HaCluster.start(
            Path.of(System.getProperty("citadel.distribution")),
            base,
            3,
            START,
            node ->
                node.cfg(
                    "io.citadel.centralconfig.cfg",
                    Map.of(
                        "store", store.toString(),
                        "interval-sec", Integer.toString(INTERVAL_SEC),
                        "settle-ms", "500")));
    for (CitadelNode n : nodes()) {
      cluster.awaitService(n, "centralconfig", "running", START);
    }
  }

  @AfterClass
  public static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static List<CitadelNode> nodes() {
    return cluster.nodes();
  }

  private static CitadelNode node(int i) {
    return cluster.nodes().get(i - 1);
  }

  // ------------------------------------------------------------------------------ the tests

  @Test
  public void a_aChangedDefaultReachesEveryNodeAtItsNextPull() throws Exception {
    Map<String, Identity> before = identities();
    String wardenConf = Files.readString(node(1).etc("warden.conf"));
    central(
        "default",
        "warden.conf",
        withKey(wardenConf, "services.memoryallocation.alarm.threshold", "77"));
    central(
        "default",
        "io.citadel.centralconfig.cfg",
        "store = " + store + "\ninterval-sec = " + INTERVAL_SEC + "\nsettle-ms = 400\n");
    // a service no node ran: the Warden starts it from the pulled conf.d file
    central("default", "conf.d/warden.hoststats.conf", hoststatsConf());
    for (CitadelNode n : nodes()) {
      cluster.awaitService(n, "hoststats", "running", NEXT_PULL.plusSeconds(30));
      Conditions.eventually(
          n.name() + " shows the pulled warden.conf and centralconfig settings",
          NEXT_PULL,
          () ->
              n.client("warden:memory").contains("alarm above 77.0%")
                  && n.client("centralconfig:status --no-format")
                      .matches("(?s).*Settle time\\s*\t400 ms.*"));
    }
    String status = node(2).client("centralconfig:status --no-format");
    assertTrue(
        status,
        status.matches(
            "(?s).*warden.conf\\s*\tdefault\\s*\t[0-9a-f]{16}\\s*\t(installed|unchanged).*"));
    assertNothingRestarted(before);
  }

  @Test
  public void b_aNodesOwnFileWinsOnThatNodeOnly() throws Exception {
    Map<String, Identity> before = identities();
    central(
        "nodes/node2",
        "io.citadel.loadbalancer.cfg",
        withKey(localCfg(node(2), "io.citadel.loadbalancer.cfg"), "algorithm", "round-robin"));
    Conditions.eventually(
        "node2's balancer takes round-robin",
        NEXT_PULL,
        () -> algorithm(node(2)).equals("round-robin"));
    for (CitadelNode n : List.of(node(1), node(3))) {
      String pulled = n.client("centralconfig:pull --no-format");
      assertFalse(pulled, pulled.contains("io.citadel.loadbalancer.cfg"));
      assertEquals(n.name(), "least-connections", algorithm(n));
    }
    assertNothingRestarted(before);
  }

  @Test
  public void c_aMalformedFileIsRefusedEverywhereAndTheConfigurationInForceKeepsWorking()
      throws Exception {
    Map<String, String> engineCfgs = new LinkedHashMap<>();
    for (CitadelNode n : nodes()) {
      engineCfgs.put(n.name(), Files.readString(n.etc("io.citadel.engine.cfg")));
    }
    String replicationConf = Files.readString(node(1).etc("conf.d/warden.replication.conf"));
    // a cfg line that is not key = value, and a conf.d file the Warden's validator refuses
    central("default", "io.citadel.engine.cfg", "port = 6274\nthreads 2 please\n");
    central(
        "default",
        "conf.d/warden.replication.conf",
        withKey(replicationConf, "service.heapsize.percent", "lots"));
    for (CitadelNode n : nodes()) {
      Conditions.eventually(
          n.name() + " raises both alarms:\n" + n.client("centralconfig:status --no-format"),
          NEXT_PULL,
          () -> {
            String s = n.client("centralconfig:status --no-format");
            return s.matches(
                    "(?s).*CONFIG_FILE_REJECTED\\s*\tio.citadel.engine.cfg\\s*\tdefault.*is not 'key = value'.*")
                && s.matches(
                    "(?s).*CONFIG_FILE_REJECTED\\s*\tconf.d/warden.replication.conf\\s*\tdefault.*service.heapsize.percent.*");
          });
      String warden = n.client("warden:list --no-format");
      assertTrue(
          warden, warden.matches("(?s).*centralconfig\\s*\trunning\\s*\t[^\n]*alarm: default/.*"));
      assertTrue(warden, warden.matches("(?s).*replication\\s*\trunning\\s*\t.*"));
      assertEquals(
          n.name(), engineCfgs.get(n.name()), Files.readString(n.etc("io.citadel.engine.cfg")));
      assertEquals(replicationConf, Files.readString(n.etc("conf.d/warden.replication.conf")));
    }
    // the configuration in force works: every engine answers on its own port and writes replicate
    try (Connection c = HaCluster.connect(node(1));
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE cc_probe (id BIGINT)");
      s.execute("INSERT INTO cc_probe VALUES (1), (2)");
    }
    cluster.awaitAllOnline(Duration.ofSeconds(60));
    for (CitadelNode n : nodes()) {
      assertEquals(n.name(), 2, count(n, "cc_probe"));
    }
    Files.delete(store.resolve("default/io.citadel.engine.cfg"));
    Files.delete(store.resolve("default/conf.d/warden.replication.conf"));
    for (CitadelNode n : nodes()) {
      Conditions.eventually(
          n.name() + " clears its alarms",
          NEXT_PULL,
          () -> !n.client("centralconfig:status --no-format").contains("CONFIG_FILE_REJECTED"));
      cluster.awaitService(n, "centralconfig", "running", NEXT_PULL);
    }
  }

  @Test
  public void d_aPullOnTheConsoleAppliesAtOnce() throws Exception {
    // pulls every ten minutes from now on: only the console's pull can bring the next change
    central(
        "default",
        "io.citadel.centralconfig.cfg",
        "store = " + store + "\ninterval-sec = 600\nsettle-ms = 400\n");
    for (CitadelNode n : nodes()) {
      Conditions.eventually(
          n.name() + " pulls every 600 s",
          NEXT_PULL,
          () ->
              n.client("centralconfig:status --no-format").matches("(?s).*Interval\\s*\t600 s.*"));
    }
    central(
        "nodes/node3",
        "io.citadel.loadbalancer.cfg",
        withKey(localCfg(node(3), "io.citadel.loadbalancer.cfg"), "algorithm", "locality"));
    long asked = System.nanoTime();
    String pulled = node(3).client("centralconfig:pull --no-format");
    assertTrue(
        pulled,
        pulled.matches(
            "(?s).*io.citadel.loadbalancer.cfg\\s*\tnodes/node3\\s*\t[0-9a-f]{16}\\s*\tinstalled.*"));
    Conditions.eventually(
        "node3's balancer takes locality",
        Duration.ofSeconds(10),
        () -> algorithm(node(3)).equals("locality"));
    System.out.printf(
        "[centralconfig-it] centralconfig:pull to the balancer's new algorithm: %d ms%n",
        (System.nanoTime() - asked) / 1_000_000);

    // and push: a node's file goes to the store without the Warden's keys
    String pushed = node(1).client("centralconfig:push --node node1 io.citadel.engine.cfg");
    assertTrue(
        pushed,
        pushed.contains("Pushed etc/io.citadel.engine.cfg to nodes/node1/io.citadel.engine.cfg"));
    String inStore = Files.readString(store.resolve("nodes/node1/io.citadel.engine.cfg"));
    assertFalse(inStore, inStore.contains("citadel.memory.mb"));
    assertEquals(
        CfgFiles.read(node(1).etc("io.citadel.engine.cfg")).get("port"),
        CfgFiles.read(store.resolve("nodes/node1/io.citadel.engine.cfg")).get("port"));
    String refused = node(1).client("centralconfig:push ../../karaf.pid");
    assertTrue(refused, refused.contains("is not a file the puller takes"));
  }

  @Test
  public void e_everyServiceTakesAPulledChangeWithoutARestart() throws Exception {
    CitadelNode n = node(1);
    Map<String, Identity> before = identities();
    long brokerPid = n.servicePid("kafka").orElseThrow();
    Path catalog = base.resolve("node1-catalog");
    int cldbPort = Loopback.freePort();
    Map<String, Map<String, String>> changes = new TreeMap<>();
    changes.put("io.citadel.engine.cfg", Map.of("threads", "1"));
    changes.put("io.citadel.replication.cfg", Map.of("ha-read-only", "true"));
    changes.put("io.citadel.cldb.cfg", Map.of("port", Integer.toString(cldbPort)));
    changes.put("io.citadel.fileserver.cfg", Map.of("data-dir", catalog.toString()));
    changes.put("io.citadel.loadbalancer.cfg", Map.of("check-interval-ms", "700"));
    changes.put("io.citadel.warden.cfg", Map.of("memory.total.mb", "20000"));
    changes.put("io.citadel.centralconfig.cfg", Map.of("settle-ms", "300"));
    changes.put("io.citadel.kafka.cfg", Map.of("retention-hours", "12"));
    Path disk = Files.createDirectories(base.resolve("node1-disk"));
    for (Map.Entry<String, Map<String, String>> change : changes.entrySet()) {
      String text = localCfg(n, change.getKey());
      for (Map.Entry<String, String> kv : change.getValue().entrySet()) {
        text = withKey(text, kv.getKey(), kv.getValue());
      }
      central("nodes/node1", change.getKey(), text);
    }
    // the example plugin has no file of its own here: the store gives it one
    changes.put("io.citadel.hoststats.cfg", Map.of());
    central(
        "nodes/node1",
        "io.citadel.hoststats.cfg",
        "sample.interval.sec = 1\ndisk.path = " + disk + "\n");
    try {
      String pulled = n.client("centralconfig:pull --no-format");
      for (String file : changes.keySet()) {
        assertTrue(
            pulled,
            pulled.matches(
                "(?s).*"
                    + Pattern.quote(file)
                    + "\\s*\tnodes/node1\\s*\t[0-9a-f]{16}\\s*\tinstalled.*"));
      }
      Duration applied = Duration.ofSeconds(20);
      Conditions.eventually(
          "the engine runs 1 worker thread",
          applied,
          () ->
              n.client("engine:status --no-format").matches("(?s).*Worker threads\\s*\t1\\s*\n.*"));
      Conditions.eventually(
          "the member refuses writes (read-only)", applied, () -> writeFails(n, "25006"));
      Conditions.eventually(
          "the CLDB's API answers on its new port " + cldbPort, applied, () -> answers(cldbPort));
      Conditions.eventually(
          "the fileserver keeps its catalog in " + catalog,
          applied,
          () -> n.client("fileserver:status --no-format").contains(catalog.toString()));
      Conditions.eventually(
          "the balancer checks every 700 ms",
          applied,
          () -> n.client("lb:stats --no-format").matches("(?s).*Checks\\s*\t[^\n]*700[^\n]*\n.*"));
      Conditions.eventually(
          "the Warden plans 20000 MiB",
          applied,
          () -> n.client("warden:memory").contains("Total 20000 MiB"));
      Conditions.eventually(
          "the puller settles for 300 ms",
          applied,
          () ->
              n.client("centralconfig:status --no-format")
                  .matches("(?s).*Settle time\\s*\t300 ms.*"));
      // the group's topic takes its retention from the broker's default, now 12 hours
      Conditions.eventually(
          "the running broker keeps the group's records 12 hours",
          applied,
          () -> topicSetting("retention.ms").startsWith("43200000 "));
      assertEquals(
          "the broker was not restarted", brokerPid, (long) n.servicePid("kafka").orElseThrow());
      Conditions.eventually(
          "hoststats samples " + disk,
          applied,
          () -> n.client("zk:get /citadel/ha-itest/nodes/node1").contains(disk.toString()));
      assertNothingRestarted(before);
    } finally {
      // writable again, the same way
      central(
          "nodes/node1",
          "io.citadel.replication.cfg",
          withKey(localCfg(n, "io.citadel.replication.cfg"), "ha-read-only", "false"));
      n.client("centralconfig:pull");
    }
    Conditions.eventually(
        "the member takes writes again", Duration.ofSeconds(20), () -> !writeFails(n, "25006"));
  }

  @Test
  public void f_aNewZooKeeperSessionTimeoutTakesEffectWithoutRestartingAnyBundle()
      throws Exception {
    CitadelNode n = node(1);
    long pid = n.pid().orElseThrow();
    String bundles = citadelBundles(n);
    Map<String, String> services = wardenServices(n);
    String engineId = identities().get("node1").serviceIds().get("engine");
    central(
        "nodes/node1",
        "io.citadel.coordination.cfg",
        withKey(localCfg(n, "io.citadel.coordination.cfg"), "session.timeout.ms", "8000"));
    String pulled = n.client("centralconfig:pull --no-format");
    assertTrue(
        pulled,
        pulled.matches(
            "(?s).*io.citadel.coordination.cfg\\s*\tnodes/node1\\s*\t[0-9a-f]{16}\\s*\tinstalled.*"));
    Conditions.eventually(
        "node1's ZooKeeper session asks for 8000 ms",
        Duration.ofSeconds(30),
        () -> n.client("zk:stat").matches("(?s).*Session timeout \\(asked\\)\\s*\\|\\s*8000 ms.*"));
    Conditions.eventually(
        "every service runs again, none restarted by the Warden:\n" + n.client("warden:list"),
        Duration.ofSeconds(60),
        () -> wardenServices(n).equals(services));
    cluster.awaitAllOnline(Duration.ofSeconds(60));
    assertEquals("the same JVM", pid, (long) n.pid().orElseThrow());
    assertEquals("the same bundles, all active", bundles, citadelBundles(n));
    assertEquals(
        "the engine's component was not restarted",
        engineId,
        identities().get("node1").serviceIds().get("engine"));
    // and the node's member writes through the group again, on the new session
    try (Connection c = HaCluster.connect(n);
        Statement st = c.createStatement()) {
      st.execute("INSERT INTO cc_probe VALUES (4)");
    }
    cluster.awaitAllOnline(Duration.ofSeconds(60));
    long rows = count(node(1), "cc_probe");
    for (CitadelNode m : nodes()) {
      assertEquals(m.name(), rows, count(m, "cc_probe"));
    }
  }

  // ------------------------------------------------------------------------------ helpers

  /** The Citadel bundles' ids, states and names. */
  private static String citadelBundles(CitadelNode n) throws Exception {
    StringBuilder b = new StringBuilder();
    for (String line : n.client("bundle:list --no-format").split("\n")) {
      if (line.contains("Citadel")) {
        b.append(line.strip()).append('\n');
      }
    }
    return b.toString();
  }

  /** Each service of {@code warden:list}: its state, what runs it and its restarts. */
  private static Map<String, String> wardenServices(CitadelNode n) throws Exception {
    Map<String, String> services = new TreeMap<>();
    for (String line : n.client("warden:list --no-format").split("\n")) {
      String[] c = line.split("\t");
      if (c.length >= 5 && !c[0].strip().equals("Service")) {
        services.put(c[0].strip(), c[1].strip() + " " + c[2].strip() + " restarts " + c[4].strip());
      }
    }
    return services;
  }

  /** Every JVM is the same, and every service that ran then runs as the same OSGi service. */
  private static void assertNothingRestarted(Map<String, Identity> before) throws Exception {
    Map<String, Identity> now = identities();
    for (Map.Entry<String, Identity> node : before.entrySet()) {
      Identity was = node.getValue();
      Identity is = now.get(node.getKey());
      assertEquals(node.getKey() + ": the same JVM", was.pid(), is.pid());
      for (Map.Entry<String, String> service : was.serviceIds().entrySet()) {
        assertEquals(
            node.getKey() + ": " + service.getKey() + " was not restarted",
            service.getValue(),
            is.serviceIds().get(service.getKey()));
      }
    }
  }

  /** {@code warden.hoststats.conf} as the distribution ships it. */
  private static String hoststatsConf() throws Exception {
    String distribution =
        Path.of(System.getProperty("citadel.distribution")).getFileName().toString();
    String version = distribution.replaceFirst("^citadel-", "").replaceFirst("\\.tar\\.gz$", "");
    return Files.readString(Path.of("..", "etc", "conf.d", "warden.hoststats.conf"))
        .replace("@project.version@", version);
  }

  /** A JVM and the OSGi service id of every Citadel service in it. */
  private record Identity(long pid, Map<String, String> serviceIds) {}

  private static final Pattern SERVICE_BLOCK =
      Pattern.compile("(?m)^\\[io\\.citadel\\.sdk\\.CitadelService[^\\n]*\\n((?:[- ][^\\n]*\\n)+)");

  private static Map<String, Identity> identities() throws Exception {
    Map<String, Identity> all = new TreeMap<>();
    for (CitadelNode n : nodes()) {
      Map<String, String> ids = new TreeMap<>();
      String out = n.client("service:list io.citadel.sdk.CitadelService");
      Matcher m = SERVICE_BLOCK.matcher(out);
      while (m.find()) {
        String name = value(m.group(1), "citadel.service.name");
        ids.put(name, value(m.group(1), "service.id"));
      }
      assertTrue(out, ids.size() >= 6);
      all.put(n.name(), new Identity(n.pid().orElseThrow(), ids));
    }
    return all;
  }

  private static String value(String block, String key) {
    Matcher m = Pattern.compile("(?m)^ " + Pattern.quote(key) + " = (.*)$").matcher(block);
    return m.find() ? m.group(1).strip() : "";
  }

  /** Writes a file into the store as an operator's copy would, then backdates nothing. */
  private static void central(String scope, String path, String text) throws Exception {
    Path target = store.resolve(scope).resolve(path);
    Files.createDirectories(target.getParent());
    Path temporary = target.resolveSibling("." + target.getFileName() + ".copying");
    Files.writeString(temporary, text, StandardCharsets.UTF_8);
    Files.move(
        temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * A node's {@code .cfg} as an operator would copy it into the store: without the Warden's keys.
   */
  private static String localCfg(CitadelNode n, String file) throws Exception {
    StringBuilder b = new StringBuilder();
    for (String line : Files.readAllLines(n.etc(file), StandardCharsets.UTF_8)) {
      String s = line.strip();
      if (!s.startsWith("citadel.") && !s.startsWith("# Set by this node's Warden")) {
        b.append(line).append('\n');
      }
    }
    return b.toString();
  }

  private static String withKey(String text, String key, String value) {
    Pattern line = Pattern.compile("(?m)^\\s*" + Pattern.quote(key) + "\\s*[=:].*$");
    Matcher m = line.matcher(text);
    if (m.find()) {
      return m.replaceAll(Matcher.quoteReplacement(key + " = " + value));
    }
    return text + (text.endsWith("\n") || text.isEmpty() ? "" : "\n") + key + " = " + value + "\n";
  }

  private static String algorithm(CitadelNode n) throws Exception {
    Matcher m =
        Pattern.compile("(?m)^Algorithm\\s*\t\\s*(\\S+)").matcher(n.client("lb:stats --no-format"));
    return m.find() ? m.group(1) : "(no lb:stats)";
  }

  private static long count(CitadelNode n, String table) throws Exception {
    try (Connection c = HaCluster.connect(n);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static boolean writeFails(CitadelNode n, String sqlState) throws Exception {
    try (Connection c = HaCluster.connect(n);
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO cc_probe VALUES (3)");
      return false;
    } catch (SQLException e) {
      if (sqlState.equals(e.getSQLState())) {
        return true;
      }
      throw e;
    }
  }

  /** A setting of the group's topic as the running broker reports it: value and source. */
  private static String topicSetting(String name) throws Exception {
    java.util.Properties p = new java.util.Properties();
    p.put(
        org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        cluster.brokers());
    p.put(org.apache.kafka.clients.admin.AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    p.put(org.apache.kafka.clients.admin.AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(p)) {
      org.apache.kafka.common.config.ConfigResource topic =
          new org.apache.kafka.common.config.ConfigResource(
              org.apache.kafka.common.config.ConfigResource.Type.TOPIC, HaCluster.GROUP);
      org.apache.kafka.clients.admin.ConfigEntry entry =
          admin
              .describeConfigs(List.of(topic))
              .all()
              .get(15, java.util.concurrent.TimeUnit.SECONDS)
              .get(topic)
              .get(name);
      String seen = entry == null ? "(none)" : entry.value() + " " + entry.source();
      System.out.println("[centralconfig-it] topic " + HaCluster.GROUP + " " + name + " = " + seen);
      return seen;
    }
  }

  private static boolean answers(int port) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/status"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }
}
