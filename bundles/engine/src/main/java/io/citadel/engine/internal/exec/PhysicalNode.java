package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;
import java.util.List;

/**
 * An operator of a physical plan. {@link #open} does the blocking work below it (builds hash
 * tables, aggregates, sorts) and answers the source of its output, which later operators extend
 * into a pipeline.
 */
public abstract class PhysicalNode {
  protected final ColumnType[] types;

  protected PhysicalNode(ColumnType[] types) {
    this.types = types;
  }

  public ColumnType[] types() {
    return types;
  }

  public abstract Source open(ExecContext ctx);

  /**
   * Opens this node knowing that only rows whose output columns lie in the given ranges will be
   * used (a join learns them from its built side): a node that can skip other rows early does, the
   * others ignore the hint. Callers still check every row they get.
   */
  public Source open(ExecContext ctx, List<ExprCompiler.ColumnRange> ranges) {
    return open(ctx);
  }

  /** Rows this operator is expected to produce, for choosing join sides. */
  public abstract double estimate();

  /** One line for EXPLAIN, without children. */
  public abstract String describe();

  public abstract List<PhysicalNode> children();

  /** The plan as indented text. */
  public final String explain() {
    StringBuilder sb = new StringBuilder();
    explain(sb, 0);
    return sb.toString();
  }

  private void explain(StringBuilder sb, int depth) {
    sb.append("  ".repeat(depth)).append(describe()).append('\n');
    for (PhysicalNode c : children()) {
      c.explain(sb, depth + 1);
    }
  }
}
