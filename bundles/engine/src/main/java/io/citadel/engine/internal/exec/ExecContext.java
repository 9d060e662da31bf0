package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.SqlException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * One statement's execution: the worker pool it may use, how many workers, its cancel flag and its
 * counters. Morsel-driven: a pipeline's morsels are handed out one at a time to up to {@code
 * threads} workers, each keeping its own state, so no two workers contend on anything but the
 * morsel counter.
 */
public final class ExecContext {
  private final ExecutorService pool;
  private final int threads;
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final AtomicLong rowsScanned = new AtomicLong();
  private final long statementMillis;
  private final boolean withRowIds;
  private final QueryMemory memory;

  public ExecContext(ExecutorService pool, int threads, long statementMillis, boolean withRowIds) {
    this(pool, threads, statementMillis, withRowIds, QueryMemory.unlimited());
  }

  public ExecContext(
      ExecutorService pool,
      int threads,
      long statementMillis,
      boolean withRowIds,
      QueryMemory memory) {
    this.pool = pool;
    this.threads = Math.max(1, threads);
    this.statementMillis = statementMillis;
    this.withRowIds = withRowIds;
    this.memory = memory;
  }

  public long statementMillis() {
    return statementMillis;
  }

  /** Whether scans attach row ids to their batches (UPDATE and DELETE need them). */
  public boolean withRowIds() {
    return withRowIds;
  }

  public void cancel() {
    cancelled.set(true);
  }

  public boolean isCancelled() {
    return cancelled.get();
  }

  public void checkCancelled() {
    if (cancelled.get()) {
      throw new SqlException(
          SqlException.QUERY_CANCELED, "canceling statement due to user request");
    }
  }

  public long rowsScanned() {
    return rowsScanned.get();
  }

  void scanned(long rows) {
    rowsScanned.addAndGet(rows);
  }

  /**
   * Runs every morsel of {@code source}, each worker feeding its own state from {@code newState};
   * answers the workers' states. The first failure cancels the rest and is rethrown.
   */
  public <S> List<S> drive(Source source, Supplier<S> newState, BiConsumer<S, Batch> consume) {
    List<S> states = java.util.Collections.synchronizedList(new ArrayList<>());
    runMorsels(
        0,
        source.morsels(),
        () -> {
          S s = newState.get();
          states.add(s);
          return m -> source.run(m, b -> consume.accept(s, b));
        });
    return new ArrayList<>(states);
  }

