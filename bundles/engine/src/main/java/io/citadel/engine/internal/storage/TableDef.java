package io.citadel.engine.internal.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * A table's schema. The fragment size is fixed when the table is created so that replaying the
 * write-ahead log always cuts fragments at the same rows.
 */
public record TableDef(
    int id, String name, int fragmentSize, int nextColumnId, List<ColumnDef> columns) {

  public TableDef {
    columns = List.copyOf(columns);
  }

  /** The column's position in the table, or -1. Names are case-insensitive. */
  public int indexOf(String column) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(column)) {
        return i;
      }
    }
    return -1;
  }

  public TableDef withColumn(String name, io.citadel.engine.internal.types.ColumnType type) {
    List<ColumnDef> cols = new ArrayList<>(columns);
    cols.add(new ColumnDef(nextColumnId, name, type, false));
    return new TableDef(id, this.name, fragmentSize, nextColumnId + 1, cols);
  }
}
