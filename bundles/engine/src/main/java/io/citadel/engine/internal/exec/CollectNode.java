package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ArrayForm;
import io.citadel.engine.internal.types.ColumnType;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ARRAY(subquery)} of a subquery that reads nothing of the outer row: every value of its one
 * column, in the subquery's order, as one array value (in the text form arrays have here).
 */
public final class CollectNode extends PhysicalNode {
  private final PhysicalNode input;

  public CollectNode(PhysicalNode input, ColumnType arrayType) {
    super(new ColumnType[] {arrayType});
    this.input = input;
  }

  @Override
  public Source open(ExecContext ctx) {
    List<String> elements = new ArrayList<>();
    for (Batch b : ctx.collect(input.open(ctx), "ARRAY(subquery)")) {
      Vec v = b.cols[0];
      for (int i = 0; i < b.size; i++) {
        elements.add(v.isNull(i) ? null : v.type.format(v.get(i)));
      }
    }
    Vec array = Vectors.fromBoxed(types[0], new Object[] {ArrayForm.format(elements)}, 1);
    return Source.of(List.of(new Batch(new Vec[] {array}, 1)));
  }

  @Override
  public double estimate() {
    return 1;
  }

  @Override
  public String describe() {
    return "Collect";
  }

  @Override
  public List<PhysicalNode> children() {
    return List.of(input);
  }
}
