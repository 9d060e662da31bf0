package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.Numeric;
import io.citadel.engine.internal.types.SqlException;
import io.citadel.engine.internal.types.TypeKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;

/** The running state of one aggregate call for every group of one worker. */
abstract class AggState {
  final AggSpec spec;
  int capacity;

  AggState(AggSpec spec) {
    this.spec = spec;
  }

  static AggState create(AggSpec spec, ColumnType argType) {
    if (argType != null
        && argType.kind() == TypeKind.INTERVAL
        && argType.scale() == 0
        && List.of("SUM", "$SUM0", "SUM0", "AVG").contains(spec.function())) {
      throw new SqlException(
          SqlException.FEATURE_NOT_SUPPORTED,
          spec.function().toLowerCase(java.util.Locale.ROOT)
              + " of intervals with months is not supported");
    }
    if (spec.distinct() && !spec.function().equals("MIN") && !spec.function().equals("MAX")) {
      return new Distinct(spec, argType);
    }
    return switch (spec.function()) {
      case "COUNT" -> new Count(spec);
      case "SUM", "$SUM0", "SUM0" ->
          spec.type().kind().isFloating()
              ? new SumDouble(spec)
              : argType.kind() == TypeKind.NUMERIC
                  ? new SumNumeric(spec)
                  : new SumLong(spec, argType);
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

  /**
   * Exact sums of {@code long}s (integers, or decimals' unscaled values) per group: in a {@code
   * long} while they fit, the groups that pass 64 bits carried on in {@link BigInteger}s (rare).
   */
  static final class ExactSums {
    long[] sums = new long[0];
    java.util.Map<Integer, BigInteger> wide;

    void grow(int cap) {
      sums = Arrays.copyOf(sums, cap);
    }

    /** Adds {@code v} to group {@code g}; false when the sum left 64 bits (it is kept exactly). */
    boolean add(int g, long v) {
      long s = sums[g] + v;
      if (((sums[g] ^ s) & (v ^ s)) < 0) {
        addWide(g, BigInteger.valueOf(sums[g]).add(BigInteger.valueOf(v)));
        sums[g] = 0;
        return false;
      }
      sums[g] = s;
      return true;
    }

    private void addWide(int g, BigInteger v) {
      if (wide == null) {
        wide = new java.util.HashMap<>();
      }
      wide.merge(g, v, BigInteger::add);
    }

    void merge(ExactSums o, int from, int to) {
      add(to, o.sums[from]);
      if (o.wide != null && o.wide.containsKey(from)) {
        addWide(to, o.wide.get(from));
      }
    }

    boolean isWide(int g) {
      return wide != null && wide.containsKey(g);
    }

    BigDecimal value(int g, int scale) {
      BigInteger v = BigInteger.valueOf(sums[g]);
      if (isWide(g)) {
        v = v.add(wide.get(g));
      }
      return new BigDecimal(v, scale);
    }
  }

  /**
   * SUM of integers or decimals: a BIGINT for smaller integers (which cannot pass 64 bits before
   * this fails with 22003), a numeric for bigints and decimals, exact whatever its size.
   */
  static final class SumLong extends AggState {
    final int argScale;
    final int outScale;
    final boolean numeric;
    final ExactSums sums = new ExactSums();
    boolean[] seen = new boolean[0];

    SumLong(AggSpec spec, ColumnType argType) {
      super(spec);
      this.argScale = VecMath.scaleOf(argType);
      this.numeric = spec.type().kind() == TypeKind.NUMERIC;
      this.outScale = numeric ? argScale : VecMath.scaleOf(spec.type());
    }

    @Override
    void grow(int cap) {
      sums.grow(cap);
      seen = Arrays.copyOf(seen, cap);
    }

    @Override
    void update(int[] g, Vec arg, boolean[] use, int n) {
      long[] v = argScale == outScale ? arg.longs : VecMath.scaled(arg, outScale);
      boolean fast = use == null && arg.nulls == null;
      for (int i = 0; i < n; i++) {
        if (fast || !skip(arg, use, i)) {
          int gi = g[i];
          if (!sums.add(gi, v[i]) && !numeric) {
            throw VecMath.overflow(spec.type());
          }
          seen[gi] = true;
        }
      }
    }

    @Override
    void merge(AggState o, int from, int to) {
      SumLong s = (SumLong) o;
      if (s.seen[from]) {
        sums.merge(s.sums, from, to);
        if (!numeric && sums.isWide(to)) {
          throw VecMath.overflow(spec.type());
        }
        seen[to] = true;
      }
    }

    @Override
    Vec result(int groups) {
      // SUM of no rows is NULL; Calcite's $SUM0 of no rows is 0.
      boolean[] nulls = spec.function().equals("SUM") ? unseen(seen, groups) : null;
      if (!numeric) {
        return Vec.ofLongs(spec.type(), Arrays.copyOf(sums.sums, groups), nulls, groups);
      }
      String[] out = new String[groups];
      for (int g = 0; g < groups; g++) {
        out[g] = Numeric.text(sums.value(g, outScale));
      }
      return Vec.ofStrings(spec.type(), out, nulls, groups);
    }
  }

  /** SUM of numerics: exact, at the largest scale among the values. */
  static final class SumNumeric extends AggState {
    BigDecimal[] sums = new BigDecimal[0];

    SumNumeric(AggSpec spec) {
      super(spec);
    }

    @Override
    void grow(int cap) {
      sums = Arrays.copyOf(sums, cap);
    }

    @Override
    void update(int[] g, Vec arg, boolean[] use, int n) {
      for (int i = 0; i < n; i++) {
        if (!skip(arg, use, i)) {
          BigDecimal v = VecMath.decimal(arg, i);
          sums[g[i]] = sums[g[i]] == null ? v : sums[g[i]].add(v);
        }
      }
    }

    @Override
    void merge(AggState o, int from, int to) {
      BigDecimal v = ((SumNumeric) o).sums[from];
      if (v != null) {
        sums[to] = sums[to] == null ? v : sums[to].add(v);
      }
    }

    @Override
    Vec result(int groups) {
      String[] out = new String[groups];
      boolean[] nulls = null;
      for (int g = 0; g < groups; g++) {
        if (sums[g] != null) {
          out[g] = Numeric.text(sums[g]);
        } else if (spec.function().equals("SUM")) {
          if (nulls == null) nulls = new boolean[groups];
          nulls[g] = true;
        } else {
          out[g] = "0";
        }
      }
      return Vec.ofStrings(spec.type(), out, nulls, groups);
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

  /**
   * AVG: of integers and decimals an exact sum and a count, divided as PostgreSQL divides numerics
   * (a numeric result); of numerics the same with a numeric sum; of floats a double sum.
   */
  static final class Avg extends AggState {
    final boolean floating;
    final boolean numericArg;
    final int argScale;
    final ExactSums sums = new ExactSums();
    BigDecimal[] bigSums = new BigDecimal[0];
    double[] dsums = new double[0];
    long[] counts = new long[0];

    Avg(AggSpec spec, ColumnType argType) {
      super(spec);
      this.floating = argType.kind().isFloating();
      this.numericArg = argType.kind() == TypeKind.NUMERIC;
      this.argScale = VecMath.scaleOf(argType);
    }

    @Override
    void grow(int cap) {
      sums.grow(cap);
      bigSums = Arrays.copyOf(bigSums, cap);
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
        } else if (numericArg) {
          BigDecimal v = VecMath.decimal(arg, i);
          bigSums[gi] = bigSums[gi] == null ? v : bigSums[gi].add(v);
        } else {
          sums.add(gi, arg.longs[i]);
        }
        counts[gi]++;
      }
    }

    @Override
    void merge(AggState o, int from, int to) {
      Avg a = (Avg) o;
      sums.merge(a.sums, from, to);
      if (a.bigSums[from] != null) {
        bigSums[to] = bigSums[to] == null ? a.bigSums[from] : bigSums[to].add(a.bigSums[from]);
      }
      dsums[to] += a.dsums[from];
      counts[to] += a.counts[from];
    }

    @Override
    Vec result(int groups) {
      boolean[] nulls = null;
      Object[] out = new Object[groups];
      ColumnType t = spec.type();
      for (int g = 0; g < groups; g++) {
        if (counts[g] == 0) {
          continue;
        }
        if (floating) {
          out[g] = dsums[g] / counts[g];
          continue;
        }
        BigDecimal sum = numericArg ? bigSums[g] : sums.value(g, argScale);
        BigDecimal avg = Numeric.divide(sum, BigDecimal.valueOf(counts[g]));
        if (t.kind() == TypeKind.INTERVAL) {
          // an interval's milliseconds, averaged to the nearest one
          out[g] = avg.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
          continue;
        }
        out[g] =
            t.kind() == TypeKind.NUMERIC
                ? Numeric.text(avg)
                : t.assign(Numeric.text(avg), ColumnType.NUMERIC);
      }
      return Vectors.fromBoxed(t, out, groups);
    }
  }

  static final class MinMax extends AggState {
    final boolean max;
    final Vec.Form form;
    long[] longs = new long[0];
    double[] doubles = new double[0];
    String[] strings = new String[0];
    boolean[] seen = new boolean[0];

    /** Whether the values are numerics, compared by value rather than as text. */
    final boolean numeric;

    MinMax(AggSpec spec, ColumnType argType) {
      super(spec);
      this.max = spec.function().equals("MAX");
      this.form = Vec.formOf(argType);
      this.numeric = argType.kind() == TypeKind.NUMERIC;
    }

    private int compareText(String a, String b) {
      return numeric ? Numeric.compare(a, b) : a.compareTo(b);
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
            // a later value equal to the best so far takes its place, as in PostgreSQL (for a
            // numeric, 1.5 after 1.50 is the one shown)
            int c = seen[gi] ? compareText(v, strings[gi]) : 0;
            if (!seen[gi] || (max ? c > 0 : c < 0) || (numeric && c == 0)) strings[gi] = v;
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
                        ? compareText(m.strings[from], strings[to]) > 0
                        : compareText(m.strings[from], strings[to]) < 0;
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
    java.util.Map<Object, Object>[] sets = new java.util.Map[0];

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
        java.util.Map<Object, Object> s = sets[g[i]];
        if (s == null) {
          s = sets[g[i]] = new java.util.HashMap<>();
        }
        Object v = arg.get(i);
        // numerics and jsonb by value, as grouping keys them: 1.0 and 1.00 are one value
        s.putIfAbsent(v instanceof String t ? Keys.valueKey(arg.type.kind(), t) : v, v);
      }
    }

    @Override
    void merge(AggState o, int from, int to) {
      java.util.Map<Object, Object> src = ((Distinct) o).sets[from];
      if (src == null) return;
      if (sets[to] == null) {
        sets[to] = new java.util.HashMap<>();
      }
      src.forEach(sets[to]::putIfAbsent);
    }

    @Override
    Vec result(int groups) {
      AggState plain = create(new AggSpec(spec.function(), 0, false, -1, spec.type()), argType);
      plain.ensure(Math.max(groups, 1));
      for (int g = 0; g < groups; g++) {
        java.util.Map<Object, Object> s = sets[g];
        if (s == null || s.isEmpty()) continue;
        Object[] vals = s.values().toArray();
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
