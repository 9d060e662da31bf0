package io.citadel.engine.internal.storage;

import io.citadel.engine.internal.types.ColumnType;
import java.util.ArrayList;
import java.util.List;

/**
 * A read-only table made in memory from rows, scanned like any other: the system catalog's views of
 * the store (pg_class, information_schema.columns ...), built when a statement reads them.
 */
public final class VirtualTable {
  private VirtualTable() {}

  /** A column of a virtual table. */
  public record Column(String name, ColumnType type) {}

  /**
   * A snapshot holding {@code rows}, each an array of boxed physical values in column order (see
   * {@link ColumnType#assign}): Long for integers, booleans and dates, Double, String for text.
   */
  public static TableVersion of(String name, List<Column> columns, List<Object[]> rows) {
    List<ColumnDef> defs = new ArrayList<>();
    for (Column c : columns) {
      defs.add(new ColumnDef(defs.size(), c.name(), c.type(), false));
    }
    TableDef def = new TableDef(-1, name, Math.max(1, rows.size()), defs.size(), defs);
    Table t = new Table(def);
    Object[][] cols = new Object[defs.size()][rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      Object[] row = rows.get(r);
      for (int c = 0; c < defs.size(); c++) {
        cols[c][r] = row[c];
      }
    }
    t.append(cols, rows.size());
    t.publish();
    return t.version();
  }
}
