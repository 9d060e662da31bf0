package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/** The running state of one aggregate call for every group of one worker. */
abstract class AggState {
  final AggSpec spec;
  int capacity;

  AggState(AggSpec spec) {
    this.spec = spec;
  }

  static AggState create(AggSpec spec, ColumnType argType) {
    if (spec.distinct() && !spec.function().equals("MIN") && !spec.function().equals("MAX")) {
      return new Distinct(spec, argType);
    }
    return switch (spec.function()) {
      case "COUNT" -> new Count(spec);
      case "SUM", "$SUM0", "SUM0" ->
          spec.type().kind().isFloating() ? new SumDouble(spec) : new SumLong(spec, argType);
      case "AVG" -> new Avg(spec, argType);
      case "MIN", "MAX" -> new MinMax(spec, argType);
      case "SINGLE_VALUE", "ANY_VALUE" -> new Single(spec);
      case "LITERAL_AGG" -> new Constant(spec);
      default ->
          throw new SqlException(
              SqlException.FEATURE_NOT_SUPPORTED,
              "aggregate function " + spec.function() + " is not supported");
    };
  }

  void ensure(int groups) {
    if (groups > capacity) {
      int cap = Math.max(groups, Math.max(16, capacity * 2));
      grow(cap);
      capacity = cap;
    }
  }

  abstract void grow(int cap);

  /** Folds row i of {@code arg} into group {@code g}, for the rows {@code use} allows. */
  abstract void update(int[] groups, Vec arg, boolean[] use, int n);

  /** Folds group {@code from} of {@code other} into group {@code to} of this state. */
  abstract void merge(AggState other, int from, int to);

  abstract Vec result(int groups);

  /** NULL flags for the groups that saw no value, or null when every group saw one. */
  static boolean[] unseen(boolean[] seen, int groups) {
    boolean[] nulls = null;
    for (int g = 0; g < groups; g++) {
      if (!seen[g]) {
        if (nulls == null) nulls = new boolean[groups];
        nulls[g] = true;
      }
    }
    return nulls;
  }

  static boolean skip(Vec arg, boolean[] use, int i) {
    return (use != null && !use[i]) || (arg != null && arg.nulls != null && arg.nulls[i]);
  }

  static final class Count extends AggState {
    long[] counts = new long[0];

    Count(AggSpec spec) {
      super(spec);
    }

    @Override
    void grow(int cap) {
      counts = Arrays.copyOf(counts, cap);
    }

    @Override
    void update(int[] g, Vec arg, boolean[] use, int n) {
      if (use == null && (arg == null || arg.nulls == null)) {
        for (int i = 0; i < n; i++) counts[g[i]]++;
        return;
      }
      for (int i = 0; i < n; i++) {
        if (!skip(arg, use, i)) counts[g[i]]++;
      }
    }

    @Override
    void merge(AggState o, int from, int to) {
      counts[to] += ((Count) o).counts[from];
    }

    @Override
    Vec result(int groups) {
      return Vec.ofLongs(spec.type(), Arrays.copyOf(counts, groups), null, groups);
    }
  }

  static final class SumLong extends AggState {
    final int argScale;
    final int outScale;
    long[] sums = new long[0];
    boolean[] seen = new boolean[0];

    SumLong(AggSpec spec, ColumnType argType) {
      super(spec);
      this.argScale = VecMath.scaleOf(argType);
      this.outScale = VecMath.scaleOf(spec.type());
    }

    @Override
    void grow(int cap) {
      sums = Arrays.copyOf(sums, cap);
      seen = Arrays.copyOf(seen, cap);
    }

    @Override
    void update(int[] g, Vec arg, boolean[] use, int n) {
      long[] v = argScale == outScale ? arg.longs : VecMath.scaled(arg, outScale);
      boolean fast = use == null && arg.nulls == null;
      for (int i = 0; i < n; i++) {
        if (fast || !skip(arg, use, i)) {
          int gi = g[i];
          long s = sums[gi] + v[i];
          if (((sums[gi] ^ s) & (v[i] ^ s)) < 0) {
            throw VecMath.overflow(spec.type());
          }
          sums[gi] = s;
          seen[gi] = true;
        }
      }
    }

