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

  public ExecContext(ExecutorService pool, int threads, long statementMillis, boolean withRowIds) {
    this.pool = pool;
    this.threads = Math.max(1, threads);
    this.statementMillis = statementMillis;
    this.withRowIds = withRowIds;
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
    int morsels = source.morsels();
    int workers = Math.min(threads, morsels);
    AtomicInteger next = new AtomicInteger();
    List<S> states = new ArrayList<>();
    if (workers <= 1) {
      S s = newState.get();
      states.add(s);
      for (int m = 0; m < morsels; m++) {
        checkCancelled();
        source.run(m, b -> consume.accept(s, b));
      }
      return states;
    }
    List<Future<?>> futures = new ArrayList<>();
    AtomicBoolean failed = new AtomicBoolean();
    for (int w = 0; w < workers; w++) {
      S s = newState.get();
      states.add(s);
      futures.add(
          pool.submit(
              () -> {
                int m;
                while (!failed.get() && (m = next.getAndIncrement()) < morsels) {
                  checkCancelled();
                  source.run(m, b -> consume.accept(s, b));
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
          first =
              c instanceof RuntimeException re
                  ? re
                  : new SqlException(SqlException.INTERNAL, String.valueOf(c), 0, c);
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
    return states;
  }

  /** Every batch the source produces. */
  public List<Batch> collect(Source source) {
    List<List<Batch>> parts = drive(source, ArrayList::new, List::add);
    List<Batch> all = new ArrayList<>();
    parts.forEach(all::addAll);
    return all;
  }
}
