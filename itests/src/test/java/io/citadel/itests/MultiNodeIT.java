package io.citadel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Three Citadel nodes (three JVMs, separate data folders, loopback) on one ZooKeeper server. A
 * singleton service runs on exactly one; killing that node with kill -9 moves it to another; at no
 * sampled instant do two nodes report it running.
 *
 * <p>The tests share one cluster (each start of three nodes costs a minute of CI): each leaves
 * every node running with its settings as it found them, and each begins by starting any node a
 * failed test left down.
 */
public class MultiNodeIT {

  private static final int SESSION_TIMEOUT_MS = 6_000;

  private static SingletonCluster cluster;

  @BeforeClass
  public static void startCluster() throws Exception {
    Path base =
        Files.createTempDirectory(
            Files.createDirectories(Path.of("target", "cluster-it")).toAbsolutePath(), "cluster");
    cluster =
        SingletonCluster.start(
            Path.of(System.getProperty("citadel.distribution")), base, 3, SESSION_TIMEOUT_MS);
  }

  @AfterClass
  public static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Every node runs before a test (one that failed may have left a node killed). */
  @Before
  public void everyNodeRuns() throws Exception {
    for (CitadelNode node : cluster.nodes()) {
      if (!node.running()) {
        node.start(Duration.ofSeconds(180));
      }
    }
  }

  @Test
  public void aSingletonRunsOnOneNodeAndMovesWhenThatNodeIsKilled() throws Exception {
    String first = cluster.awaitSingleRunner(Duration.ofSeconds(120));
    try (SingletonCluster.Sampler sampler = cluster.sample(Duration.ofMillis(20))) {
      // The others stand by.
      for (CitadelNode node : cluster.nodes()) {
        String list = node.client("warden:list --no-format");
        String expected = node.name().equals(first) ? "running" : "standby";
        assertTrue(
            node.name() + ": " + list, list.matches("(?s).*single\\s*\t" + expected + "\\s*\t.*"));
      }

      long killedAt = cluster.node(first).kill9();
      String second = cluster.awaitRunnerOtherThan(first, Duration.ofSeconds(60));
      long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      assertNotEquals(first, second);
      System.out.printf(
          "singleton failover %s -> %s in %d ms (session timeout %d ms)%n",
          first, second, failoverMs, SESSION_TIMEOUT_MS);
      assertTrue("failover took " + failoverMs + " ms", failoverMs < SESSION_TIMEOUT_MS + 5_000);

      // The killed node comes back as standby, not as a second runner.
      cluster.node(first).start(Duration.ofSeconds(120));
      cluster.awaitState(first, "standby", Duration.ofSeconds(60));
      assertEquals(List.of(second), cluster.runners());

      sampler.assertNeverMoreThanOne();
      assertTrue("sampled " + sampler.samples() + " times", sampler.samples() > 100);
    }
  }

