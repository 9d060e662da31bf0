package io.citadel.engine.internal.storage;

import io.citadel.engine.internal.types.SqlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A load in progress: rows are appended column by column ({@link #builder(int)}, then {@link
 * #endRow()}); each full fragment is written to its own file at once, so a load of any size needs
 * memory for one fragment only. Nothing is visible until {@link #commit()}; {@link #abort()} (or a
 * crash) leaves the table as it was.
 */
public final class BulkLoad implements AutoCloseable {
  private final Store store;
  private final Table table;
  private final TableDef def;
  private final Path dir;
  private final String id = UUID.randomUUID().toString().substring(0, 8);
  private final List<Path> files = new ArrayList<>();
  private ColumnBuilder[] builders;
  private int rows;
  private long total;
  private boolean done;

  BulkLoad(Store store, Table table, TableDef def, Path dir) {
    this.store = store;
    this.table = table;
    this.def = def;
    this.dir = dir;
    newBuilders();
  }

  Table table() {
    return table;
  }

  public TableDef def() {
    return def;
  }

  private void newBuilders() {
    builders = new ColumnBuilder[def.columns().size()];
    int cap = Math.min(def.fragmentSize(), 1 << 16);
    for (int i = 0; i < builders.length; i++) {
      ColumnDef c = def.columns().get(i);
      builders[i] = new ColumnBuilder(c.type(), table.dictionaries.get(c.id()), cap);
    }
    rows = 0;
  }

  /** The builder of column {@code index} (table order) for the row being appended. */
  public ColumnBuilder builder(int index) {
    return builders[index];
  }

  /** Ends the row whose values were just appended to every builder. */
  public void endRow() throws IOException {
    rows++;
    total++;
    if (rows == def.fragmentSize()) {
      flush();
    }
  }

  public long rows() {
    return total;
  }

  private void flush() throws IOException {
    if (rows == 0) {
      return;
    }
    Files.createDirectories(dir);
    Path file = dir.resolve("load-" + id + "-" + files.size() + ".frag");
    store.loadStarted(file);
    List<FragmentFile.ColumnToWrite> cols = new ArrayList<>();
    for (int i = 0; i < builders.length; i++) {
      ColumnDef c = def.columns().get(i);
      cols.add(
          new FragmentFile.ColumnToWrite(
              c.id(), ColumnData.storageOf(c.type()), builders[i].view(), builders[i].stats()));
    }
    FragmentFile.write(file, rows, cols);
    files.add(file);
    newBuilders();
  }

  /** Makes every loaded row part of the table, durably, in one step. */
  public void commit() throws IOException {
    if (done) {
      throw new IllegalStateException("load already ended");
    }
    flush();
    done = true;
    try {
      if (!files.isEmpty()) {
        store.attach(this, files);
      }
    } catch (SqlException | IOException e) {
      deleteFiles();
      throw e;
    } finally {
      files.forEach(store::loadEnded);
    }
  }

  /** Drops the load; the table is untouched. */
  public void abort() {
    if (done) {
      return;
    }
    done = true;
    deleteFiles();
    files.forEach(store::loadEnded);
  }

  private void deleteFiles() {
    for (Path f : files) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        // recovery removes files no manifest names
      }
    }
  }

  @Override
  public void close() {
    abort();
  }
}
