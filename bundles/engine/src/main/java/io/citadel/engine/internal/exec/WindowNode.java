package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import java.util.ArrayList;
import java.util.List;

/**
 * Window functions ({@code f(...) OVER (PARTITION BY ... ORDER BY ... frame)}): the input is held
 * whole, and for each window (a partitioning, an order and a frame shared by some calls) its rows
 * are sorted, cut into partitions and peer groups, and each call computed over every row's frame.
 * The output is the input's columns followed by each window's calls, in the order of the last
 * window (as PostgreSQL returns them when the query has no ORDER BY of its own).
 *
 * <p>Ranking functions (row_number, rank, dense_rank, percent_rank, cume_dist, ntile), offsets
 * (lag, lead, first_value, last_value, nth_value) and the aggregates of {@link AggState} are
 * computed. A frame is ROWS with any constant offsets, or RANGE between UNBOUNDED and CURRENT ROW.
 */
public final class WindowNode extends PhysicalNode {
  /** One end of a frame: an offset from the current row, or unbounded. */
  public record Bound(boolean unbounded, boolean currentRow, long offset) {
    public static Bound unboundedPreceding() {
      return new Bound(true, false, -1);
    }

    public static Bound unboundedFollowing() {
      return new Bound(true, false, 1);
    }

    public static Bound current() {
      return new Bound(false, true, 0);
    }

    /** {@code n PRECEDING} is -n, {@code n FOLLOWING} is n. */
    public static Bound rows(long offset) {
      return new Bound(false, offset == 0, offset);
    }
  }

  /**
   * One call: the function's name as Calcite spells it, its argument columns ({@code -1} where the
   * argument is the constant at the same place in {@code constants}), and its result type.
   */
  public record Call(String function, int[] args, Object[] constants, ColumnType type) {}

  /** Calls sharing one window. */
  public record Window(
      int[] partition,
      List<SortNode.Key> order,
      boolean rows,
      Bound lower,
      Bound upper,
      List<Call> calls) {}

  private final PhysicalNode input;
  private final List<Window> windows;

  public WindowNode(PhysicalNode input, List<Window> windows) {
    super(outputTypes(input, windows));
    this.input = input;
    this.windows = windows;
    for (Window w : windows) {
      boolean rangeOffset =
          !w.rows()
              && (!(w.lower().unbounded() || w.lower().currentRow())
                  || !(w.upper().unbounded() || w.upper().currentRow()));
      if (rangeOffset) {
        throw new SqlException(
            SqlException.FEATURE_NOT_SUPPORTED,
            "RANGE frames with an offset are not supported: use ROWS, or RANGE between UNBOUNDED"
                + " and CURRENT ROW");
      }
    }
  }

  private static ColumnType[] outputTypes(PhysicalNode input, List<Window> windows) {
    List<ColumnType> t = new ArrayList<>(List.of(input.types()));
    for (Window w : windows) {
      for (Call c : w.calls()) {
        t.add(c.type());
      }
    }
    return t.toArray(new ColumnType[0]);
  }

  @Override
  public Source open(ExecContext ctx) {
    List<Batch> batches = ctx.collect(input.open(ctx), "a window function's input");
    ColumnType[] in = input.types();
    int n = 0;
    long held = 0;
    for (Batch b : batches) {
      n += b.size;
      held += QueryMemory.bytes(b);
    }
    // the columns laid end to end, each window's order and its results
    ctx.memory().reserve(held + 16L * n * (windows.size() + 1), "a window function");
    Vec[] cols = new Vec[types.length];
    for (int c = 0; c < in.length; c++) {
      List<Vec> parts = new ArrayList<>();
      for (Batch b : batches) {
        parts.add(b.cols[c] == null ? Vec.nulls(in[c], b.size) : b.cols[c]);
      }
      cols[c] = Vec.concat(in[c], parts);
    }
    int[] order = null;
    int next = in.length;
    for (Window w : windows) {
      ctx.checkCancelled();
      order = sorted(w, cols, n);
      Frames f = new Frames(w, cols, order);
      for (Call call : w.calls()) {
        cols[next++] = compute(call, f, cols, order);
      }
    }
    if (n == 0) {
      return Source.of(List.of());
    }
    Batch all = new Batch(cols, n).gather(order, n);
    List<Batch> out = new ArrayList<>();
    for (int from = 0; from < n; from += ScanNode.MORSEL) {
      int m = Math.min(ScanNode.MORSEL, n - from);
      int[] sel = new int[m];
      for (int i = 0; i < m; i++) sel[i] = from + i;
      out.add(from == 0 && m == n ? all : all.gather(sel, m));
    }
    return Source.of(out);
  }

