package io.citadel.engine.internal.exec;

import java.util.List;

/** Keeps the rows for which a condition is true (not false, not NULL). */
public final class FilterNode extends PhysicalNode {
  private final PhysicalNode input;
  private final Expr condition;

  public FilterNode(PhysicalNode input, Expr condition) {
    super(input.types());
    this.input = input;
    this.condition = condition;
  }

  @Override
  public Source open(ExecContext ctx) {
    return input.open(ctx).map(b -> filter(condition, b));
  }

  @Override
  public Source open(ExecContext ctx, List<ExprCompiler.ColumnRange> ranges) {
    return input.open(ctx, ranges).map(b -> filter(condition, b));
  }

  public static Batch filter(Expr condition, Batch b) {
    Vec v = condition.eval(b);
    int[] sel = new int[b.size];
    int n = 0;
    long[] l = v.longs;
    boolean[] nn = v.nulls;
    for (int i = 0; i < b.size; i++) {
      if (l[i] != 0 && (nn == null || !nn[i])) {
        sel[n++] = i;
      }
    }
    return n == b.size ? b : b.gather(sel, n);
  }

  @Override
  public double estimate() {
    return Math.max(1, input.estimate() * 0.5);
  }

  @Override
  public String describe() {
    return "Filter";
  }

  @Override
  public List<PhysicalNode> children() {
    return List.of(input);
  }
}
