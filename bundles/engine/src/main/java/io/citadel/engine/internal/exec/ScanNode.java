package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.storage.ColumnData;
import io.citadel.engine.internal.storage.ColumnDef;
import io.citadel.engine.internal.storage.ColumnStats;
import io.citadel.engine.internal.storage.Dictionary;
import io.citadel.engine.internal.storage.Fragment;
import io.citadel.engine.internal.storage.TableVersion;
import io.citadel.engine.internal.types.ColumnType;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Reads a table snapshot in morsels of up to {@value #MORSEL} rows. Only the columns the plan uses
 * are read. Filter conjuncts are applied here: fragments whose min/max rule a conjunct out are
 * skipped unread; the filter's columns are read first and the others only for rows that pass;
 * conjuncts on one text column are evaluated once per dictionary entry, not per row.
 */
public final class ScanNode extends PhysicalNode {
  static final int MORSEL = 1 << 16;

  private final TableVersion version;
  private final BitSet needed;
  private final List<Expr> conjuncts;
  private final List<ZoneCheck> zoneChecks;
  private final BitSet filterColumns;
  private final double selectivity;

  /** A conjunct {@code column op constant} that fragment statistics can decide. */
  public record ZoneCheck(int column, String op, Object value) {}

  public ScanNode(
      TableVersion version,
      BitSet needed,
      List<Expr> conjuncts,
      List<ZoneCheck> zoneChecks,
      BitSet filterColumns,
      double selectivity) {
    super(typesOf(version));
    this.version = version;
    this.needed = needed;
    this.conjuncts = conjuncts;
    this.zoneChecks = zoneChecks;
    this.filterColumns = filterColumns;
    this.selectivity = selectivity;
    this.ranges = new ExprCompiler.ColumnRange[conjuncts.size()];
    for (int k = 0; k < ranges.length; k++) {
      ranges[k] = ExprCompiler.columnRange(conjuncts.get(k));
    }
  }

  /**
   * Per conjunct, the range it admits when it is {@code column op constant} on whole numbers: those
   * are decided on the stored values in place, before any column is copied into a vector.
   */
  private final ExprCompiler.ColumnRange[] ranges;

  /** The rows of the table read, before any filter. */
  public long tableRows() {
    return version.liveRows();
  }

  private static ColumnType[] typesOf(TableVersion v) {
    ColumnType[] t = new ColumnType[v.def().columns().size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = v.def().columns().get(i).type();
    }
    return t;
  }

  public TableVersion version() {
    return version;
  }

  @Override
  public double estimate() {
    return Math.max(1, version.liveRows() * selectivity);
  }

  @Override
  public List<PhysicalNode> children() {
    return List.of();
  }

  @Override
  public String describe() {
    List<String> cols = new ArrayList<>();
    for (int i = needed.nextSetBit(0); i >= 0; i = needed.nextSetBit(i + 1)) {
      cols.add(version.def().columns().get(i).name());
    }
    return "Scan "
        + version.def().name()
        + " columns="
        + cols
        + (conjuncts.isEmpty() ? "" : " filters=" + conjuncts.size())
        + (zoneChecks.isEmpty() ? "" : " skip-by-min/max=" + zoneChecks.size())
        + " fragments="
        + version.fragments().size()
        + " rows="
        + version.liveRows();
  }

  @Override
  public Source open(ExecContext ctx) {
    return open(ctx, List.of());
  }

  @Override
  public Source open(ExecContext ctx, List<ExprCompiler.ColumnRange> pushed) {
    ExprCompiler.ColumnRange[] extra = pushed.toArray(new ExprCompiler.ColumnRange[0]);
    List<int[]> morsels = new ArrayList<>();
    List<Fragment> frags = version.fragments();
    for (int f = 0; f < frags.size(); f++) {
      Fragment fr = frags.get(f);
      if (skip(fr) || outside(fr, extra)) {
        continue;
      }
      for (int from = 0; from < fr.rows(); from += MORSEL) {
        morsels.add(new int[] {f, from, Math.min(MORSEL, fr.rows() - from)});
      }
    }
    Map<Dictionary, boolean[]>[] dictCache = newCaches();
    return new Source() {
      @Override
      public int morsels() {
        return morsels.size();
      }

      @Override
      public void run(int m, Consumer<Batch> out) {
        int[] mm = morsels.get(m);
        Batch b = read(frags.get(mm[0]), mm[1], mm[2], ctx, dictCache, extra);
        if (b.size > 0) {
          out.accept(b);
        }
      }
    };
  }

  @SuppressWarnings("unchecked")
  private Map<Dictionary, boolean[]>[] newCaches() {
    Map<Dictionary, boolean[]>[] c = new Map[conjuncts.size()];
    for (int i = 0; i < c.length; i++) {
      c[i] = new ConcurrentHashMap<>();
    }
    return c;
  }

  /**
   * Whether a pushed range is likely to drop at least half of a fragment's rows, judged by how much
   * of the fragment's [min, max] it spans (join keys are spread evenly enough for that).
   */
  private boolean narrows(Fragment f, ExprCompiler.ColumnRange r) {
    ColumnStats s = f.stats(version.def().columns().get(r.column()).id());
    if (s == null || !s.hasRange()) {
      return true;
    }
    double span = (double) s.max() - s.min() + 1;
    double overlap = (double) Math.min(s.max(), r.hi()) - Math.max(s.min(), r.lo()) + 1;
    return overlap < span / 2;
  }

  /** Whether a fragment's min/max put a pushed range's column entirely outside the range. */
  private boolean outside(Fragment f, ExprCompiler.ColumnRange[] extra) {
    for (ExprCompiler.ColumnRange r : extra) {
      ColumnStats s = f.stats(version.def().columns().get(r.column()).id());
      if (s == null) {
        return true;
      }
      if (s.hasRange() && (s.min() > r.hi() || s.max() < r.lo())) {
        return true;
      }
    }
    return false;
  }

  private boolean skip(Fragment f) {
    for (ZoneCheck z : zoneChecks) {
      ColumnDef c = version.def().columns().get(z.column());
      ColumnStats s = f.stats(c.id());
      if (s == null) {
        return true; // the column is NULL in every row of this fragment: no comparison holds
      }
      if (!s.hasRange()) {
        if (s.nullCount() == f.rows()) {
          return true;
        }
        continue;
      }
      int lo;
      int hi;
      if (c.type().kind().isFloating()) {
        double v = ((Number) z.value()).doubleValue();
        lo = Double.compare(s.minDouble(), v);
        hi = Double.compare(s.maxDouble(), v);
      } else {
        long v = ((Number) z.value()).longValue();
        lo = Long.compare(s.min(), v);
        hi = Long.compare(s.max(), v);
      }
      boolean impossible =
          switch (z.op()) {
            case "=" -> lo > 0 || hi < 0;
            case "<" -> lo >= 0;
            case "<=" -> lo > 0;
            case ">" -> hi <= 0;
            case ">=" -> hi < 0;
            default -> false;
          };
      if (impossible) {
        return true;
      }
    }
    return false;
  }

  private Batch read(
      Fragment f,
      int from,
      int n,
      ExecContext ctx,
      Map<Dictionary, boolean[]>[] dictCache,
      ExprCompiler.ColumnRange[] extra) {
    ctx.scanned(n);
    List<ColumnDef> cols = version.def().columns();
    Vec[] vecs = new Vec[cols.size()];
    long[] deleted = version.deletedIn(f);
    int[] sel = null;
    int selN = n;
    if (deleted != null) {
      sel = new int[n];
      selN = 0;
      for (int i = 0; i < n; i++) {
        int r = from + i;
        if ((r >>> 6) >= deleted.length || (deleted[r >>> 6] & (1L << r)) == 0) {
          sel[selN++] = i;
        }
      }
      if (selN == 0) {
        return new Batch(vecs, 0);
      }
    }
    if (!conjuncts.isEmpty() || extra.length > 0) {
      // Ranges first, pushed ones (from a join's keys, usually the most selective) before the
      // query's own: each narrows the rows the next one reads, on the stored values in place.
      boolean[] decided = new boolean[conjuncts.size()];
      for (int k = 0; k < extra.length + ranges.length; k++) {
        ExprCompiler.ColumnRange r = k < extra.length ? extra[k] : ranges[k - extra.length];
        if (r == null) {
          continue;
        }
        if (k < extra.length && !narrows(f, r)) {
          continue; // the pushed range holds most of this fragment's values: not worth a pass
        }
        ColumnData d = f.column(cols.get(r.column()).id());
        int kept;
        if (d == null) {
          kept = 0; // a column added after this fragment was written: NULL here
        } else {
          int[] next = new int[selN];
          kept = d.selectRange(from, sel, selN, r.lo(), r.hi(), next);
          if (kept < 0) {
            continue; // not whole numbers after all: the general path decides it
          }
          sel = next;
        }
        if (k >= extra.length) {
          decided[k - extra.length] = true;
        }
        selN = kept;
        if (selN == 0) {
          return new Batch(vecs, 0);
        }
      }
      boolean rest = false;
      for (boolean done : decided) {
        rest |= !done;
      }
      Vec[] fv = new Vec[cols.size()];
      int[] local = null;
      int n2 = selN;
      int[] sel2 = sel;
      if (rest) {
        for (int c = filterColumns.nextSetBit(0); c >= 0; c = filterColumns.nextSetBit(c + 1)) {
          fv[c] = load(f, cols.get(c), from, n, sel, selN);
        }
        Batch fb = new Batch(fv, selN);
        boolean[] pass = null;
        for (int k = 0; k < conjuncts.size(); k++) {
          if (!decided[k]) {
            pass = and(pass, evalConjunct(conjuncts.get(k), fb, dictCache[k]), selN);
          }
        }
        sel2 = new int[selN];
        n2 = 0;
        for (int i = 0; i < selN; i++) {
          if (pass[i]) {
            sel2[n2++] = sel == null ? i : sel[i];
          }
        }
        if (n2 == 0) {
          return new Batch(vecs, 0);
        }
        // filter columns: keep what was read, narrowed; others: read only the passing rows
        if (n2 < selN) {
          local = new int[n2];
          int j = 0;
          for (int i = 0; i < selN; i++) {
            if (pass[i]) {
              local[j++] = i;
            }
          }
        }
      }
      for (int c = needed.nextSetBit(0); c >= 0; c = needed.nextSetBit(c + 1)) {
        if (fv[c] != null) {
          vecs[c] = local == null ? fv[c] : fv[c].gather(local, n2);
        } else {
          vecs[c] = load(f, cols.get(c), from, n, sel2, n2);
        }
      }
      sel = sel2;
      selN = n2;
    } else {
      for (int c = needed.nextSetBit(0); c >= 0; c = needed.nextSetBit(c + 1)) {
        vecs[c] = load(f, cols.get(c), from, n, sel, selN);
      }
    }
    long[] rowIds = null;
    if (ctx.withRowIds()) {
      rowIds = new long[selN];
      for (int i = 0; i < selN; i++) {
        rowIds[i] = Fragment.rowId(f.seq(), from + (sel == null ? i : sel[i]));
      }
    }
    return new Batch(vecs, selN, rowIds);
  }

  private static boolean[] and(boolean[] acc, boolean[] x, int n) {
    if (acc == null) {
      return x;
    }
    for (int i = 0; i < n; i++) {
      acc[i] &= x[i];
    }
    return acc;
  }

  private boolean[] evalConjunct(Expr e, Batch b, Map<Dictionary, boolean[]> cache) {
    int n = b.size;
    boolean[] out = new boolean[n];
    if (e instanceof DictPredicate dp) {
      Vec v = b.cols[dp.column];
      if (v.form == Vec.Form.DICT) {
        boolean[] table = dp.table(v.dict, b.cols.length, cache);
        int[] codes = v.codes;
        // A NULL (code -1) is judged by the predicate too: IS NULL and COALESCE(t, 'x') = 'x' hold.
        int onNull = -1;
        for (int i = 0; i < n; i++) {
          int c = codes[i];
          if (c < 0) {
            if (onNull < 0) {
              onNull = dp.evalOne(null, b.cols.length) ? 1 : 0;
            }
            out[i] = onNull == 1;
          } else {
            out[i] = c < table.length ? table[c] : dp.evalOne(v.dict.decode(c), b.cols.length);
          }
        }
        return out;
      }
      e = dp.expr;
    }
    Vec v = e.eval(b);
    long[] l = v.longs;
    boolean[] nn = v.nulls;
    for (int i = 0; i < n; i++) {
      out[i] = l[i] != 0 && (nn == null || !nn[i]);
    }
    return out;
  }

  /** Reads rows {@code from + sel[i]} (or the whole range when sel is null) of one column. */
  private Vec load(Fragment f, ColumnDef c, int from, int n, int[] sel, int selN) {
    ColumnData d = f.column(c.id());
    ColumnType t = c.type();
    int size = sel == null ? n : selN;
    if (d == null) {
      Vec v = Vec.nulls(t, size);
      if (t.kind().isStringBased()) {
        int[] codes = new int[size];
        java.util.Arrays.fill(codes, -1);
        return Vec.ofCodes(t, codes, version.dictionary(c.id()), v.nulls, size);
      }
      return v;
    }
    boolean[] nulls = null;
    if (d.hasNulls()) {
      nulls = new boolean[size];
      boolean any =
          sel == null ? d.copyNulls(from, n, nulls) : d.gatherNulls(from, sel, selN, nulls);
      if (!any) {
        nulls = null;
      }
    }
    if (t.kind().isStringBased()) {
      int[] codes = new int[size];
      ColumnData.Ints ints = (ColumnData.Ints) d;
      if (sel == null) {
        ints.copyInts(from, n, codes);
      } else {
        ints.gatherInts(from, sel, selN, codes);
      }
      if (nulls != null) {
        for (int i = 0; i < size; i++) {
          if (nulls[i]) {
            codes[i] = -1;
          }
        }
      }
      return Vec.ofCodes(t, codes, version.dictionary(c.id()), nulls, size);
    }
    if (t.kind().isFloating()) {
      double[] v = new double[size];
      if (sel == null) {
        d.copyDoubles(from, n, v);
      } else {
        d.gatherDoubles(from, sel, selN, v);
      }
      return Vec.ofDoubles(t, v, nulls, size);
    }
    long[] v = new long[size];
    if (sel == null) {
      d.copyLongs(from, n, v);
    } else {
      d.gatherLongs(from, sel, selN, v);
    }
    return Vec.ofLongs(t, v, nulls, size);
  }

  /**
   * A conjunct that reads a single text column: evaluated once for every entry of the column's
   * dictionary, then looked up by code.
   */
  public static final class DictPredicate implements Expr {
    final Expr expr;
    final int column;

    /** The column's own type, which the predicate's operators read the entries by. */
    final ColumnType columnType;

    public DictPredicate(Expr expr, int column, ColumnType columnType) {
      this.expr = expr;
      this.column = column;
      this.columnType = columnType;
    }

    @Override
    public Vec eval(Batch batch) {
      return expr.eval(batch);
    }

    @Override
    public ColumnType type() {
      return ColumnType.BOOLEAN;
    }

    boolean[] table(Dictionary dict, int width, Map<Dictionary, boolean[]> cache) {
      boolean[] t = cache.get(dict);
      int size = dict.size();
      if (t != null && t.length == size) {
        return t;
      }
      String[] entries = dict.slice(0, size);
      Vec[] cols = new Vec[width];
      cols[column] = Vec.ofStrings(columnType, entries, null, size);
      Vec r = expr.eval(new Batch(cols, size));
      t = new boolean[size];
      for (int i = 0; i < size; i++) {
        t[i] = r.longs[i] != 0 && !r.isNull(i);
      }
      cache.put(dict, t);
      return t;
    }

    boolean evalOne(String value, int width) {
      Vec[] cols = new Vec[width];
      cols[column] =
          Vec.ofStrings(
              columnType, new String[] {value}, value == null ? new boolean[] {true} : null, 1);
      Vec r = expr.eval(new Batch(cols, 1));
      return r.longs[0] != 0 && !r.isNull(0);
    }
  }
}
