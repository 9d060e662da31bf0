package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Equi-join by hashing: one side is read completely into a hash table on its key columns, the other
 * streams through it in parallel. Inner joins build on the side expected to be smaller; outer, semi
 * and anti joins build on the right. A condition that is not an equality between the sides is
 * applied to candidate pairs.
 */
public final class HashJoinNode extends PhysicalNode {
  /** The most rows one output batch holds. */
  static final int OUTPUT_BATCH = 1 << 16;

  /** The join types the executor runs. */
  public enum Kind {
    INNER,
    LEFT,
    SEMI,
    ANTI
  }

  private final PhysicalNode left;
  private final PhysicalNode right;
  private final Kind kind;
  private final int[] leftKeys;
  private final int[] rightKeys;
  private final Expr residual;
  private final boolean buildLeft;

  /**
   * The key positions whose two sides are exact numbers of different kinds (a decimal and a
   * numeric): matched by value as numerics. Null when there are none.
   */
  private final boolean[] numericKeys;

  public HashJoinNode(
      PhysicalNode left,
      PhysicalNode right,
      Kind kind,
      int[] leftKeys,
      int[] rightKeys,
      Expr residual) {
    this(left, right, kind, leftKeys, rightKeys, residual, null);
  }

  public HashJoinNode(
      PhysicalNode left,
      PhysicalNode right,
      Kind kind,
      int[] leftKeys,
      int[] rightKeys,
      Expr residual,
      boolean[] numericKeys) {
    super(outputTypes(left, right, kind));
    this.numericKeys = numericKeys;
    this.left = left;
    this.right = right;
    this.kind = kind;
    this.leftKeys = leftKeys;
    this.rightKeys = rightKeys;
    this.residual = residual;
    this.buildLeft = kind == Kind.INNER && left.estimate() < right.estimate();
  }

  /** Key column {@code v} as it is hashed: as a numeric where its position says so. */
  private static Vec asKey(Vec v, boolean[] numericKeys, int k) {
    return numericKeys != null && numericKeys[k]
        ? ExprCompiler.CastExpr.convert(v, ColumnType.NUMERIC)
        : v;
  }

  private static ColumnType[] outputTypes(PhysicalNode l, PhysicalNode r, Kind kind) {
    if (kind == Kind.SEMI || kind == Kind.ANTI) {
      return l.types();
    }
    ColumnType[] t = Arrays.copyOf(l.types(), l.types().length + r.types().length);
    System.arraycopy(r.types(), 0, t, l.types().length, r.types().length);
    return t;
  }

  /** The build side in memory. */
  static final class Built {
    /** The first build row whose keys equal probe row {@code i}'s, or -1. */
    int firstMatch(long[][] probeKeys, int i) {
      return match(heads[(int) hash(probeKeys, i) & mask], probeKeys, i);
    }

    /** The next build row after {@code j} whose keys equal probe row {@code i}'s, or -1. */
    int nextMatch(int j, long[][] probeKeys, int i) {
      return match(next[j], probeKeys, i);
    }

    private int match(int from, long[][] probeKeys, int i) {
      for (int j = from; j >= 0; j = next[j]) {
        boolean eq = true;
        for (int k = 0; k < probeKeys.length && eq; k++) {
          eq = keys[k][j] == probeKeys[k][i];
        }
        if (eq) {
          return j;
        }
      }
      return -1;
    }

    Vec[] cols;
    int size;
    long[][] keys;
    int[] heads;
    int[] next;
    int mask;
  }

  @Override
  public Source open(ExecContext ctx) {
    PhysicalNode buildNode = buildLeft ? left : right;
    PhysicalNode probeNode = buildLeft ? right : left;
    int[] buildKeys = buildLeft ? leftKeys : rightKeys;
    int[] probeKeys = buildLeft ? rightKeys : leftKeys;
    Keys keys = new Keys();
    Built b = build(ctx, buildNode, buildKeys, keys, numericKeys);
    return probeNode.open(ctx).flatMap((p, out) -> probe(ctx, p, b, probeKeys, keys, out));
  }

