package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;
import java.util.List;

/** Literal rows (VALUES, and SELECT without FROM). */
public final class ValuesNode extends PhysicalNode {
  private final List<List<Object>> rows;

  public ValuesNode(ColumnType[] types, List<List<Object>> rows) {
    super(types);
    this.rows = rows;
  }

  @Override
  public Source open(ExecContext ctx) {
    int n = rows.size();
    Vec[] cols = new Vec[types.length];
    for (int c = 0; c < types.length; c++) {
      Object[] vals = new Object[n];
      for (int r = 0; r < n; r++) {
        vals[r] = rows.get(r).get(c);
      }
      cols[c] = Vectors.fromBoxed(types[c], vals, n);
    }
    return Source.of(n == 0 ? List.of() : List.of(new Batch(cols, n)));
  }

  @Override
  public double estimate() {
    return rows.size();
  }

  @Override
  public String describe() {
    return "Values " + rows.size() + " rows";
  }

  @Override
  public List<PhysicalNode> children() {
    return List.of();
  }
}
