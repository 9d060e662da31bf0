package io.citadel.engine.internal.storage;

import io.citadel.engine.internal.types.SqlException;
import java.io.IOException;
import java.nio.file.Path;

/** A fragment written to its file; columns are read on demand through the column cache. */
final class StoredFragment extends Fragment {
  private final Path file;
  private final FragmentFile.Footer footer;
  private final ColumnCache cache;
  private final long bytes;

  StoredFragment(int seq, Path file, FragmentFile.Footer footer, ColumnCache cache, long bytes) {
    super(seq, footer.rows());
    this.file = file;
    this.footer = footer;
    this.cache = cache;
    this.bytes = bytes;
  }

  static StoredFragment open(int seq, Path file, ColumnCache cache) throws IOException {
    return new StoredFragment(
        seq, file, FragmentFile.readFooter(file), cache, java.nio.file.Files.size(file));
  }

  /** The file's size: the fragment never changes once written. */
  long bytes() {
    return bytes;
  }

  Path file() {
    return file;
  }

  @Override
  public ColumnStats stats(int columnId) {
    FragmentFile.Block b = footer.blocks().get(columnId);
    return b == null ? null : b.stats();
  }

  @Override
  public ColumnData column(int columnId) {
    FragmentFile.Block b = footer.blocks().get(columnId);
    if (b == null) {
      return null;
    }
    ColumnCache.Key key = new ColumnCache.Key(this, columnId);
    ColumnData d = cache.get(key);
    if (d == null) {
      try {
        d = FragmentFile.readColumn(file, rows(), b);
      } catch (IOException e) {
        throw new SqlException(
            SqlException.IO_ERROR,
            "cannot read fragment file " + file + ": " + e.getMessage(),
            0,
            e);
      }
      cache.put(key, d);
    }
    return d;
  }

  @Override
  public boolean inMemory() {
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  void forget() {
    cache.forget(this);
  }
}
