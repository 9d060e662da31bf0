package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.TypeKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** ORDER BY with OFFSET and LIMIT, or OFFSET/LIMIT alone (which stops reading early). */
public final class SortNode extends PhysicalNode {
  /** One sort key. */
  public record Key(int column, boolean descending, boolean nullsFirst) {}

  private final PhysicalNode input;
  private final List<Key> keys;
  private final long offset;
  private final long fetch;

  /**
   * @param fetch the row limit, or -1
   */
  public SortNode(PhysicalNode input, List<Key> keys, long offset, long fetch) {
    super(input.types());
    this.input = input;
    this.keys = keys;
    this.offset = offset;
    this.fetch = fetch;
  }

  @Override
  public Source open(ExecContext ctx) {
    Source in = input.open(ctx);
    List<Batch> batches;
    if (keys.isEmpty() && fetch >= 0) {
      long want = offset + fetch;
      AtomicLong have = new AtomicLong();
      batches = new ArrayList<>();
      List<Batch> sink = batches;
      for (int m = 0; m < in.morsels() && have.get() < want; m++) {
        ctx.checkCancelled();
        in.run(
            m,
            b -> {
              if (have.get() < want) {
                sink.add(b);
                have.addAndGet(b.size);
              }
            });
      }
    } else {
      batches = ctx.collect(in, "ORDER BY");
    }
    int n = 0;
    long held = 0;
    for (Batch b : batches) {
      n += b.size;
      held += QueryMemory.bytes(b);
    }
    // the columns laid end to end, and the order
    ctx.memory().reserve(held + 4L * n, keys.isEmpty() ? "LIMIT" : "ORDER BY");
    Vec[] cols = new Vec[types.length];
    for (int c = 0; c < types.length; c++) {
      List<Vec> parts = new ArrayList<>();
      for (Batch b : batches) {
        parts.add(b.cols[c] == null ? Vec.nulls(types[c], b.size) : b.cols[c]);
      }
      cols[c] = Vec.concat(types[c], parts);
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    if (!keys.isEmpty()) {
      Vec[] sortCols = new Vec[keys.size()];
      for (int k = 0; k < sortCols.length; k++) {
        sortCols[k] = cols[keys.get(k).column()].decoded();
      }
      IntSort.sort(order, (a, b) -> compare(sortCols, a, b));
    }
    int from = (int) Math.min(n, offset);
    int to = fetch < 0 ? n : (int) Math.min(n, offset + fetch);
    int[] sel = new int[to - from];
    System.arraycopy(order, from, sel, 0, sel.length);
    if (sel.length == 0) {
      return Source.of(List.of());
    }
    return Source.of(List.of(new Batch(cols, n).gather(sel, sel.length)));
  }

  private int compare(Vec[] cols, int a, int b) {
    return compare(keys, cols, a, b);
  }

  /**
   * Rows {@code a} and {@code b} compared on {@code cols} (decoded, one per key, in the keys'
   * order), as the keys direct.
   */
  static int compare(List<Key> keys, Vec[] cols, int a, int b) {
    for (int k = 0; k < cols.length; k++) {
      Key key = keys.get(k);
      Vec v = cols[k];
      boolean na = v.isNull(a);
      boolean nb = v.isNull(b);
      int c;
      if (na || nb) {
        if (na && nb) continue;
        c = na == key.nullsFirst() ? -1 : 1;
        return c;
      }
      c =
          switch (v.form) {
            case LONG -> Long.compare(v.longs[a], v.longs[b]);
            case DOUBLE -> Double.compare(v.doubles[a], v.doubles[b]);
            default ->
                v.type.kind() == TypeKind.NUMERIC
                    ? new java.math.BigDecimal(v.strings[a])
                        .compareTo(new java.math.BigDecimal(v.strings[b]))
                    : v.strings[a].compareTo(v.strings[b]);
          };
      if (c != 0) {
        return key.descending() ? -c : c;
      }
    }
    return 0;
  }

  @Override
  public double estimate() {
    double e = input.estimate();
    return fetch >= 0 ? Math.min(e, fetch) : e;
  }

  @Override
  public String describe() {
    return (keys.isEmpty() ? "Limit" : "Sort keys=" + keys.size())
        + (offset > 0 ? " offset=" + offset : "")
        + (fetch >= 0 ? " fetch=" + fetch : "");
  }

  @Override
  public List<PhysicalNode> children() {
    return List.of(input);
  }
}
