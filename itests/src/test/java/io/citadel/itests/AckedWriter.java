package io.citadel.itests;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A steady writer for fault tests, and the independent record of what it was told: it inserts one
 * row at a time, {@code (id, at)} with ids counting up, into {@code table} (which it creates
 * first), and remembers each id whose INSERT was acknowledged, with the moment. A write that fails
 * (the node went, the group refused it) is retried as the next id on a new connection, so an id is
 * in {@link #acked} exactly when the client saw it committed; the checker then asks every member
 * for all of them.
 */
public final class AckedWriter implements AutoCloseable {

  /** Opens a connection to a target the test names ({@code host:port}, say). */
  @FunctionalInterface
  public interface Connector {
    Connection connect(String target) throws Exception;
  }

  private final ConcurrentSkipListMap<Integer, Long> acked = new ConcurrentSkipListMap<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final Thread thread;

  /**
   * Creates the table through {@code target}'s first answer and starts writing.
   *
   * @param target where to write now; asked before every INSERT, a new answer moves the writer
   */
  public AckedWriter(String table, Supplier<String> target, Connector connector) throws Exception {
    try (Connection c = connector.connect(target.get());
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, at BIGINT)");
    }
    thread = new Thread(() -> write(table, target, connector), "acked-writer-" + table);
    thread.start();
  }

  private void write(String table, Supplier<String> target, Connector connector) {
    int next = 0;
    Connection c = null;
    String at = null;
    while (!stop.get()) {
      try {
        String now = target.get();
        if (c == null || !now.equals(at)) {
          closeQuietly(c);
          c = connector.connect(now);
          at = now;
        }
        try (Statement s = c.createStatement()) {
          s.executeUpdate(
              "INSERT INTO "
                  + table
                  + " VALUES ("
                  + next
                  + ", "
                  + System.currentTimeMillis()
                  + ")");
        }
        acked.put(next, System.nanoTime());
      } catch (Exception e) {
        closeQuietly(c);
        c = null;
        sleepQuietly(100);
      }
      next++;
    }
    closeQuietly(c);
  }

  /** The acknowledged ids, each with the {@link System#nanoTime} of its acknowledgement. */
  public NavigableMap<Integer, Long> acked() {
    return acked;
  }

  /** Waits until {@code count} writes in all were acknowledged. */
  public void awaitAcked(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (acked.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "only " + acked.size() + " writes acknowledged, waited for " + count);
      }
      Thread.sleep(50);
    }
  }

  /** Waits for {@code more} acknowledgements beyond those there are now. */
  public void awaitMore(int more, Duration timeout) throws InterruptedException {
    awaitAcked(acked.size() + more, timeout);
  }

  /** Milliseconds from {@code since} (nanoTime) to the first acknowledgement after it. */
  public long firstAckAfterMs(long since) {
    return (acked.values().stream().filter(t -> t > since).min(Long::compare).orElseThrow() - since)
        / 1_000_000;
  }

  /** The longest wait, in ms, between acknowledgements (the first counted from {@code since}). */
  public long longestWaitAfterMs(long since) {
    List<Long> times = new ArrayList<>(acked.values());
    times.sort(Long::compare);
    long last = since;
    long max = 0;
    for (long t : times) {
      if (t > since) {
        max = Math.max(max, t - last);
        last = t;
      }
    }
    return max / 1_000_000;
  }

  /**
   * Checks that every member ({@code targets}, one per member) holds every acknowledged write of
   * {@code table}, waiting up to {@code timeout} for members that catch up, and that they hold the
   * same rows; prints what each holds.
   */
  public void assertHeldBy(
      String table, List<String> targets, Connector connector, Duration timeout)
      throws InterruptedException {
    java.util.Set<Integer> want = new java.util.TreeSet<>(acked.keySet());
    long deadline = System.nanoTime() + timeout.toNanos();
    java.util.Set<Integer> first = null;
    for (String target : targets) {
      java.util.Set<Integer> have = java.util.Set.of();
      while (System.nanoTime() < deadline) {
        have = ids(table, target, connector);
        if (have.containsAll(want)) {
          break;
        }
        Thread.sleep(500);
      }
      java.util.Set<Integer> missing = new java.util.TreeSet<>(want);
      missing.removeAll(have);
      if (!missing.isEmpty()) {
        throw new AssertionError(target + " lacks acknowledged writes " + missing);
      }
      System.out.printf(
          "%s holds all %d acknowledged writes (%d rows)%n", target, want.size(), have.size());
      if (first == null) {
        first = have;
      } else if (!first.equals(have)) {
        throw new AssertionError(target + " holds other rows than " + targets.get(0));
      }
    }
  }

  private static java.util.Set<Integer> ids(String table, String target, Connector connector) {
    java.util.Set<Integer> ids = new java.util.TreeSet<>();
    try (Connection c = connector.connect(target);
        Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT id FROM " + table)) {
      while (rs.next()) {
        ids.add(rs.getInt(1));
      }
    } catch (Exception e) {
      return java.util.Set.of();
    }
    return ids;
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    thread.join(120_000);
  }

  private static void closeQuietly(Connection c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (SQLException ignored) {
      // going anyway
    }
  }

  static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
