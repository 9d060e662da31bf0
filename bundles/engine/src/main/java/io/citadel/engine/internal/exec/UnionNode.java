package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** UNION ALL: every input's rows (DISTINCT is an aggregation on top). */
public final class UnionNode extends PhysicalNode {
  private final List<PhysicalNode> inputs;

  public UnionNode(List<PhysicalNode> inputs) {
    this(inputs, inputs.get(0).types());
  }

  /** The inputs' rows as {@code types}, the union's own (each input's columns converted). */
  public UnionNode(List<PhysicalNode> inputs, ColumnType[] types) {
    super(types);
    this.inputs = inputs;
  }

  @Override
  public Source open(ExecContext ctx) {
    List<Source> sources = new ArrayList<>();
    for (PhysicalNode n : inputs) {
      sources.add(n.open(ctx));
    }
    int[] starts = new int[sources.size() + 1];
    for (int i = 0; i < sources.size(); i++) {
      starts[i + 1] = starts[i] + sources.get(i).morsels();
    }
    return new Source() {
      @Override
      public int morsels() {
        return starts[sources.size()];
      }

      @Override
      public void run(int m, Consumer<Batch> out) {
        int s = 0;
        while (starts[s + 1] <= m) {
          s++;
        }
        sources.get(s).run(m - starts[s], b -> out.accept(retype(b)));
      }
    };
  }

  private Batch retype(Batch b) {
    Vec[] cols = new Vec[types.length];
    for (int i = 0; i < cols.length; i++) {
      cols[i] = ExprCompiler.CastExpr.convert(b.cols[i], types[i]);
    }
    return new Batch(cols, b.size);
  }

  @Override
  public double estimate() {
    return inputs.stream().mapToDouble(PhysicalNode::estimate).sum();
  }

  @Override
  public String describe() {
    return "Union all";
  }

  @Override
  public List<PhysicalNode> children() {
    return inputs;
  }
}