  @Test
  public void aServiceCountedTwoRunsOnTwoNodesAndTheThirdTakesOverAKilledOne() throws Exception {
    List<String> pair = cluster.awaitRunners(SingletonCluster.PAIR, 2, Duration.ofSeconds(120));
    String spare =
        cluster.nodes().stream()
            .map(CitadelNode::name)
            .filter(name -> !pair.contains(name))
            .findFirst()
            .orElseThrow();
    assertEquals(List.of(spare), cluster.hostsIn(SingletonCluster.PAIR, "standby"));

    cluster.node(pair.get(0)).kill9();
    // The dead node's status znode says running until its session expires; then the spare
    // takes the freed slot.
    java.util.Set<String> expected = java.util.Set.of(pair.get(1), spare);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!expected.equals(
        java.util.Set.copyOf(cluster.hostsIn(SingletonCluster.PAIR, "running")))) {
      assertTrue(
          "the spare did not take the freed slot: "
              + cluster.hostsIn(SingletonCluster.PAIR, "running"),
          System.nanoTime() < deadline);
      assertTrue(
          "more than two ran at once",
          cluster.hostsIn(SingletonCluster.PAIR, "running").size() <= 2);
      Thread.sleep(20);
    }
    // the killed node back, for the tests that follow on this cluster
    cluster.node(pair.get(0)).start(Duration.ofSeconds(180));
    cluster.awaitRunners(SingletonCluster.PAIR, 2, Duration.ofSeconds(60));
  }

  /**
   * A session move (the node's coordination settings changed live: a new client and session, the
   * old one closed): the singleton's claim moves to the new session in one ZooKeeper transaction
   * while the old session still holds it, so the same process runs on and no other node starts the
   * service. Every node's live singleton processes are sampled every 20 ms.
   */
  @Test
  public void aSessionMoveKeepsTheSingletonWhereItRunsAndStartsItNowhereElse() throws Exception {
    String runner = cluster.awaitSingleRunner(Duration.ofSeconds(120));
    CitadelNode node = cluster.node(runner);
    long pid = node.servicePid(SingletonCluster.SERVICE).orElseThrow();
    ProcessSampler sampler = new ProcessSampler(cluster);
    try {
      String moved = Integer.toString(SESSION_TIMEOUT_MS + 1_000);
      node.cfg("io.citadel.coordination.cfg", java.util.Map.of("session.timeout.ms", moved));
      Conditions.eventually(
          runner + " on a new session",
          Duration.ofSeconds(60),
          () -> node.client("zk:stat").contains(moved + " ms"));
      // the old session is closed by now; give anything that would take over time to do it
      Thread.sleep(2L * SESSION_TIMEOUT_MS);
    } finally {
      sampler.close();
    }
    System.out.printf("session move on %s: %s%n", runner, sampler);
    sampler.assertNeverTwo();
    assertTrue("the process that ran before the move runs on", running(pid));
    Conditions.within(
        "only " + runner + " reported running",
        Duration.ofSeconds(10),
        () -> List.of(runner).equals(cluster.runners()));
    // the session timeout the other tests count on, with another move
    String back = Integer.toString(SESSION_TIMEOUT_MS);
    node.cfg("io.citadel.coordination.cfg", java.util.Map.of("session.timeout.ms", back));
    Conditions.eventually(
        runner + " back on a " + back + " ms session",
        Duration.ofSeconds(60),
        () -> node.client("zk:stat").contains(back + " ms"));
  }

  @Test
  public void aSingletonWhoseSessionIsSuspendedStopsBeforeTheSessionCanExpire() throws Exception {
    String runner = cluster.awaitSingleRunner(Duration.ofSeconds(120));
    long pid = cluster.node(runner).servicePid(SingletonCluster.SERVICE).orElseThrow();
    ProcessHandle instance = ProcessHandle.of(pid).orElseThrow();

    // ZooKeeper goes away: every node is suspended and nobody can know who holds the slot.
    long outage = System.nanoTime();
    cluster.stopZooKeeper();
    instance.onExit().get(SESSION_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    long stoppedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outage);
    System.out.printf(
        "suspended singleton stopped %d ms after ZooKeeper went away (session timeout %d ms)%n",
        stoppedMs, SESSION_TIMEOUT_MS);
    assertTrue("stopped after " + stoppedMs + " ms", stoppedMs < SESSION_TIMEOUT_MS);

    // ZooKeeper is back within the session timeout: the sessions survive and the holder of
    // the master znode runs the service again; nobody else does.
    cluster.startZooKeeper();
    try (SingletonCluster.Sampler sampler = cluster.sample(Duration.ofMillis(20))) {
      String again = cluster.awaitSingleRunner(Duration.ofSeconds(60));
      assertEquals(runner, again);
      // Safety, checked all along: no other node reports it running.
      Conditions.holdsFor(
          "no node but " + runner + " runs " + SingletonCluster.SERVICE,
          Duration.ofSeconds(2),
          () -> cluster.statuses(SingletonCluster.SERVICE),
          statuses ->
              statuses.entrySet().stream()
                  .noneMatch(
                      e ->
                          !e.getKey().equals(runner)
                              && e.getValue().contains("\"state\":\"running\"")));
      // The published status catches up within a bound: right after a ZooKeeper server
      // restart it has been seen to show a node's first document for about a second.
      Conditions.within(
          "only " + runner + " reported running",
          Duration.ofSeconds(10),
          () -> List.of(runner).equals(cluster.runners()));
      sampler.assertNeverMoreThanOne();
    }
  }

  /**
   * The runner's Karaf JVM frozen (SIGSTOP) for 1.5 session timeouts: its Warden stops nothing, but
   * the service's lease guard, a process outside the JVM, kills it when the lease (half the session
   * timeout from the last confirmed ZooKeeper round trip) runs out, before the session can expire
   * and another node start it. Every node's live singleton processes are sampled every 20 ms.
   */
  @Test
  public void aSingletonOnAFrozenNodeIsStoppedByItsLeaseGuardBeforeAnotherNodeStartsIt()
      throws Exception {
    String runner = cluster.awaitSingleRunner(Duration.ofSeconds(120));
    CitadelNode node = cluster.node(runner);
    long karaf = node.pid().orElseThrow();
    long service = node.servicePid(SingletonCluster.SERVICE).orElseThrow();
    ProcessSampler sampler = new ProcessSampler(cluster);
    long stoppedMs;
    String successor;
    try {
      signal("STOP", karaf);
      long frozenAt = System.nanoTime();
      try {
        // the guard's parent, the frozen JVM, cannot reap it: it ends as a zombie
        while (running(service)) {
          assertTrue(
              "the service runs on " + SESSION_TIMEOUT_MS + " ms into the freeze",
              System.nanoTime() - frozenAt < TimeUnit.MILLISECONDS.toNanos(SESSION_TIMEOUT_MS));
          Thread.sleep(20);
        }
        stoppedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt);
        Thread.sleep(
            Math.max(
                0,
                SESSION_TIMEOUT_MS * 3L / 2
                    - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt)));
      } finally {
        signal("CONT", karaf);
      }
      successor = cluster.awaitRunnerOtherThan(runner, Duration.ofSeconds(60));
      cluster.awaitState(runner, "standby", Duration.ofSeconds(60));
    } finally {
      sampler.close();
    }
    System.out.printf(
        "%s frozen %d ms: its singleton stopped by its lease guard %d ms into the freeze, %s took"
            + " over; %s%n",
        runner, SESSION_TIMEOUT_MS * 3 / 2, stoppedMs, successor, sampler);
    assertTrue("stopped " + stoppedMs + " ms into the freeze", stoppedMs < SESSION_TIMEOUT_MS);
    sampler.assertNeverTwo();
    assertEquals(List.of(successor), cluster.runners());
  }

  /**
   * Whether a process runs: it exists and is not a zombie (an exited child whose parent, frozen,
   * has not reaped it, which ProcessHandle still calls alive).
   */
  private static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (java.io.IOException | RuntimeException gone) {
      return false;
    }
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
    assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
    assertEquals("kill -" + signal + " " + pid, 0, kill.exitValue());
  }

  /** Samples, every 20 ms, which nodes have a live process of the singleton service. */
  private static final class ProcessSampler implements AutoCloseable {
    private final java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong samples =
        new java.util.concurrent.atomic.AtomicLong();
    private final List<String> twice = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread thread;

    ProcessSampler(SingletonCluster cluster) {
      thread = new Thread(() -> run(cluster), "singleton-process-sampler");
      thread.start();
    }

    private void run(SingletonCluster cluster) {
      while (!stop.get()) {
        List<String> live = new java.util.ArrayList<>();
        for (CitadelNode n : cluster.nodes()) {
          try {
            if (n.servicePid(SingletonCluster.SERVICE).map(MultiNodeIT::running).orElse(false)) {
              live.add(n.name());
            }
          } catch (Exception e) {
            // a pid file being written: not a sample
          }
        }
        samples.incrementAndGet();
        if (live.size() > 1) {
          twice.add(live.toString());
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void assertNeverTwo() {
      assertTrue("samples: " + samples.get(), samples.get() > 100);
      assertEquals("two nodes ran " + SingletonCluster.SERVICE + ": " + twice, 0, twice.size());
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join(5_000);
    }

    @Override
    public String toString() {
      return samples.get()
          + " samples of every node's singleton process, "
          + twice.size()
          + " with two";
    }
  }
}
