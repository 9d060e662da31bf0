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
        sortCols[k] = sortable(cols[keys.get(k).column()]);
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

  /**
   * A column as its rows compare: decoded, and a numeric's values as text that sorts as the numbers
   * do (see {@link #orderKey}), so that no comparison parses a number.
   */
  static Vec sortable(Vec v) {
    Vec d = v.decoded();
    if (d.type.kind() != TypeKind.NUMERIC) {
      return d;
    }
    String[] keys = new String[d.size];
    for (int i = 0; i < d.size; i++) {
      keys[i] = d.isNull(i) ? null : orderKey(new java.math.BigDecimal(d.strings[i]));
    }
    return Vec.ofStrings(io.citadel.engine.internal.types.ColumnType.TEXT, keys, d.nulls, d.size);
  }

  /**
   * Text whose order is the order of the numbers: a sign class, then the place of the first digit
   * (offset to be positive, and reversed for negative numbers), then the digits (each complemented
   * for negative numbers, which end with a mark above every digit, so a longer magnitude comes
   * first).
   */
  static String orderKey(java.math.BigDecimal n) {
    if (n.signum() == 0) {
      return "B";
    }
    java.math.BigDecimal m = n.abs().stripTrailingZeros();
    long place = (long) m.precision() - m.scale() + 1_000_000L; // 0 < place < 2,000,000
    String digits = m.unscaledValue().toString();
    if (n.signum() > 0) {
      return "C" + String.format(java.util.Locale.ROOT, "%07d", place) + digits;
    }
    StringBuilder out = new StringBuilder(digits.length() + 9).append('A');
    out.append(String.format(java.util.Locale.ROOT, "%07d", 2_000_000L - place));
    for (int i = 0; i < digits.length(); i++) {
      out.append((char) ('9' - digits.charAt(i) + '0'));
    }
    return out.append('~').toString();
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
            default -> v.strings[a].compareTo(v.strings[b]);
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
