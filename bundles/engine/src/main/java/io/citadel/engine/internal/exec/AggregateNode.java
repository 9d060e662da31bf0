package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;
import java.util.ArrayList;
import java.util.List;

/**
 * Hash aggregation. Each worker aggregates its morsels into its own table; the tables are then
 * merged. Group keys are hashed as {@code long}s (see {@link Keys}).
 */
public final class AggregateNode extends PhysicalNode {
  private final PhysicalNode input;
  private final int[] groupBy;
  private final List<AggSpec> aggs;

  public AggregateNode(PhysicalNode input, int[] groupBy, List<AggSpec> aggs) {
    super(outputTypes(input, groupBy, aggs));
    this.input = input;
    this.groupBy = groupBy;
    this.aggs = aggs;
  }

  private static ColumnType[] outputTypes(PhysicalNode input, int[] groupBy, List<AggSpec> aggs) {
    ColumnType[] t = new ColumnType[groupBy.length + aggs.size()];
    for (int i = 0; i < groupBy.length; i++) {
      t[i] = input.types()[groupBy[i]];
    }
    for (int i = 0; i < aggs.size(); i++) {
      t[groupBy.length + i] = aggs.get(i).type();
    }
    return t;
  }

  private final class Partial {
    final GroupTable table = new GroupTable(Math.max(groupBy.length, 1), 1024);
    final AggState[] states = new AggState[aggs.size()];
    final Keys keys;
    final ExecContext ctx;
    private int accounted;

    Partial(Keys keys, ExecContext ctx) {
      this.keys = keys;
      this.ctx = ctx;
      for (int i = 0; i < states.length; i++) {
        AggSpec a = aggs.get(i);
        states[i] = AggState.create(a, a.arg() < 0 ? ColumnType.BIGINT : input.types()[a.arg()]);
      }
      if (groupBy.length == 0) {
        table.findOrAdd(new long[1], 0);
        for (AggState s : states) {
          s.ensure(1);
        }
      }
    }

    void add(Batch b) {
      int n = b.size;
      int[] groups;
      if (groupBy.length == 0) {
        groups = new int[n];
      } else {
        long[][] cols = new long[groupBy.length][];
        boolean[][] nulls = new boolean[groupBy.length][];
        for (int k = 0; k < groupBy.length; k++) {
          Vec v = b.cols[groupBy[k]];
          cols[k] = keys.keys(v, true);
          nulls[k] = v.nulls;
        }
        groups = table.groups(cols, nulls, n);
      }
      for (int i = 0; i < states.length; i++) {
        AggSpec a = aggs.get(i);
        states[i].ensure(table.size);
        boolean[] use = null;
        if (a.filter() >= 0) {
          Vec f = b.cols[a.filter()];
          use = new boolean[n];
          for (int r = 0; r < n; r++) {
            use[r] = f.longs[r] != 0 && !f.isNull(r);
          }
        }
        states[i].update(groups, a.arg() < 0 ? null : b.cols[a.arg()], use, n);
      }
      if (table.size > accounted) {
        // each group's keys, null mask, two hash slots and its aggregates' states
        long perGroup = 8L * Math.max(groupBy.length, 1) + 16 + 16L * states.length;
        ctx.memory().reserve((table.size - accounted) * perGroup, "GROUP BY");
        accounted = table.size;
      }
    }
  }

  @Override
  public Source open(ExecContext ctx) {
    Source in = input.open(ctx);
    Keys keys = new Keys();
    List<Partial> parts = ctx.drive(in, () -> new Partial(keys, ctx), Partial::add);
    Partial total = parts.get(0);
    for (int p = 1; p < parts.size(); p++) {
      Partial o = parts.get(p);
      long[] row = new long[Math.max(groupBy.length, 1)];
      for (int g = 0; g < o.table.size; g++) {
        for (int k = 0; k < row.length; k++) {
          row[k] = o.table.keys[k][g];
        }
        int to = total.table.findOrAdd(row, o.table.nullMasks[g]);
        for (int i = 0; i < total.states.length; i++) {
          total.states[i].ensure(total.table.size);
          o.states[i].ensure(o.table.size);
          total.states[i].merge(o.states[i], g, to);
        }
      }
    }
    int groups = total.table.size;
    Vec[] cols = new Vec[types.length];
    for (int k = 0; k < groupBy.length; k++) {
      cols[k] = keyColumn(total.table, k, types[k], groups, keys);
    }
    for (int i = 0; i < aggs.size(); i++) {
      total.states[i].ensure(Math.max(groups, 1));
      cols[groupBy.length + i] = total.states[i].result(groups);
    }
    List<Batch> out = new ArrayList<>();
    if (groups > 0) {
      // hand the result on in morsel-sized slices so later operators run in parallel
      Batch all = new Batch(cols, groups);
      for (int from = 0; from < groups; from += ScanNode.MORSEL) {
        int n = Math.min(ScanNode.MORSEL, groups - from);
        if (from == 0 && n == groups) {
          out.add(all);
        } else {
          int[] sel = new int[n];
          for (int i = 0; i < n; i++) sel[i] = from + i;
          out.add(all.gather(sel, n));
        }
      }
    }
    return Source.of(out);
  }

  private static Vec keyColumn(GroupTable t, int k, ColumnType type, int groups, Keys keys) {
    boolean[] nulls = null;
    for (int g = 0; g < groups; g++) {
      if ((t.nullMasks[g] & (1L << k)) != 0) {
        if (nulls == null) nulls = new boolean[groups];
        nulls[g] = true;
      }
    }
    long[] raw = java.util.Arrays.copyOf(t.keys[k], groups);
    switch (Vec.formOf(type)) {
      case LONG:
        return Vec.ofLongs(type, raw, nulls, groups);
      case DOUBLE:
        {
          double[] d = new double[groups];
          for (int g = 0; g < groups; g++) d[g] = Double.longBitsToDouble(raw[g]);
          return Vec.ofDoubles(type, d, nulls, groups);
        }
      default:
        {
          String[] s = new String[groups];
          for (int g = 0; g < groups; g++) {
            s[g] = nulls != null && nulls[g] ? null : keys.string(raw[g]);
          }
          return Vec.ofStrings(type, s, nulls, groups);
        }
    }
  }

  @Override
  public double estimate() {
    return groupBy.length == 0 ? 1 : Math.max(1, input.estimate() / 10);
  }

  @Override
  public String describe() {
    List<String> a = new ArrayList<>();
    for (AggSpec s : aggs) {
      a.add(s.function() + (s.distinct() ? "(DISTINCT)" : ""));
    }
    return "HashAggregate keys=" + groupBy.length + " aggregates=" + a;
  }

  @Override
  public List<PhysicalNode> children() {
    return List.of(input);
  }
}