  static Built build(
      ExecContext ctx, PhysicalNode node, int[] keyCols, Keys keys, boolean[] numericKeys) {
    List<Batch> batches = ctx.collect(node.open(ctx), "a hash join's built side");
    Built b = new Built();
    ColumnType[] t = node.types();
    b.cols = new Vec[t.length];
    int n = 0;
    for (Batch x : batches) {
      n += x.size;
    }
    b.size = n;
    long held = 0;
    for (Batch x : batches) {
      held += QueryMemory.bytes(x);
    }
    // the columns laid end to end, their keys and the hash table
    ctx.memory().reserve(held + 9L * n * keyCols.length + 8L * n, "a hash join's built side");
    for (int c = 0; c < t.length; c++) {
      List<Vec> parts = new ArrayList<>();
      for (Batch x : batches) {
        parts.add(x.cols[c] == null ? Vec.nulls(t[c], x.size) : x.cols[c]);
      }
      b.cols[c] = Vec.concat(t[c], parts);
    }
    b.keys = new long[keyCols.length][];
    boolean[] nullKey = new boolean[n];
    for (int k = 0; k < keyCols.length; k++) {
      Vec v = b.cols[keyCols[k]];
      b.keys[k] = keys.keys(asKey(v, numericKeys, k), true);
      if (v.nulls != null) {
        for (int i = 0; i < n; i++) nullKey[i] |= v.nulls[i];
      }
    }
    int cap = Integer.highestOneBit(Math.max(2, n) * 2 - 1) << 1;
    if (cap < 0 || n > (1 << 29)) {
      throw new SqlException(
          SqlException.PROGRAM_LIMIT, "join build side too large: " + n + " rows");
    }
    b.heads = new int[cap];
    Arrays.fill(b.heads, -1);
    b.next = new int[n];
    b.mask = cap - 1;
    for (int i = n - 1; i >= 0; i--) {
      if (nullKey[i]) {
        continue;
      }
      int h = (int) hash(b.keys, i) & b.mask;
      b.next[i] = b.heads[h];
      b.heads[h] = i;
    }
    return b;
  }