    @Override
    void merge(AggState o, int from, int to) {
      SumLong s = (SumLong) o;
      if (s.seen[from]) {
        sums[to] = Math.addExact(sums[to], s.sums[from]);
        seen[to] = true;
      }
    }

    @Override
    Vec result(int groups) {
      // SUM of no rows is NULL; Calcite's $SUM0 of no rows is 0.
      boolean[] nulls = spec.function().equals("SUM") ? unseen(seen, groups) : null;
      return Vec.ofLongs(spec.type(), Arrays.copyOf(sums, groups), nulls, groups);
    }
  }

  static final class SumDouble extends AggState {
    double[] sums = new double[0];
    boolean[] seen = new boolean[0];

    SumDouble(AggSpec spec) {
      super(spec);
    }

    @Override
    void grow(int cap) {
      sums = Arrays.copyOf(sums, cap);
      seen = Arrays.copyOf(seen, cap);
    }

    @Override
    void update(int[] g, Vec arg, boolean[] use, int n) {
      double[] v = VecMath.doubles(arg);
      for (int i = 0; i < n; i++) {
        if (!skip(arg, use, i)) {
          sums[g[i]] += v[i];
          seen[g[i]] = true;
        }
      }
    }

    @Override
    void merge(AggState o, int from, int to) {
      SumDouble s = (SumDouble) o;
      if (s.seen[from]) {
        sums[to] += s.sums[from];
        seen[to] = true;
      }
    }

    @Override
    Vec result(int groups) {
      // SUM of no rows is NULL; Calcite's $SUM0 of no rows is 0.
      boolean[] nulls = spec.function().equals("SUM") ? unseen(seen, groups) : null;
      return Vec.ofDoubles(spec.type(), Arrays.copyOf(sums, groups), nulls, groups);
    }
  }

  /** AVG: an exact sum of integers or decimals (or a double sum) and a count. */
  static final class Avg extends AggState {
    final boolean floating;
    final int argScale;
    long[] sums = new long[0];
    double[] dsums = new double[0];
    long[] counts = new long[0];

    /** The groups whose exact sum passed 64 bits: the part beyond {@code sums} (rare). */
    java.util.Map<Integer, java.math.BigInteger> wide;

    /** Adds {@code v} to group {@code g}'s exact sum, carrying past 64 bits into {@link #wide}. */
    private void add(int g, long v) {
      long s = sums[g] + v;
      if (((sums[g] ^ s) & (v ^ s)) < 0) {
        addWide(g, java.math.BigInteger.valueOf(sums[g]).add(java.math.BigInteger.valueOf(v)));
        sums[g] = 0;
      } else {
        sums[g] = s;
      }
    }

    private void addWide(int g, java.math.BigInteger v) {
      if (wide == null) {
        wide = new java.util.HashMap<>();
      }
      wide.merge(g, v, java.math.BigInteger::add);
    }

    Avg(AggSpec spec, ColumnType argType) {
      super(spec);
      this.floating = argType.kind().isFloating();
      this.argScale = VecMath.scaleOf(argType);
    }

    @Override
    void grow(int cap) {
      sums = Arrays.copyOf(sums, cap);
      dsums = Arrays.copyOf(dsums, cap);
      counts = Arrays.copyOf(counts, cap);
    }

    @Override
    void update(int[] g, Vec arg, boolean[] use, int n) {
      for (int i = 0; i < n; i++) {
        if (skip(arg, use, i)) continue;
        int gi = g[i];
        if (floating) {
          dsums[gi] += arg.doubles[i];
        } else {
          add(gi, arg.longs[i]);
        }
        counts[gi]++;
      }
    }

