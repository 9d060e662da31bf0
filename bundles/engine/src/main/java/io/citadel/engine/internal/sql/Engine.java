package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.auth.UserStore;
import io.citadel.engine.internal.storage.ColumnCache;
import io.citadel.engine.internal.storage.Store;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The database: storage, the worker pool queries run on, and the sessions using it. Independent of
 * OSGi, so tests and benchmarks embed it directly.
 */
public final class Engine implements Closeable {
  /** Settings fixed for the engine's life, except where a setter exists. */
  public record Options(
      int threads, int fragmentSize, long cacheBytes, long checkpointBytes, long maxReject) {
    public static Options defaults() {
      return new Options(
          Runtime.getRuntime().availableProcessors(), 32_000_000, 1L << 30, 64L << 20, 100_000);
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

  private Engine(Store store, UserStore users, Options options) {
    this.store = store;
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
      return new Engine(store, UserStore.open(dataDir), options);
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

  void countStatement() {
    statements.incrementAndGet();
  }

  public long statementsRun() {
    return statements.get();
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