  /**
   * Runs morsels {@code from} to {@code to} (exclusive) on up to {@code threads} workers, each made
   * by {@code worker} and handed the morsel numbers it takes, one at a time. The first failure
   * stops the others and is rethrown.
   */
  private void runMorsels(int from, int to, Supplier<java.util.function.IntConsumer> worker) {
    int workers = Math.min(threads, to - from);
    if (workers <= 1) {
      java.util.function.IntConsumer w = worker.get();
      for (int m = from; m < to; m++) {
        checkCancelled();
        w.accept(m);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger(from);
    List<Future<?>> futures = new ArrayList<>();
    AtomicBoolean failed = new AtomicBoolean();
    for (int i = 0; i < workers; i++) {
      futures.add(
          pool.submit(
              () -> {
                java.util.function.IntConsumer w = worker.get();
                int m;
                while (!failed.get() && (m = next.getAndIncrement()) < to) {
                  checkCancelled();
                  w.accept(m);
                }
                return null;
              }));
    }
    RuntimeException first = null;
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        failed.set(true);
        Throwable c = e.getCause();
        if (first == null) {
          first = c instanceof RuntimeException re ? re : failure(c);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failed.set(true);
        cancel();
        first = new SqlException(SqlException.QUERY_CANCELED, "interrupted");
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** A worker's failure that is not a {@link RuntimeException}, as the client will see it. */
  private static RuntimeException failure(Throwable c) {
    if (c instanceof OutOfMemoryError) {
      return new SqlException(
          SqlException.OUT_OF_MEMORY, "out of memory while running the statement", 0, c);
    }
    if (c instanceof StackOverflowError) {
      return new SqlException(
          "54001", "stack depth limit exceeded: the statement is nested too deeply", 0, c);
    }
    return new SqlException(SqlException.INTERNAL, "internal error: " + c, 0, c);
  }

  /**
   * Every batch the source produces, each reserved from the query's memory under {@code what} (the
   * operator that keeps them).
   */
  public List<Batch> collect(Source source, String what) {
    List<List<Batch>> parts =
        drive(
            source,
            ArrayList::new,
            (l, b) -> {
              memory.reserve(QueryMemory.bytes(b), what);
              l.add(b);
            });
    List<Batch> all = new ArrayList<>();
    parts.forEach(all::addAll);
    return all;
  }

  public QueryMemory memory() {
    return memory;
  }

  /**
   * The source's batches pulled as the client takes them. The last pipeline runs on threads of the
   * stream's own, up to {@code threads} of them taking morsels in turn, each handing its batches
   * over through a small bounded queue: when the client is slow they wait, so the heap holds a few
   * batches however large the result (a join whose one morsel yields millions of rows included),
   * and the engine's shared workers never wait on a client. Batches of one morsel keep their order;
   * morsels may interleave (a sorted result is one morsel).
   */
  public Stream stream(Source source) {
    return new Stream(source);
  }

  /** Batches pulled one at a time; see {@link #stream}. */
  public final class Stream {
    private static final Batch END = new Batch(new Vec[0], 0);
    private static final java.util.concurrent.atomic.AtomicLong NAMES =
        new java.util.concurrent.atomic.AtomicLong();

    private final Source source;
    private final java.util.concurrent.BlockingQueue<Batch> queue =
        new java.util.concurrent.LinkedBlockingQueue<>();
    private final Object gate = new Object();

    /** Bytes the workers may have waiting for the client (guarded by {@link #gate}). */
    private final long window;

    private long queued;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger running;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicReference<RuntimeException> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    private final List<Thread> workers = new ArrayList<>();
    private Batch pending;
    private boolean done;

    private Stream(Source source) {
      this.source = source;
      int n = Math.min(threads, source.morsels());
      this.window = Math.max(1 << 20, Math.min(64L << 20, memory.limit() / 4));
      this.running = new AtomicInteger(n);
      long id = NAMES.incrementAndGet();
      for (int w = 0; w < n; w++) {
        Thread t = new Thread(this::work, "citadel-stream-" + id + "-" + w);
        t.setDaemon(true);
        workers.add(t);
      }
      if (n == 0) {
        done = true;
      }
      workers.forEach(Thread::start);
    }

    private void work() {
      try {
        int m;
        while (!closed.get()
            && failure.get() == null
            && (m = next.getAndIncrement()) < source.morsels()) {
          checkCancelled();
          source.run(m, this::hand);
        }
      } catch (Stop e) {
        // closed while handing a batch over
      } catch (RuntimeException e) {
        failure.compareAndSet(null, e);
      } catch (Error e) {
        failure.compareAndSet(null, failure(e));
      } finally {
        if (running.decrementAndGet() == 0) {
          end();
        }
      }
    }

    /** Thrown inside a worker to unwind it once the stream is closed. */
    private static final class Stop extends RuntimeException {
      Stop() {
        super(null, null, false, false);
      }
    }

    private void hand(Batch b) {
      long n = QueryMemory.bytes(b);
      synchronized (gate) {
        // wait while the client has enough to take; one batch may always wait
        while (queued > 0 && queued + n > window) {
          if (closed.get() || isCancelled()) {
            throw new Stop();
          }
          try {
            gate.wait(100);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stop();
          }
        }
        if (closed.get()) {
          throw new Stop();
        }
        memory.reserve(n, "rows waiting for the client");
        queued += n;
      }
      queue.add(b);
    }

    private void end() {
      queue.add(END);
    }

    /**
     * Waits for the first batch (or the end), so that a query that fails at once (a division by
     * zero in its first rows, its memory limit) fails before anything is sent.
     */
    public void prime() {
      if (pending == null && !done) {
        pending = take();
      }
    }

    /** The next batch, or null after the last. */
    public Batch next() {
      Batch b = pending != null ? pending : done ? null : take();
      pending = null;
      return b;
    }

    private Batch take() {
      Batch b;
      try {
        b = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new SqlException(SqlException.QUERY_CANCELED, "interrupted");
      }
      if (b == END) {
        done = true;
        RuntimeException f = failure.get();
        if (f != null) {
          throw f;
        }
        checkCancelled();
        return null;
      }
      taken(b);
      RuntimeException f = failure.get();
      if (f != null) {
        close();
        throw f;
      }
      return b;
    }

    /** Stops the workers and drops what they made; the query's memory is given back. */
    public void close() {
      if (closed.getAndSet(true)) {
        return;
      }
      done = true;
      pending = null;
      for (Batch b; (b = queue.poll()) != null; ) {
        if (b != END) {
          taken(b);
        }
      }
    }

    private void taken(Batch b) {
      long n = QueryMemory.bytes(b);
      synchronized (gate) {
        queued -= n;
        gate.notifyAll();
      }
      memory.release(n);
    }
  }
}