    @Override
    void merge(AggState o, int from, int to) {
      Avg a = (Avg) o;
      add(to, a.sums[from]);
      if (a.wide != null && a.wide.containsKey(from)) {
        addWide(to, a.wide.get(from));
      }
      dsums[to] += a.dsums[from];
      counts[to] += a.counts[from];
    }

    @Override
    Vec result(int groups) {
      boolean[] nulls = null;
      double[] out = new double[groups];
      double div = ColumnType.pow10(argScale);
      for (int g = 0; g < groups; g++) {
        if (counts[g] == 0) {
          if (nulls == null) nulls = new boolean[groups];
          nulls[g] = true;
        } else {
          out[g] =
              floating
                  ? dsums[g] / counts[g]
                  : wide != null && wide.containsKey(g)
                      ? new java.math.BigDecimal(
                              wide.get(g).add(java.math.BigInteger.valueOf(sums[g])))
                          .movePointLeft(argScale)
                          .divide(
                              java.math.BigDecimal.valueOf(counts[g]),
                              java.math.MathContext.DECIMAL64)
                          .doubleValue()
                      : (sums[g] / div) / counts[g];
        }
      }
      ColumnType t = spec.type();
      if (t.kind().isFloating()) {
        return Vec.ofDoubles(t, out, nulls, groups);
      }
      Vec d = Vec.ofDoubles(ColumnType.DOUBLE, out, nulls, groups);
      return ExprCompiler.CastExpr.convert(d, t);
    }
  }

  static final class MinMax extends AggState {
    final boolean max;
    final Vec.Form form;
    long[] longs = new long[0];
    double[] doubles = new double[0];
    String[] strings = new String[0];
    boolean[] seen = new boolean[0];

    MinMax(AggSpec spec, ColumnType argType) {
      super(spec);
      this.max = spec.function().equals("MAX");
      this.form = Vec.formOf(argType);
    }

    @Override
    void grow(int cap) {
      longs = Arrays.copyOf(longs, cap);
      doubles = Arrays.copyOf(doubles, cap);
      strings = Arrays.copyOf(strings, cap);
      seen = Arrays.copyOf(seen, cap);
    }

    @Override
    void update(int[] g, Vec arg, boolean[] use, int n) {
      for (int i = 0; i < n; i++) {
        if (skip(arg, use, i)) continue;
        int gi = g[i];
        switch (form) {
          case LONG -> {
            long v = arg.longs[i];
            if (!seen[gi] || (max ? v > longs[gi] : v < longs[gi])) longs[gi] = v;
          }
          case DOUBLE -> {
            double v = arg.doubles[i];
            if (!seen[gi] || (max ? v > doubles[gi] : v < doubles[gi])) doubles[gi] = v;
          }
          default -> {
            String v = arg.string(i);
            if (!seen[gi] || (max ? v.compareTo(strings[gi]) > 0 : v.compareTo(strings[gi]) < 0))
              strings[gi] = v;
          }
        }
        seen[gi] = true;
      }
    }

    @Override
    void merge(AggState o, int from, int to) {
      MinMax m = (MinMax) o;
      if (!m.seen[from]) return;
      boolean take =
          !seen[to]
              || switch (form) {
                case LONG -> max ? m.longs[from] > longs[to] : m.longs[from] < longs[to];
                case DOUBLE -> max ? m.doubles[from] > doubles[to] : m.doubles[from] < doubles[to];
                default ->
                    max
                        ? m.strings[from].compareTo(strings[to]) > 0
                        : m.strings[from].compareTo(strings[to]) < 0;
              };
      if (take) {
        longs[to] = m.longs[from];
        doubles[to] = m.doubles[from];
        strings[to] = m.strings[from];
        seen[to] = true;
      }
    }

