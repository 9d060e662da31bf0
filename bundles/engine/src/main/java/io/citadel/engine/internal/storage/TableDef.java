package io.citadel.engine.internal.storage;

import io.citadel.engine.internal.types.ColumnType;
import java.util.ArrayList;
import java.util.List;

/**
 * A table's schema. The fragment size is fixed when the table is created so that replaying the
 * write-ahead log always cuts fragments at the same rows.
 */
public record TableDef(
    int id,
    String name,
    int fragmentSize,
    int nextColumnId,
    List<ColumnDef> columns,
    Constraints constraints) {

  public TableDef {
    columns = List.copyOf(columns);
    constraints = constraints == null ? Constraints.NONE : constraints;
  }

  public TableDef(
      int id, String name, int fragmentSize, int nextColumnId, List<ColumnDef> columns) {
    this(id, name, fragmentSize, nextColumnId, columns, Constraints.NONE);
  }

  /** The column's position in the table, or -1. Names are case-sensitive, as in PostgreSQL. */
  public int indexOf(String column) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(column)) {
        return i;
      }
    }
    return -1;
  }

  /** The position of the column with id {@code columnId}, or -1. */
  public int indexOfId(int columnId) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).id() == columnId) {
        return i;
      }
    }
    return -1;
  }

  public TableDef withColumn(String name, ColumnType type) {
    List<ColumnDef> cols = new ArrayList<>(columns);
    cols.add(new ColumnDef(nextColumnId, name, type, false));
    return new TableDef(id, this.name, fragmentSize, nextColumnId + 1, cols, constraints);
  }

  public TableDef withConstraints(Constraints c) {
    return new TableDef(id, name, fragmentSize, nextColumnId, columns, c);
  }

  /** The names of a key's columns, in key order. */
  public List<String> columnNames(List<Integer> ids) {
    List<String> out = new ArrayList<>();
    for (int c : ids) {
      int i = indexOfId(c);
      out.add(i < 0 ? "?" : columns.get(i).name());
    }
    return out;
  }
}
