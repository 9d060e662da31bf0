package io.citadel.loadbalancer.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** Chooses the server for a new session or request among those that take work. */
final class Balancer {
  private final AtomicLong turn = new AtomicLong();

  /**
   * The server for work with {@code key} (a table or session key; null for none), not one of {@code
   * tried}, or null when none takes work.
   *
   * @param holders the pg addresses of the servers holding the key's table, as the CLDB knows them;
   *     empty when it does not know
   */
  Backend choose(
      Algorithm algorithm,
      Collection<Backend> backends,
      String key,
      Set<Backend> tried,
      Function<String, Set<String>> holders) {
    List<Backend> eligible = new ArrayList<>();
    for (Backend b : backends) {
      if (b.eligible() && !tried.contains(b)) {
        eligible.add(b);
      }
    }
    if (eligible.isEmpty()) {
      return null;
    }
    // members whose replication is not applying the log yet only while none is
    List<Backend> ready = eligible.stream().filter(Backend::ready).toList();
    if (!ready.isEmpty()) {
      eligible = new ArrayList<>(ready);
    }
    eligible.sort(Comparator.comparing(Backend::id));
    switch (algorithm) {
      case ROUND_ROBIN:
        return eligible.get((int) Math.floorMod(turn.getAndIncrement(), (long) eligible.size()));
      case LOCALITY:
        if (key != null) {
          Set<String> where = holders.apply(key);
          List<Backend> candidates = eligible;
          if (!where.isEmpty()) {
            List<Backend> holding =
                eligible.stream().filter(b -> where.contains(b.pgAddress())).toList();
            if (!holding.isEmpty()) {
              candidates = holding;
            }
          }
          return highestScore(key, candidates);
        }
        return leastLoaded(eligible);
      case LEAST_CONNECTIONS:
      default:
        return leastLoaded(eligible);
    }
  }

  private Backend leastLoaded(List<Backend> eligible) {
    // ties go round: equal servers share the work instead of the first taking it all
    int start = (int) Math.floorMod(turn.getAndIncrement(), (long) eligible.size());
    Backend best = null;
    for (int i = 0; i < eligible.size(); i++) {
      Backend b = eligible.get((start + i) % eligible.size());
      if (best == null || b.load() < best.load()) {
        best = b;
      }
    }
    return best;
  }

  /**
   * Rendezvous hashing: every key has its own order of servers, so a key stays on its server while
   * that server is up, and when it goes only its keys move.
   */
  static Backend highestScore(String key, List<Backend> candidates) {
    Backend best = null;
    long bestScore = Long.MIN_VALUE;
    for (Backend b : candidates) {
      long score = mix(key.hashCode() * 0x9E3779B97F4A7C15L ^ b.id().hashCode());
      if (best == null || score > bestScore) {
        best = b;
        bestScore = score;
      }
    }
    return best;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