    @Override
    Vec result(int groups) {
      boolean[] nulls = unseen(seen, groups);
      ColumnType t = spec.type();
      return switch (form) {
        case LONG -> Vec.ofLongs(t, Arrays.copyOf(longs, groups), nulls, groups);
        case DOUBLE -> Vec.ofDoubles(t, Arrays.copyOf(doubles, groups), nulls, groups);
        default -> Vec.ofStrings(t, Arrays.copyOf(strings, groups), nulls, groups);
      };
    }
  }

  /** LITERAL_AGG: the same constant for every group (Calcite's decorrelator emits it). */
  static final class Constant extends AggState {
    Constant(AggSpec spec) {
      super(spec);
    }

    @Override
    void grow(int cap) {}

    @Override
    void update(int[] groups, Vec arg, boolean[] use, int n) {}

    @Override
    void merge(AggState other, int from, int to) {}

    @Override
    Vec result(int groups) {
      return Vec.constant(spec.type(), spec.constant(), groups);
    }
  }

  /** SINGLE_VALUE (a scalar subquery): more than one row is an error. */
  static final class Single extends AggState {
    Object[] values = new Object[0];
    long[] counts = new long[0];

    Single(AggSpec spec) {
      super(spec);
    }

    @Override
    void grow(int cap) {
      values = Arrays.copyOf(values, cap);
      counts = Arrays.copyOf(counts, cap);
    }

    @Override
    void update(int[] g, Vec arg, boolean[] use, int n) {
      for (int i = 0; i < n; i++) {
        if (use != null && !use[i]) continue;
        check(++counts[g[i]]);
        values[g[i]] = arg.get(i);
      }
    }

    private void check(long count) {
      if (count > 1 && spec.function().equals("SINGLE_VALUE")) {
        throw new SqlException(
            SqlException.CARDINALITY,
            "more than one row returned by a subquery used as an expression");
      }
    }

    @Override
    void merge(AggState o, int from, int to) {
      Single s = (Single) o;
      if (s.counts[from] > 0) {
        counts[to] += s.counts[from];
        check(counts[to]);
        values[to] = s.values[from];
      }
    }

    @Override
    Vec result(int groups) {
      return Vectors.fromBoxed(spec.type(), Arrays.copyOf(values, groups), groups);
    }
  }

  /** COUNT/SUM/AVG(DISTINCT x): the distinct values of each group, folded at the end. */
  static final class Distinct extends AggState {
    final ColumnType argType;

    @SuppressWarnings("unchecked")
    Set<Object>[] sets = new Set[0];

    Distinct(AggSpec spec, ColumnType argType) {
      super(spec);
      this.argType = argType;
    }

    @Override
    void grow(int cap) {
      sets = Arrays.copyOf(sets, cap);
    }

    @Override
    void update(int[] g, Vec arg, boolean[] use, int n) {
      for (int i = 0; i < n; i++) {
        if (skip(arg, use, i)) continue;
        Set<Object> s = sets[g[i]];
        if (s == null) {
          s = sets[g[i]] = new HashSet<>();
        }
        s.add(arg.get(i));
      }
    }

    @Override
    void merge(AggState o, int from, int to) {
      Set<Object> src = ((Distinct) o).sets[from];
      if (src == null) return;
      if (sets[to] == null) {
        sets[to] = new HashSet<>();
      }
      sets[to].addAll(src);
    }

    @Override
    Vec result(int groups) {
      AggState plain = create(new AggSpec(spec.function(), 0, false, -1, spec.type()), argType);
      plain.ensure(Math.max(groups, 1));
      for (int g = 0; g < groups; g++) {
        Set<Object> s = sets[g];
        if (s == null || s.isEmpty()) continue;
        Object[] vals = s.toArray();
        int[] gid = new int[vals.length];
        Arrays.fill(gid, g);
        Vec v = Vectors.fromBoxed(argType, vals, vals.length);
        plain.update(gid, v, null, vals.length);
      }
      return plain.result(groups);
    }
  }

  static boolean isText(ColumnType t) {
    return t.kind().isStringBased();
  }
}
