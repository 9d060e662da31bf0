package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code generate_series(start, stop, step)}: the integers from start towards stop, made a morsel
 * at a time (so a long series streams like a table scan).
 */
public final class SeriesNode extends PhysicalNode {
  private final long start;
  private final long step;
  private final long count;

  public SeriesNode(ColumnType type, long start, long stop, long step) {
    super(new ColumnType[] {type});
    if (step == 0) {
      throw new SqlException(SqlException.INVALID_PARAMETER, "step size cannot equal zero");
    }
    this.start = start;
    this.step = step;
    long span = step > 0 ? stop - start : start - stop;
    this.count = span < 0 ? 0 : span / Math.abs(step) + 1;
  }

  @Override
  public Source open(ExecContext ctx) {
    int morsels = (int) ((count + ScanNode.MORSEL - 1) / ScanNode.MORSEL);
    return new Source() {
      @Override
      public int morsels() {
        return morsels;
      }

      @Override
      public void run(int m, Consumer<Batch> out) {
        long from = (long) m * ScanNode.MORSEL;
        int n = (int) Math.min(ScanNode.MORSEL, count - from);
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
          v[i] = start + (from + i) * step;
        }
        out.accept(new Batch(new Vec[] {Vec.ofLongs(types[0], v, null, n)}, n));
      }
    };
  }

  @Override
  public double estimate() {
    return count;
  }

  @Override
  public String describe() {
    return "Series start=" + start + " step=" + step + " rows=" + count;
  }

  @Override
  public List<PhysicalNode> children() {
    return List.of();
  }
}
