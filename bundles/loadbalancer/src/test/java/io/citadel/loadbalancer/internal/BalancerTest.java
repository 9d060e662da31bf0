package io.citadel.loadbalancer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Choosing servers: each algorithm, health, draining, and retries that never go back. */
class BalancerTest {
  private final Balancer balancer = new Balancer();

  private static Backend up(String id) {
    Backend b = new Backend(id, "127.0.0.1:" + (5000 + id.hashCode() % 100), "");
    b.passed(1);
    return b;
  }

  private Map<String, Integer> spread(Algorithm a, List<Backend> bs, String key, int n) {
    Map<String, Integer> count = new HashMap<>();
    for (int i = 0; i < n; i++) {
      count.merge(balancer.choose(a, bs, key, Set.of(), k -> Set.of()).id(), 1, Integer::sum);
    }
    return count;
  }

  @Test
  void membersNotApplyingTheLogGetSessionsOnlyWhileNoneDoes() {
    Backend a = up("a");
    Backend b = up("b");
    a.groupState("ONLINE");
    b.groupState("CATCHING_UP");
    List<Backend> bs = List.of(a, b);
    for (Algorithm alg : Algorithm.values()) {
      assertEquals(Map.of("a", 20), spread(alg, bs, "t", 20), alg.name());
    }
    a.groupState("LOG_UNREACHABLE");
    assertEquals(2, spread(Algorithm.ROUND_ROBIN, bs, null, 20).size());
    assertTrue(up("fixed").ready()); // a server from the settings has no group state
  }

  @Test
  void roundRobinAndLeastConnectionsShareTheWork() {
    List<Backend> bs = List.of(up("a"), up("b"), up("c"));
    assertEquals(Map.of("a", 10, "b", 10, "c", 10), spread(Algorithm.ROUND_ROBIN, bs, null, 30));
    assertEquals(
        Map.of("a", 10, "b", 10, "c", 10), spread(Algorithm.LEAST_CONNECTIONS, bs, null, 30));
    bs.get(0).sessions.addAndGet(5);
    bs.get(1).sessions.addAndGet(1);
    assertEquals(
        "c", balancer.choose(Algorithm.LEAST_CONNECTIONS, bs, null, Set.of(), k -> Set.of()).id());
  }

  @Test
  void localityKeepsATableOnOneServerAndMovesOnlyItsKeysWhenItGoes() {
    List<Backend> bs = List.of(up("a"), up("b"), up("c"));
    Map<String, String> home = new HashMap<>();
    for (int t = 0; t < 30; t++) {
      Map<String, Integer> s = spread(Algorithm.LOCALITY, bs, "table" + t, 10);
      assertEquals(1, s.size(), "one server for table" + t);
      home.put("table" + t, s.keySet().iterator().next());
    }
    assertEquals(3, new HashSet<>(home.values()).size(), "the tables spread over the servers");
    Backend gone = bs.get(1);
    gone.failed(1, "killed");
    for (var e : home.entrySet()) {
      String now =
          balancer.choose(Algorithm.LOCALITY, bs, e.getKey(), Set.of(), k -> Set.of()).id();
      if (e.getValue().equals("b")) {
        assertNotEquals("b", now);
      } else {
        assertEquals(e.getValue(), now, e.getKey() + " stays where it was");
      }
    }
    // the CLDB knows where the table is: only those servers are candidates
    Backend c = bs.get(2);
    assertEquals(
        "c",
        balancer.choose(Algorithm.LOCALITY, bs, "t", Set.of(), k -> Set.of(c.pgAddress())).id());
  }

  @Test
  void downDrainingAndTriedServersGetNoWork() {
    Backend a = up("a");
    Backend b = up("b");
    Backend fresh = new Backend("new", "127.0.0.1:1", "");
    List<Backend> bs = List.of(a, b, fresh);
    assertTrue(!fresh.eligible(), "a new server waits for its rise checks");
    b.draining(true);
    assertEquals(Map.of("a", 6), spread(Algorithm.ROUND_ROBIN, bs, null, 6));
    assertNull(balancer.choose(Algorithm.ROUND_ROBIN, bs, null, Set.of(a), k -> Set.of()));
    // fall: two failures in a row; a pass between them resets the count
    a.failed(2, "x");
    a.passed(2);
    a.failed(2, "x");
    assertTrue(a.eligible());
    a.failed(2, "x");
    assertTrue(!a.eligible());
    a.passed(2);
    assertTrue(!a.eligible(), "rise: one pass is not enough");
    a.passed(2);
    assertTrue(a.eligible());
  }
}
