package io.citadel.engine.internal.sql;

import io.citadel.engine.api.LoggedStatement;
import io.citadel.engine.api.Outcome;
import io.citadel.engine.api.WriteRouter;
import io.citadel.engine.internal.auth.UserStore;
import io.citadel.engine.internal.storage.ColumnCache;
import io.citadel.engine.internal.storage.StagedSnapshot;
import io.citadel.engine.internal.storage.Store;
import io.citadel.engine.internal.types.SqlException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The database: storage, the worker pool queries run on, and the sessions using it. Independent of
 * OSGi, so tests and benchmarks embed it directly.
 */
public final class Engine implements Closeable {
  /**
   * Settings fixed for the engine's life, except where a setter exists.
   *
   * @param queryMemoryBytes what one query may hold on the heap (see {@link
   *     io.citadel.engine.internal.exec.QueryMemory})
   * @param queryMemoryRule where that limit comes from, as the error names it
   */
  public record Options(
      int threads,
      int fragmentSize,
      long cacheBytes,
      long checkpointBytes,
      long maxReject,
      long queryMemoryBytes,
      String queryMemoryRule) {
    /** Options whose query memory limit is a quarter of the JVM's heap. */
    public Options(
        int threads, int fragmentSize, long cacheBytes, long checkpointBytes, long maxReject) {
      this(
          threads,
          fragmentSize,
          cacheBytes,
          checkpointBytes,
          maxReject,
          Runtime.getRuntime().maxMemory() / 4,
          "a quarter of the JVM heap");
    }

    public static Options defaults() {
      return new Options(
          Runtime.getRuntime().availableProcessors(), 32_000_000, 1L << 30, 64L << 20, 100_000);
    }

    /** The same options with another query memory limit. */
    public Options withQueryMemory(long bytes, String rule) {
      return new Options(
          threads, fragmentSize, cacheBytes, checkpointBytes, maxReject, bytes, rule);
    }
  }

  private final Store store;
  private final UserStore users;
  private final ExecutorService pool;
  private volatile Options options;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Map<Long, Session> sessions = new ConcurrentHashMap<>();
  private final AtomicLong sessionIds = new AtomicLong();
  private final AtomicLong statements = new AtomicLong();
  private final ReentrantLock applyLock = new ReentrantLock();
  private volatile WriteRouter writeRouter;
  private volatile SpaceGuard spaceGuard;

  /**
   * Judges whether a write of about so many bytes fits: the fileserver, which knows the quota of
   * the volume this database's fragments belong to.
   */
  @FunctionalInterface
  public interface SpaceGuard {
    /**
     * @throws SqlException when the write must be refused, saying why
     */
    void admit(long bytes);
  }

