package io.citadel.engine.internal.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * A fact table's inner equi-joins with several dimensions in one pass: every dimension is hashed
 * first, then each fact batch probes them one after the other, the dimension that keeps the
 * smallest share of its table first, narrowing a selection of fact rows as it goes; columns are
 * gathered once, for the rows that survive every dimension. The order is decided at run time from
 * the sizes of the built hash tables, which are exact where the planner's estimates are guesses.
 *
 * <p>It needs each dimension's join key to be unique among its rows (a key to a dimension normally
 * is). When a built dimension has a duplicate key it runs the same joins as the plain chain of
 * {@link HashJoinNode}s instead, which gives the same rows in the same layout.
 */
public final class StarJoinNode extends PhysicalNode {
  private final PhysicalNode fact;
  private final List<PhysicalNode> dims;
  private final List<int[]> factKeys;
  private final List<int[]> dimKeys;

  private StarJoinNode(
      PhysicalNode fact, List<PhysicalNode> dims, List<int[]> factKeys, List<int[]> dimKeys) {
    super(concat(fact, dims));
    this.fact = fact;
    this.dims = dims;
    this.factKeys = factKeys;
    this.dimKeys = dimKeys;
  }

  /**
   * The inner join of {@code left} and {@code right} on {@code leftKeys = rightKeys} as a star join
   * when {@code left} is (or ends in) the fact side and {@code right} joins the fact table's own
   * columns; null when it is not one.
   */
  public static StarJoinNode of(
      PhysicalNode left, PhysicalNode right, int[] leftKeys, int[] rightKeys) {
    if (leftKeys.length == 0) {
      return null;
    }
    if (left instanceof StarJoinNode star) {
      int factWidth = star.fact.types().length;
      for (int k : leftKeys) {
        if (k >= factWidth) {
          return null; // a snowflake: the key is a dimension's column
        }
      }
      if (right.estimate() > star.fact.estimate()) {
        return null;
      }
      List<PhysicalNode> dims = new ArrayList<>(star.dims);
      dims.add(right);
      List<int[]> fk = new ArrayList<>(star.factKeys);
      fk.add(leftKeys);
      List<int[]> dk = new ArrayList<>(star.dimKeys);
      dk.add(rightKeys);
      return new StarJoinNode(star.fact, dims, fk, dk);
    }
    if (right.estimate() > left.estimate()) {
      return null;
    }
    return new StarJoinNode(left, List.of(right), List.of(leftKeys), List.of(rightKeys));
  }

  private static io.citadel.engine.internal.types.ColumnType[] concat(
      PhysicalNode fact, List<PhysicalNode> dims) {
    List<io.citadel.engine.internal.types.ColumnType> t =
        new ArrayList<>(Arrays.asList(fact.types()));
    for (PhysicalNode d : dims) {
      t.addAll(Arrays.asList(d.types()));
    }
    return t.toArray(new io.citadel.engine.internal.types.ColumnType[0]);
  }

  /**
   * One dimension, hashed; with a single key whose values span a small range (dimension keys
   * usually count 1, 2, 3, ...), also a table indexed by the key itself, so that a probe is one
   * array read instead of hashing and walking a chain.
   */
  private record Dim(
      int position,
      HashJoinNode.Built built,
      Keys keys,
      int[] factKeys,
      double keeps,
      long min,
      int[] direct) {

    /** The dimension row whose key equals fact row {@code i}'s, or -1. */
    int find(long[][] factKeys, int i) {
      if (direct == null) {
        return built.firstMatch(factKeys, i);
      }
      long at = factKeys[0][i] - min;
      return at >= 0 && at < direct.length ? direct[(int) at] : -1;
    }
  }

  /** The most entries a direct table may have beyond four per dimension row. */
  private static final int DIRECT_MIN_ENTRIES = 1 << 20;

  private static Dim dim(
      int position, HashJoinNode.Built b, Keys keys, int[] factKeys, double keeps) {
    if (b.keys.length != 1 || b.size == 0) {
      return new Dim(position, b, keys, factKeys, keeps, 0, null);
    }
    long[] k = b.keys[0];
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    boolean any = false;
    for (int h = 0; h <= b.mask; h++) {
      for (int j = b.heads[h]; j >= 0; j = b.next[j]) {
        min = Math.min(min, k[j]);
        max = Math.max(max, k[j]);
        any = true;
      }
    }
    long span = max - min;
    if (!any || span < 0 || span >= Math.max(4L * b.size, DIRECT_MIN_ENTRIES)) {
      return new Dim(position, b, keys, factKeys, keeps, 0, null);
    }
    int[] direct = new int[(int) span + 1];
    Arrays.fill(direct, -1);
    for (int h = 0; h <= b.mask; h++) {
      for (int j = b.heads[h]; j >= 0; j = b.next[j]) {
        direct[(int) (k[j] - min)] = j;
      }
    }
    return new Dim(position, b, keys, factKeys, keeps, min, direct);
  }