  /** Whether no two rows of a built side have equal keys. */
  static boolean uniqueKeys(Built b) {
    for (int h = 0; h <= b.mask; h++) {
      for (int j = b.heads[h]; j >= 0; j = b.next[j]) {
        for (int t = b.next[j]; t >= 0; t = b.next[t]) {
          boolean eq = true;
          for (int k = 0; k < b.keys.length && eq; k++) {
            eq = b.keys[k][j] == b.keys[k][t];
          }
          if (eq) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private static long hash(long[][] keys, int i) {
    long h = 0;
    for (long[] k : keys) {
      h = Keys.hash(h, k[i]);
    }
    return h;
  }

  /** Matching (probe row, build row) pairs collected for one output batch. */
  private static final class Pairs {
    final int[] probe = new int[OUTPUT_BATCH];
    final int[] build = new int[OUTPUT_BATCH];
    int count;
  }

  /**
   * Joins one probe batch, emitting at most {@link #OUTPUT_BATCH} rows at a time: a key that
   * matches many build rows (or a join with no keys at all) multiplies the rows, and memory must
   * not grow with that product.
   */
  private void probe(
      ExecContext ctx, Batch p, Built b, int[] probeKeyCols, Keys keys, Consumer<Batch> out) {
    int n = p.size;
    int width = probeKeyCols.length;
    long[][] pk = new long[width][];
    boolean[] nullKey = null;
    for (int k = 0; k < width; k++) {
      Vec v = p.cols[probeKeyCols[k]];
      pk[k] = keys.keys(asKey(v, numericKeys, k), false);
      if (v.nulls != null) {
        if (nullKey == null) nullKey = new boolean[n];
        for (int i = 0; i < n; i++) nullKey[i] |= v.nulls[i];
      }
    }
    boolean[] matched = kind == Kind.INNER ? null : new boolean[n];
    boolean firstMatchDecides = (kind == Kind.SEMI || kind == Kind.ANTI) && residual == null;
    Pairs pairs = new Pairs();
    for (int i = 0; i < n; i++) {
      if (nullKey != null && nullKey[i]) {
        continue;
      }
      if (width == 0) {
        for (int j = 0; j < b.size; j++) {
          if (firstMatchDecides) {
            matched[i] = true;
            break;
          }
          add(ctx, p, b, pairs, i, j, matched, out);
        }
        continue;
      }
      for (int j = b.firstMatch(pk, i); j >= 0; j = b.nextMatch(j, pk, i)) {
        if (firstMatchDecides) {
          matched[i] = true;
          break;
        }
        add(ctx, p, b, pairs, i, j, matched, out);
      }
    }
    flush(ctx, p, b, pairs, matched, out);
    switch (kind) {
      case INNER:
        return;
      case LEFT:
        for (int i = 0; i < n; i++) {
          if (!matched[i]) {
            add(ctx, p, b, pairs, i, -1, null, out);
          }
        }
        flush(ctx, p, b, pairs, null, out);
        return;
      default:
        int[] sel = new int[n];
        int k = 0;
        boolean want = kind == Kind.SEMI;
        for (int i = 0; i < n; i++) if (matched[i] == want) sel[k++] = i;
        out.accept(k == n ? p : p.gather(sel, k));
    }
  }

  private void add(
      ExecContext ctx,
      Batch p,
      Built b,
      Pairs pairs,
      int probeRow,
      int buildRow,
      boolean[] matched,
      Consumer<Batch> out) {
    pairs.probe[pairs.count] = probeRow;
    pairs.build[pairs.count++] = buildRow;
    if (pairs.count == OUTPUT_BATCH) {
      flush(ctx, p, b, pairs, matched, out);
    }
  }

  /**
   * Applies the residual condition to the collected pairs, records which probe rows matched, and
   * emits the pairs as rows for inner and left joins.
   */
  private void flush(
      ExecContext ctx, Batch p, Built b, Pairs pairs, boolean[] matched, Consumer<Batch> out) {
    ctx.checkCancelled();
    int count = pairs.count;
    pairs.count = 0;
    if (count == 0) {
      return;
    }
    int[] pi = pairs.probe;
    int[] bi = pairs.build;
    if (residual != null && bi[0] >= 0) {
      Vec ok = residual.eval(pairs(p, b, pi, bi, count));
      int kept = 0;
      for (int i = 0; i < count; i++) {
        if (ok.longs[i] != 0 && !ok.isNull(i)) {
          pi[kept] = pi[i];
          bi[kept++] = bi[i];
        }
      }
      count = kept;
    }
    if (matched != null) {
      for (int i = 0; i < count; i++) matched[pi[i]] = true;
    }
    if ((kind == Kind.INNER || kind == Kind.LEFT) && count > 0) {
      out.accept(pairs(p, b, pi, bi, count));
    }
  }

  /** Output rows for (probe row, build row) pairs; build row -1 means no match (NULLs). */
  private Batch pairs(Batch p, Built b, int[] pi, int[] bi, int count) {
    Vec[] probeCols = new Vec[p.cols.length];
    for (int c = 0; c < probeCols.length; c++) {
      probeCols[c] = p.cols[c] == null ? null : p.cols[c].gather(pi, count);
    }
    Vec[] buildCols = new Vec[b.cols.length];
    for (int c = 0; c < buildCols.length; c++) {
      buildCols[c] = b.cols[c].gatherOrNull(bi, count);
    }
    Vec[] out = new Vec[probeCols.length + buildCols.length];
    Vec[] first = buildLeft ? buildCols : probeCols;
    Vec[] second = buildLeft ? probeCols : buildCols;
    System.arraycopy(first, 0, out, 0, first.length);
    System.arraycopy(second, 0, out, first.length, second.length);
    long[] ids = null;
    if (p.rowIds != null && !buildLeft) {
      ids = new long[count];
      for (int i = 0; i < count; i++) ids[i] = p.rowIds[pi[i]];
    }
    return new Batch(out, count, ids);
  }

  @Override
  public double estimate() {
    return kind == Kind.SEMI || kind == Kind.ANTI
        ? left.estimate()
        : Math.max(left.estimate(), right.estimate());
  }

  @Override
  public String describe() {
    return "HashJoin "
        + kind
        + " keys="
        + leftKeys.length
        + (residual == null ? "" : " +condition")
        + " build="
        + (buildLeft ? "left" : "right");
  }

  @Override
  public List<PhysicalNode> children() {
    return List.of(left, right);
  }
}
