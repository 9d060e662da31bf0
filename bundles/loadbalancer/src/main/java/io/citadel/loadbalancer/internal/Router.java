package io.citadel.loadbalancer.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citadel.coordination.Coordination;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Picks the server for new work by the algorithm in force (which can change live), and knows from
 * the CLDB which servers hold a table. The CLDB is asked in the background, at most once every few
 * seconds a table, so routing never waits on it: until it answers, a table's key picks among all
 * servers.
 */
final class Router {
  private static final long HOLDERS_TTL_MS = 5_000;

  private record Holders(Set<String> addresses, long at) {}

  private final Backends backends;
  private final Balancer balancer = new Balancer();
  private final Coordination coordination;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final Map<String, Holders> holders = new ConcurrentHashMap<>();
  private final Set<String> asking = ConcurrentHashMap.newKeySet();
  private volatile Algorithm algorithm;

  Router(Backends backends, Coordination coordination, Algorithm algorithm) {
    this.backends = backends;
    this.coordination = coordination;
    this.algorithm = algorithm;
  }

  Algorithm algorithm() {
    return algorithm;
  }

  void algorithm(Algorithm a) {
    this.algorithm = a;
  }

  Backends backends() {
    return backends;
  }

  /** The server for work keyed by {@code key} (null: none), not one of {@code tried}; or null. */
  Backend choose(String key, Set<Backend> tried) {
    return balancer.choose(algorithm, backends.all(), key, tried, this::holdersOf);
  }

  Backend choose(String key) {
    return choose(key, new HashSet<>());
  }

  private Set<String> holdersOf(String table) {
    Holders h = holders.get(table);
    long now = System.currentTimeMillis();
    if ((h == null || now - h.at() > HOLDERS_TTL_MS) && asking.add(table)) {
      java.util.concurrent.CompletableFuture.runAsync(() -> ask(table));
    }
    return h == null ? Set.of() : h.addresses();
  }

  /** Asks the master CLDB where the table's containers live; a failure leaves the last answer. */
  private void ask(String table) {
    try {
      JsonNode master =
          json.readTree(
              coordination
                  .curator()
                  .getData()
                  .forPath(coordination.clusterPath("masters", "cldb")));
      String address = master.path("address").asText("");
      if (address.isEmpty()) {
        return;
      }
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://"
                              + address
                              + "/v1/lookup?table="
                              + URLEncoder.encode(table, StandardCharsets.UTF_8)))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      Set<String> where = new HashSet<>();
      if (r.statusCode() == 200) {
        for (JsonNode location : json.readTree(r.body())) {
          for (JsonNode a : location.path("liveAddresses")) {
            where.add(a.asText());
          }
        }
      }
      holders.put(table, new Holders(Set.copyOf(where), System.currentTimeMillis()));
    } catch (Exception e) {
      // no CLDB now: keep what was known
    } finally {
      asking.remove(table);
    }
  }
}