  @Override
  public Source open(ExecContext ctx) {
    List<Dim> built = new ArrayList<>();
    for (int d = 0; d < dims.size(); d++) {
      Keys keys = new Keys();
      HashJoinNode.Built b = HashJoinNode.build(ctx, dims.get(d), dimKeys.get(d), keys, null);
      if (!HashJoinNode.uniqueKeys(b)) {
        return chain().open(ctx);
      }
      long tableRows = tableRows(dims.get(d));
      double keeps = tableRows > 0 ? (double) b.size / tableRows : 1.0;
      built.add(dim(d, b, keys, factKeys.get(d), keeps));
    }
    built.sort(Comparator.comparingDouble(Dim::keeps));
    Dim[] order = built.toArray(new Dim[0]);
    // A fact row whose key lies outside a dimension's key range cannot join: say so to the fact
    // side, whose scan then drops such rows on the stored values, before reading other columns.
    List<ExprCompiler.ColumnRange> ranges = new ArrayList<>();
    for (Dim d : order) {
      int column = d.factKeys()[0];
      if (d.direct() != null && wholeNumbers(fact.types()[column])) {
        ranges.add(new ExprCompiler.ColumnRange(column, d.min(), d.min() + d.direct().length - 1));
      }
    }
    return fact.open(ctx, ranges).flatMap((p, out) -> probe(ctx, p, order, out));
  }

  /** Key types whose join keys are the stored values themselves (not text ids or double bits). */
  private static boolean wholeNumbers(io.citadel.engine.internal.types.ColumnType t) {
    var k = t.kind();
    return k.isIntegral()
        || k == io.citadel.engine.internal.types.TypeKind.DATE
        || k == io.citadel.engine.internal.types.TypeKind.TIMESTAMP;
  }

  /** The same joins as a chain of hash joins, for dimensions whose keys repeat. */
  private PhysicalNode chain() {
    PhysicalNode node = fact;
    for (int d = 0; d < dims.size(); d++) {
      node =
          new HashJoinNode(
              node, dims.get(d), HashJoinNode.Kind.INNER, factKeys.get(d), dimKeys.get(d), null);
    }
    return node;
  }

  /** Rows of the table a dimension reads, before its filters; 0 when it is not one scan. */
  private static long tableRows(PhysicalNode node) {
    if (node instanceof ScanNode s) {
      return s.tableRows();
    }
    List<PhysicalNode> children = node.children();
    return children.size() == 1 && !(node instanceof AggregateNode)
        ? tableRows(children.get(0))
        : 0;
  }

  private void probe(ExecContext ctx, Batch p, Dim[] order, Consumer<Batch> out) {
    int n = p.size;
    int[] sel = new int[n];
    for (int i = 0; i < n; i++) sel[i] = i;
    int selN = n;
    int[][] match = new int[dims.size()][];
    for (Dim d : order) {
      ctx.checkCancelled();
      HashJoinNode.Built b = d.built();
      int width = d.factKeys().length;
      long[][] pk = new long[width][];
      boolean[] nullKey = null;
      for (int k = 0; k < width; k++) {
        Vec v = p.cols[d.factKeys()[k]];
        pk[k] = d.keys().keys(v, false);
        if (v.nulls != null) {
          if (nullKey == null) nullKey = new boolean[n];
          for (int i = 0; i < n; i++) nullKey[i] |= v.nulls[i];
        }
      }
      int[] m = new int[n];
      int kept = 0;
      for (int s = 0; s < selN; s++) {
        int i = sel[s];
        if (nullKey != null && nullKey[i]) {
          continue;
        }
        int j = d.find(pk, i);
        if (j >= 0) {
          m[i] = j;
          sel[kept++] = i;
        }
      }
      selN = kept;
      match[d.position()] = m;
      if (selN == 0) {
        return;
      }
    }
    Vec[] cols = new Vec[types().length];
    int c = 0;
    for (Vec v : p.cols) {
      cols[c++] = v == null ? null : v.gather(sel, selN);
    }
    int[] rows = new int[selN];
    for (Dim d : byPosition(order)) {
      int[] m = match[d.position()];
      for (int s = 0; s < selN; s++) rows[s] = m[sel[s]];
      for (Vec v : d.built().cols) {
        cols[c++] = v.gather(rows, selN);
      }
    }
    long[] ids = null;
    if (p.rowIds != null) {
      ids = new long[selN];
      for (int s = 0; s < selN; s++) ids[s] = p.rowIds[sel[s]];
    }
    out.accept(new Batch(cols, selN, ids));
  }

  private static Dim[] byPosition(Dim[] order) {
    Dim[] d = order.clone();
    Arrays.sort(d, Comparator.comparingInt(Dim::position));
    return d;
  }

  @Override
  public double estimate() {
    return fact.estimate();
  }

  @Override
  public String describe() {
    return "StarJoin dimensions="
        + dims.size()
        + " (hashed first, probed most selective first; plain hash joins if a key repeats)";
  }

  @Override
  public List<PhysicalNode> children() {
    List<PhysicalNode> c = new ArrayList<>();
    c.add(fact);
    c.addAll(dims);
    return c;
  }
}