  private Engine(Store store, UserStore users, Options options) {
    this.store = store;
    store.setRowCheck(new CheckConstraints(store));
    this.users = users;
    this.options = options;
    AtomicInteger n = new AtomicInteger();
    ThreadFactory tf =
        r -> {
          Thread t = new Thread(r, "citadel-engine-worker-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.pool = Executors.newCachedThreadPool(tf);
  }

  /** Opens (recovering) the database in {@code dataDir}. */
  public static Engine open(Path dataDir, Options options) throws IOException {
    Store store =
        Store.open(dataDir, new ColumnCache(options.cacheBytes()), options.checkpointBytes());
    try {
      return new Engine(store, UserStore.open(store, dataDir), options);
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  public Store store() {
    return store;
  }

  /** The users that may connect, with their SCRAM verifiers. */
  public UserStore users() {
    return users;
  }

  public Options options() {
    return options;
  }

  /** Changes the settings that can change live: threads, cache budget, default fragment size. */
  public void reconfigure(Options o) {
    this.options = o;
    store.cache().setBudget(o.cacheBytes());
  }

  ExecutorService pool() {
    return pool;
  }

  ReentrantLock writeLock() {
    return writeLock;
  }

  /** How long a client's write waits for another session's transaction to end. */
  static final long LOCK_TIMEOUT_MS = 30_000;

  /**
   * Takes the lock that lets one session write at a time. A client's statement waits at most {@link
   * #LOCK_TIMEOUT_MS} for another session's open transaction and then fails with 55P03; the HA
   * group's applier ({@code applying}) waits as long as it takes, since it may not skip a record.
   */
  void lockWrites(boolean applying) {
    if (applying) {
      writeLock.lock();
      return;
    }
    try {
      if (!writeLock.tryLock(LOCK_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        throw new SqlException(
            "55P03",
            "canceling statement due to lock timeout: another session's transaction has been"
                + " writing for more than "
                + LOCK_TIMEOUT_MS / 1000
                + " s (one transaction writes at a time)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SqlException(SqlException.QUERY_CANCELED, "canceling statement: interrupted");
    }
  }

  void countStatement() {
    statements.incrementAndGet();
  }

  public long statementsRun() {
    return statements.get();
  }

  /** Where state-changing statements go instead of running here; null runs them here. */
  public void setWriteRouter(WriteRouter router) {
    this.writeRouter = router;
  }

  public WriteRouter writeRouter() {
    return writeRouter;
  }

  /** What judges whether a client's write fits its volume's quota; null admits every write. */
  public void setSpaceGuard(SpaceGuard guard) {
    this.spaceGuard = guard;
  }

  SpaceGuard spaceGuard() {
    return spaceGuard;
  }

  private static final String GROUP_KEY = "ha.group";

  /**
   * Marks this database as a member of an HA group (durably), or clears the mark with an empty
   * name. A member whose router is missing refuses writes instead of running them here, where they
   * would reach no other member.
   */
  public void setGroup(String group) {
    if (!group.equals(group())) {
      store.putMeta(GROUP_KEY, group);
    }
  }

  /** The HA group this database belongs to, or "". */
  public String group() {
    String g = store.meta(GROUP_KEY);
    return g == null ? "" : g;
  }

  /** The store's key for the last applied offset of a log. */
  static String offsetKey(String log) {
    return "log." + log + ".offset";
  }

  /** The store's key for what the log's reader keeps with that offset. */
  static String markKey(String log) {
    return "log." + log + ".mark";
  }

  /** What was stored with the last applied offset of {@code log}, or "". */
  public String appliedMark(String log) {
    String v = store.meta(markKey(log));
    return v == null ? "" : v;
  }

  /** The last offset of {@code log} applied here, or -1. */
  public long appliedOffset(String log) {
    String v = store.meta(offsetKey(log));
    return v == null ? -1 : Long.parseLong(v);
  }

  /**
   * Applies one statement of a log, its offset stored in the same durable write as its data. A
   * statement that fails is recorded at its offset like one that succeeds.
   */
  public Outcome apply(String log, long offset, LoggedStatement statement) {
    return apply(log, offset, "", statement);
  }

  /**
   * {@link #apply(String, long, LoggedStatement)}, keeping {@code mark} with the offset in the same
   * durable write.
   */
  public Outcome apply(String log, long offset, String mark, LoggedStatement statement) {
    applyLock.lock();
    try {
      checkNext(log, offset);
      String key = statement.idempotencyKey();
      String at = Long.toString(offset);
      if (!key.isEmpty()) {
        String first = store.meta(IDEMPOTENCY_PREFIX + key);
        if (first != null) {
          store.putMeta(Map.of(offsetKey(log), at, markKey(log), mark));
          return repeated(key, log, first);
        }
      }
      Session session = new Session(this, 0, statement.user());
      if (!statement.timeZone().isEmpty()) {
        // the writer's zone: a timestamptz without an offset means on every member what it did
        // there
        session.settings().put("timezone", statement.timeZone());
      }
      // the key is recorded in the same write as the data: a crash keeps both or neither
      Map<String, String> stamp =
          key.isEmpty()
              ? Map.of(offsetKey(log), at, markKey(log), mark)
              : Map.of(offsetKey(log), at, markKey(log), mark, IDEMPOTENCY_PREFIX + key, at);
      Outcome outcome =
          store.stamped(
              stamp,
              () -> {
                try {
                  QueryResult r =
                      Session.guarded(
                          statement.sql(),
                          () -> session.executeAt(statement.sql(), statement.clockMillis()));
                  return Outcome.succeeded(r.tag(), r.notices());
                } catch (SqlException e) {
                  return Outcome.failed(e.sqlState(), e.getMessage());
                }
              });
      if (!key.isEmpty()) {
        // what a repeat of the key answers: this outcome
        store.putMeta(IDEMPOTENCY_PREFIX + key, at + "\t" + encode(outcome));
      }
      return outcome;
    } finally {
      applyLock.unlock();
    }
  }

  /** Where a statement's idempotency key is recorded, with its offset and outcome. */
  static final String IDEMPOTENCY_PREFIX = "idempotency.";

  private static String encode(Outcome o) {
    return o.isFailure()
        ? "F\t" + o.sqlState() + "\t" + o.error().replace('\t', ' ')
        : "S\t" + o.tag().replace('\t', ' ');
  }

  /** The answer to a statement whose key was applied before: that statement's outcome. */
  private static Outcome repeated(String key, String log, String recorded) {
    String[] f = recorded.split("\t", 4);
    String notice =
        "idempotency key \""
            + key
            + "\" was applied at offset "
            + f[0]
            + " of "
            + log
            + "; this repeat was not applied";
    if (f.length >= 4 && f[1].equals("F")) {
      return Outcome.failed(f[2], f[3]);
    }
    return Outcome.succeeded(f.length >= 3 ? f[2] : "OK", List.of(notice));
  }

  /**
   * Runs {@code work}, whose applies and skips reach the device together when it returns: one force
   * for a whole batch of log records instead of one each.
   */
  public <T> T groupCommit(Supplier<T> work) {
    return store.groupCommit(work);
  }

  /** Records an offset of a log as passed over, without running anything. */
  public void skip(String log, long offset) {
    skip(log, offset, "");
  }

  /** {@link #skip(String, long)}, keeping {@code mark} with the offset. */
  public void skip(String log, long offset, String mark) {
    applyLock.lock();
    try {
      checkNext(log, offset);
      store.putMeta(Map.of(offsetKey(log), Long.toString(offset), markKey(log), mark));
    } finally {
      applyLock.unlock();
    }
  }

  private void checkNext(String log, long offset) {
    long applied = appliedOffset(log);
    if (offset <= applied) {
      throw new IllegalStateException(
          "offset "
              + offset
              + " of "
              + log
              + " was applied already (applied up to "
              + applied
              + ")");
    }
  }

  /**
   * Copies the database, consistent as of now, into {@code target}; answers the offset of {@code
   * log} the copy holds. Writes and applies wait only while the snapshot is staged (a checkpoint
   * and links to its files), not while it is copied.
   */
  public long snapshot(String log, Path target) throws IOException {
    StagedSnapshot staged;
    long offset;
    applyLock.lock();
    writeLock.lock();
    try {
      staged = store.stageSnapshot();
      offset = appliedOffset(log);
    } finally {
      writeLock.unlock();
      applyLock.unlock();
    }
    try (staged) {
      staged.copyTo(target);
    }
    return offset;
  }

  public Session openSession(String user) {
    long id = sessionIds.incrementAndGet();
    Session s = new Session(this, id, user);
    sessions.put(id, s);
    return s;
  }

  void closed(Session s) {
    sessions.remove(s.id());
  }

  public Map<Long, Session> sessions() {
    return Map.copyOf(sessions);
  }

  @Override
  public void close() throws IOException {
    pool.shutdownNow();
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    store.close();
  }
}