  /** The row numbers in the window's order: by partition, then by the ORDER BY keys. */
  private static int[] sorted(Window w, Vec[] cols, int n) {
    List<SortNode.Key> keys = keys(w);
    Vec[] keyCols = new Vec[keys.size()];
    for (int k = 0; k < keyCols.length; k++) {
      keyCols[k] = SortNode.sortable(cols[keys.get(k).column()]);
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    if (!keys.isEmpty()) {
      IntSort.sort(order, (a, b) -> SortNode.compare(keys, keyCols, a, b));
    }
    return order;
  }

  private static List<SortNode.Key> keys(Window w) {
    List<SortNode.Key> keys = new ArrayList<>();
    for (int p : w.partition()) {
      keys.add(new SortNode.Key(p, false, false));
    }
    keys.addAll(w.order());
    return keys;
  }

  /**
   * Where each position (in the window's order) lies: its partition's bounds, its peer group's
   * bounds, and its frame's bounds (exclusive ends; an empty frame has start == end).
   */
  private static final class Frames {
    final int n;
    final int[] partStart;
    final int[] partEnd;
    final int[] peerStart;
    final int[] peerEnd;
    final int[] frameStart;
    final int[] frameEnd;
    final int[] partition;

    Frames(Window w, Vec[] cols, int[] order) {
      n = order.length;
      partStart = new int[n];
      partEnd = new int[n];
      peerStart = new int[n];
      peerEnd = new int[n];
      frameStart = new int[n];
      frameEnd = new int[n];
      partition = new int[n];
      List<SortNode.Key> partKeys = new ArrayList<>();
      for (int p : w.partition()) {
        partKeys.add(new SortNode.Key(p, false, false));
      }
      Vec[] partCols = decoded(cols, partKeys);
      Vec[] orderCols = decoded(cols, w.order());
      int ps = 0;
      int part = 0;
      for (int k = 1; k <= n; k++) {
        if (k == n || SortNode.compare(partKeys, partCols, order[k - 1], order[k]) != 0) {
          int qs = ps;
          for (int j = ps + 1; j <= k; j++) {
            if (j == k || SortNode.compare(w.order(), orderCols, order[j - 1], order[j]) != 0) {
              for (int i = qs; i < j; i++) {
                peerStart[i] = qs;
                peerEnd[i] = j;
              }
              qs = j;
            }
          }
          for (int i = ps; i < k; i++) {
            partStart[i] = ps;
            partEnd[i] = k;
            partition[i] = part;
          }
          ps = k;
          part++;
        }
      }
      for (int i = 0; i < n; i++) {
        int s = bound(w.lower(), w.rows(), i, true);
        int e = bound(w.upper(), w.rows(), i, false);
        frameStart[i] = Math.min(Math.max(s, partStart[i]), partEnd[i]);
        frameEnd[i] = Math.max(frameStart[i], Math.min(Math.max(e, partStart[i]), partEnd[i]));
      }
    }

    private int bound(Bound b, boolean rows, int i, boolean lower) {
      if (b.unbounded()) {
        return b.offset() < 0 ? partStart[i] : partEnd[i];
      }
      if (b.currentRow() && !rows) {
        return lower ? peerStart[i] : peerEnd[i];
      }
      long at = i + b.offset() + (lower ? 0 : 1);
      return (int) Math.max(Integer.MIN_VALUE / 2, Math.min(Integer.MAX_VALUE / 2, at));
    }

    private static Vec[] decoded(Vec[] cols, List<SortNode.Key> keys) {
      Vec[] out = new Vec[keys.size()];
      for (int k = 0; k < out.length; k++) {
        out[k] = SortNode.sortable(cols[keys.get(k).column()]);
      }
      return out;
    }
  }

  /** The call's value for every row, by row number (not position). */
  private static Vec compute(Call call, Frames f, Vec[] cols, int[] order) {
    int n = f.n;
    String fn = call.function().toUpperCase(java.util.Locale.ROOT);
    switch (fn) {
      case "ROW_NUMBER", "RANK", "DENSE_RANK", "NTILE":
        {
          long[] v = new long[n];
          long dense = 0;
          long buckets = fn.equals("NTILE") ? ntileBuckets(call, cols, order) : 0;
          for (int k = 0; k < n; k++) {
            int row = order[k];
            if (k == f.partStart[k]) {
              dense = 0;
            }
            if (k == f.peerStart[k]) {
              dense++;
            }
            v[row] =
                switch (fn) {
                  case "ROW_NUMBER" -> k - f.partStart[k] + 1;
                  case "RANK" -> f.peerStart[k] - f.partStart[k] + 1;
                  case "DENSE_RANK" -> dense;
                  default -> ntile(k - f.partStart[k], f.partEnd[k] - f.partStart[k], buckets);
                };
          }
          return Vec.ofLongs(call.type(), v, null, n);
        }
      case "PERCENT_RANK", "CUME_DIST":
        {
          double[] v = new double[n];
          for (int k = 0; k < n; k++) {
            int size = f.partEnd[k] - f.partStart[k];
            v[order[k]] =
                fn.equals("CUME_DIST")
                    ? (double) (f.peerEnd[k] - f.partStart[k]) / size
                    : size == 1 ? 0 : (double) (f.peerStart[k] - f.partStart[k]) / (size - 1);
          }
          return Vec.ofDoubles(call.type(), v, null, n);
        }
      case "LAG", "LEAD":
        {
          long offset = call.args().length > 1 ? constantLong(call, 1, cols, order) : 1;
          int[] src = new int[n];
          for (int k = 0; k < n; k++) {
            long at = fn.equals("LAG") ? k - offset : k + offset;
            src[order[k]] = at >= f.partStart[k] && at < f.partEnd[k] ? order[(int) at] : -1;
          }
          Vec v = cast(argument(call, 0, cols, n).gatherOrNull(src, n), call.type());
          if (call.args().length > 2) {
            Vec def = cast(argument(call, 2, cols, n), call.type());
            Object[] boxed = new Object[n];
            for (int i = 0; i < n; i++) boxed[i] = src[i] < 0 ? def.get(i) : v.get(i);
            return Vectors.fromBoxed(call.type(), boxed, n);
          }
          return v;
        }
      case "FIRST_VALUE", "LAST_VALUE", "NTH_VALUE":
        {
          long nth = fn.equals("NTH_VALUE") ? constantLong(call, 1, cols, order) : 1;
          if (nth < 1) {
            throw new SqlException("22016", "argument of nth_value must be greater than zero");
          }
          int[] src = new int[n];
          for (int k = 0; k < n; k++) {
            int s = f.frameStart[k];
            int e = f.frameEnd[k];
            long at = fn.equals("LAST_VALUE") ? e - 1 : s + nth - 1;
            src[order[k]] = s < e && at >= s && at < e ? order[(int) at] : -1;
          }
          return cast(argument(call, 0, cols, n).gatherOrNull(src, n), call.type());
        }
      default:
        return aggregate(call, fn, f, cols, order);
    }
  }

  /** An aggregate over each row's frame, with {@link AggState}. */
  private static Vec aggregate(Call call, String fn, Frames f, Vec[] cols, int[] order) {
    int n = f.n;
    int arg = call.args().length == 0 ? -1 : call.args()[0];
    Vec argCol = arg < 0 ? null : cols[arg];
    AggSpec spec = new AggSpec(fn, arg, false, -1, call.type());
    ColumnType argType = argCol == null ? ColumnType.BIGINT : argCol.type;
    AggState result = AggState.create(spec, argType);
    result.ensure(Math.max(n, 1));
    boolean running = true;
    for (int k = 1; k < n; k++) {
      boolean samePart = f.partStart[k] == f.partStart[k - 1];
      if (samePart
          && (f.frameStart[k] != f.frameStart[k - 1] || f.frameEnd[k] < f.frameEnd[k - 1])) {
        running = false;
        break;
      }
    }
    for (int k = 0; k < n && running; k++) {
      if (f.frameStart[k] != f.partStart[k]) {
        running = false;
      }
    }
    if (running) {
      // every frame starts at its partition's start and only grows: one state per partition,
      // fed row by row, copied out for each row
      AggState acc = AggState.create(spec, argType);
      acc.ensure(Math.max(f.partition.length == 0 ? 1 : f.partition[n - 1] + 1, 1));
      int fed = 0;
      for (int k = 0; k < n; k++) {
        if (k == f.partStart[k]) {
          fed = k;
        }
        int end = f.frameEnd[k];
        if (end > fed) {
          feed(acc, f.partition[k], argCol, order, fed, end);
          fed = end;
        }
        result.merge(acc, f.partition[k], k);
      }
    } else {
      // any other frame: each row's frame fed into its own group
      for (int k = 0; k < n; k++) {
        if (f.frameEnd[k] > f.frameStart[k]) {
          feed(result, k, argCol, order, f.frameStart[k], f.frameEnd[k]);
        }
      }
    }
    Vec byPosition = cast(result.result(n), call.type());
    int[] inverse = new int[n];
    for (int k = 0; k < n; k++) inverse[order[k]] = k;
    return byPosition.gather(inverse, n);
  }

  /** Rows at positions {@code from} to {@code to} (exclusive) into {@code state}'s group. */
  private static void feed(AggState state, int group, Vec arg, int[] order, int from, int to) {
    int m = to - from;
    int[] groups = new int[m];
    java.util.Arrays.fill(groups, group);
    Vec v = null;
    if (arg != null) {
      int[] sel = new int[m];
      System.arraycopy(order, from, sel, 0, m);
      v = arg.gather(sel, m);
    }
    state.update(groups, v, null, m);
  }

  private static Vec argument(Call call, int i, Vec[] cols, int n) {
    int c = call.args()[i];
    if (c >= 0) {
      return cols[c];
    }
    Object[] v = new Object[n];
    java.util.Arrays.fill(v, call.constants()[i]);
    return Vectors.fromBoxed(call.type(), v, n);
  }

  private static Vec cast(Vec v, ColumnType type) {
    return v.type.equals(type) ? v : ExprCompilerAccess.cast(v, type);
  }

  private static long constantLong(Call call, int i, Vec[] cols, int[] order) {
    Object c = call.args()[i] < 0 ? call.constants()[i] : null;
    if (!(c instanceof Number num)) {
      throw new SqlException(
          SqlException.FEATURE_NOT_SUPPORTED,
          call.function().toLowerCase(java.util.Locale.ROOT)
              + "'s argument "
              + (i + 1)
              + " must be a constant integer here");
    }
    return num.longValue();
  }

  private static long ntileBuckets(Call call, Vec[] cols, int[] order) {
    long b = constantLong(call, 0, cols, order);
    if (b <= 0) {
      throw new SqlException("22014", "argument of ntile must be greater than zero");
    }
    return b;
  }

  /** PostgreSQL's ntile: the first (size mod buckets) buckets hold one row more. */
  private static long ntile(int index, int size, long buckets) {
    if (buckets >= size) {
      return index + 1;
    }
    long per = size / buckets;
    long extra = size % buckets;
    long bigRows = extra * (per + 1);
    return index < bigRows ? index / (per + 1) + 1 : extra + (index - bigRows) / per + 1;
  }

  @Override
  public double estimate() {
    return input.estimate();
  }

  @Override
  public String describe() {
    int calls = 0;
    for (Window w : windows) calls += w.calls().size();
    return "Window windows=" + windows.size() + " calls=" + calls;
  }

  @Override
  public List<PhysicalNode> children() {
    return List.of(input);
  }
}
