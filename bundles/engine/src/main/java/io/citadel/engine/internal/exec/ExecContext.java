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
   * The source's batches pulled as the client takes them, in morsel order: each round runs the next
   * {@code threads} morsels in parallel and buffers their output (reserved from the query's memory
   * while it waits), so no more than one round's rows are held, and no worker waits on a slow
   * client.
   */
  public Stream stream(Source source) {
    return new Stream(source);
  }

  /** Batches pulled one at a time; see {@link #stream}. */
  public final class Stream {
    private final Source source;
    private final java.util.ArrayDeque<Batch> ready = new java.util.ArrayDeque<>();
    private int nextMorsel;
    private long buffered;

    private Stream(Source source) {
      this.source = source;
    }

    /**
     * Runs the first round now, so that a query that fails at once (a division by zero in the first
     * rows, its memory limit) fails before anything is sent.
     */
    public void prime() {
      if (ready.isEmpty() && nextMorsel < source.morsels()) {
        round();
      }
    }

    /** The next batch, or null after the last. */
    public Batch next() {
      while (ready.isEmpty() && nextMorsel < source.morsels()) {
        round();
      }
      Batch b = ready.poll();
      if (b != null) {
        long n = QueryMemory.bytes(b);
        buffered -= n;
        memory.release(n);
      }
      return b;
    }

    private void round() {
      checkCancelled();
      int from = nextMorsel;
      int to = Math.min(source.morsels(), from + threads);
      nextMorsel = to;
      @SuppressWarnings("unchecked")
      List<Batch>[] out = new List[to - from];
      runMorsels(
          from,
          to,
          () ->
              m -> {
                List<Batch> mine = new ArrayList<>();
                source.run(
                    m,
                    b -> {
                      memory.reserve(QueryMemory.bytes(b), "rows waiting for the client");
                      mine.add(b);
                    });
                out[m - from] = mine;
              });
      for (List<Batch> l : out) {
        for (Batch b : l) {
          buffered += QueryMemory.bytes(b);
          ready.add(b);
        }
      }
    }

    /** Drops what is buffered; the query's memory is given back. */
    public void close() {
      ready.clear();
      memory.release(buffered);
      buffered = 0;
      nextMorsel = source.morsels();
    }
  }
}
