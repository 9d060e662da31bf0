package io.citadel.engine.internal.storage;

import java.util.Map;

/** A fragment held in memory: the table's tail, or one filled but not yet written out. */
final class MemoryFragment extends Fragment {
  private final Map<Integer, ColumnData> columns;
  private final Map<Integer, ColumnStats> stats;

  MemoryFragment(
      int seq, int rows, Map<Integer, ColumnData> columns, Map<Integer, ColumnStats> stats) {
    super(seq, rows);
    this.columns = Map.copyOf(columns);
    this.stats = Map.copyOf(stats);
  }

  @Override
  public ColumnStats stats(int columnId) {
    return stats.get(columnId);
  }

  @Override
  public ColumnData column(int columnId) {
    return columns.get(columnId);
  }

  @Override
  public boolean inMemory() {
    return true;
  }

  Map<Integer, ColumnData> columns() {
    return columns;
  }

  Map<Integer, ColumnStats> allStats() {
    return stats;
  }
}
