package io.citadel.engine.internal.storage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table's mutable state. Only the {@link Store}, holding its write lock, changes it; every change
 * ends with {@link #publish()}, and readers use the published {@link #version()}.
 */
public final class Table {
  TableDef def;
  final Map<Integer, Dictionary> dictionaries = new HashMap<>();

  /** Dictionary entries and bytes already in the dictionary file, per text column. */
  final Map<Integer, long[]> dictionaryPersisted = new HashMap<>();

  /** Full fragments, stored or still in memory, in order. */
  final List<Fragment> sealed = new ArrayList<>();

  int tailSeq;
  int tailRows;
  Map<Integer, ColumnBuilder> tail = new LinkedHashMap<>();

  /** A file holding consecutive rows of the tail. */
  record TailFile(String name, int rows) {}

  /**
   * The files that hold the tail's first {@link #tailPersisted} rows, in order: a checkpoint writes
   * the rows appended since the one before, so a growing tail does not cost each checkpoint all of
   * its rows. The tail is append-only until it is replaced ({@link #newTail}).
   */
  final List<TailFile> tailFiles = new ArrayList<>();

  int tailPersisted;
  final Map<Integer, long[]> deleted = new HashMap<>();
  boolean deletesDirty;
  private volatile TableVersion version;

  Table(TableDef def) {
    this.def = def;
    for (ColumnDef c : def.columns()) {
      addDictionaryIfText(c);
    }
    newTail(0);
  }

  void addDictionaryIfText(ColumnDef c) {
    if (c.type().kind().isStringBased()) {
      dictionaries.putIfAbsent(c.id(), new Dictionary());
      dictionaryPersisted.putIfAbsent(c.id(), new long[2]);
    }
  }

  void newTail(int seq) {
    tailSeq = seq;
    tailRows = 0;
    tailFiles.clear();
    tailPersisted = 0;
    tail = new LinkedHashMap<>();
    for (ColumnDef c : def.columns()) {
      tail.put(c.id(), new ColumnBuilder(c.type(), dictionaries.get(c.id()), 1024));
    }
  }

  /** Appends the rows of one of the tail's files, read back at recovery, to the tail. */
  void appendToTail(StoredFragment f) {
    for (ColumnDef c : def.columns()) {
      ColumnBuilder b = tail.get(c.id());
      ColumnData d = f.column(c.id());
      boolean floating = c.type().kind().isFloating();
      for (int r = 0; r < f.rows(); r++) {
        if (d == null || d.isNull(r)) {
          b.appendNull();
        } else if (floating) {
          b.appendDouble(d.doubleAt(r));
        } else {
          b.appendLong(d.longAt(r));
        }
      }
    }
    tailRows += f.rows();
    f.forget();
  }

  public TableVersion version() {
    return version;
  }

  public TableDef def() {
    return def;
  }

  int nextSeq() {
    return tailSeq + 1;
  }

  /** The tail as a fragment view, or {@code null} when it is empty. */
  MemoryFragment tailView() {
    if (tailRows == 0) {
      return null;
    }
    Map<Integer, ColumnData> cols = new HashMap<>();
    Map<Integer, ColumnStats> stats = new HashMap<>();
    for (Map.Entry<Integer, ColumnBuilder> e : tail.entrySet()) {
      cols.put(e.getKey(), e.getValue().view());
      stats.put(e.getKey(), e.getValue().stats());
    }
    return new MemoryFragment(tailSeq, tailRows, cols, stats);
  }

  /**
   * The tail's rows {@code from} (inclusive) to {@code to} as a fragment of their own (copied), or
   * {@code null} when there are none.
   */
  MemoryFragment tailRange(int from, int to) {
    if (from == 0 && to == tailRows) {
      return tailView();
    }
    int n = to - from;
    if (n <= 0) {
      return null;
    }
    Map<Integer, ColumnData> cols = new HashMap<>();
    Map<Integer, ColumnStats> stats = new HashMap<>();
    for (Map.Entry<Integer, ColumnBuilder> e : tail.entrySet()) {
      ColumnBuilder all = e.getValue();
      ColumnBuilder part = new ColumnBuilder(all.type(), dictionaries.get(e.getKey()), n);
      part.appendRange(all.view(), from, to);
      cols.put(e.getKey(), part.view());
      stats.put(e.getKey(), part.stats());
    }
    return new MemoryFragment(tailSeq, n, cols, stats);
  }

  /** Seals the tail (if it holds rows) as an in-memory fragment and starts a new, empty one. */
  void sealTail() {
    MemoryFragment view = tailView();
    if (view != null) {
      sealed.add(view);
      newTail(tailSeq + 1);
    }
  }

  /** Appends rows given column by column in the table's column order (boxed physical values). */
  void append(Object[][] columns, int n) {
    List<ColumnDef> cols = def.columns();
    for (int r = 0; r < n; r++) {
      if (tailRows == def.fragmentSize()) {
        sealTail();
      }
      for (int c = 0; c < cols.size(); c++) {
        tail.get(cols.get(c).id()).append(columns[c][r]);
      }
      tailRows++;
    }
  }

  /** Marks rows deleted; answers how many were live. */
  int delete(long[] rowIds) {
    int count = 0;
    Map<Integer, long[]> copied = new HashMap<>();
    for (long id : rowIds) {
      int seq = Fragment.fragmentOf(id);
      int pos = Fragment.positionOf(id);
      long[] bits = copied.get(seq);
      if (bits == null) {
        long[] old = deleted.get(seq);
        int rows = rowsOf(seq);
        if (rows < 0 || pos >= rows) {
          continue;
        }
        bits = old == null ? new long[(rows + 63) >>> 6] : old.clone();
        if (bits.length < (rows + 63) >>> 6) {
          bits = java.util.Arrays.copyOf(bits, (rows + 63) >>> 6);
        }
        copied.put(seq, bits);
      }
      if (pos >= bits.length * 64) {
        continue;
      }
      long mask = 1L << pos;
      if ((bits[pos >>> 6] & mask) == 0) {
        bits[pos >>> 6] |= mask;
        count++;
      }
    }
    deleted.putAll(copied);
    if (!copied.isEmpty()) {
      deletesDirty = true;
    }
    return count;
  }

  private int rowsOf(int seq) {
    if (seq == tailSeq) {
      // the tail keeps growing: size its bitmap for the whole fragment
      return def.fragmentSize();
    }
    for (Fragment f : sealed) {
      if (f.seq() == seq) {
        return f.rows();
      }
    }
    return -1;
  }

  void addColumn(ColumnDef c) {
    def = def.withColumn(c.name(), c.type());
    addDictionaryIfText(c);
    // rows already in the tail have no value for the new column: NULL
    ColumnBuilder b = new ColumnBuilder(c.type(), dictionaries.get(c.id()), 1024);
    for (int i = 0; i < tailRows; i++) {
      b.appendNull();
    }
    tail.put(c.id(), b);
  }

  /**
   * A private copy for a transaction's writes: the same fragments, deletions and dictionaries
   * (fragments are immutable, deletion bitmaps are replaced, never changed, and dictionaries only
   * grow), and a tail of its own holding the same rows, so its row ids are this table's.
   */
  Table copyForTransaction() {
    Table c = new Table(def);
    c.dictionaries.clear();
    c.dictionaries.putAll(dictionaries);
    c.sealed.addAll(sealed);
    c.deleted.putAll(deleted);
    c.tailSeq = tailSeq;
    c.tailRows = tailRows;
    c.tail = new LinkedHashMap<>();
    for (Map.Entry<Integer, ColumnBuilder> e : tail.entrySet()) {
      ColumnBuilder from = e.getValue();
      ColumnBuilder to =
          new ColumnBuilder(from.type(), dictionaries.get(e.getKey()), Math.max(1024, tailRows));
      to.appendAll(from.view(), tailRows);
      c.tail.put(e.getKey(), to);
    }
    c.publish();
    return c;
  }

  void publish() {
    List<Fragment> frags = new ArrayList<>(sealed);
    MemoryFragment t = tailView();
    if (t != null) {
      frags.add(t);
    }
    long rows = 0;
    for (Fragment f : frags) {
      rows += f.rows();
    }
    long dead = 0;
    Map<Integer, long[]> del = new HashMap<>();
    for (Map.Entry<Integer, long[]> e : deleted.entrySet()) {
      del.put(e.getKey(), e.getValue());
      for (long w : e.getValue()) {
        dead += Long.bitCount(w);
      }
    }
    version =
        new TableVersion(
            def, List.copyOf(frags), Map.copyOf(del), rows, rows - dead, Map.copyOf(dictionaries));
  }
}
