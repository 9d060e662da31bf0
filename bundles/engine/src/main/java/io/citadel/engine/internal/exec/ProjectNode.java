package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;
import java.util.List;

/** Computes output columns from each input row. */
public final class ProjectNode extends PhysicalNode {
  private final PhysicalNode input;
  private final List<Expr> exprs;

  public ProjectNode(PhysicalNode input, List<Expr> exprs) {
    super(exprs.stream().map(Expr::type).toArray(ColumnType[]::new));
    this.input = input;
    this.exprs = exprs;
  }

  @Override
  public Source open(ExecContext ctx) {
    return input.open(ctx).map(this::project);
  }

  @Override
  public Source open(ExecContext ctx, List<ExprCompiler.ColumnRange> ranges) {
    List<ExprCompiler.ColumnRange> below = new java.util.ArrayList<>();
    for (ExprCompiler.ColumnRange r : ranges) {
      if (exprs.get(r.column()) instanceof ExprCompiler.InputRef ref) {
        below.add(new ExprCompiler.ColumnRange(ref.index(), r.lo(), r.hi()));
      }
    }
    return input.open(ctx, below).map(this::project);
  }

  private Batch project(Batch b) {
    Vec[] cols = new Vec[exprs.size()];
    for (int i = 0; i < cols.length; i++) {
      cols[i] = exprs.get(i).eval(b);
    }
    return new Batch(cols, b.size, b.rowIds);
  }

  @Override
  public double estimate() {
    return input.estimate();
  }

  @Override
  public String describe() {
    return "Project " + exprs.size() + " columns";
  }

  @Override
  public List<PhysicalNode> children() {
    return List.of(input);
  }
}
