package io.citadel.engine.internal.storage;

import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import io.citadel.engine.internal.types.TypeKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's durable storage: the tables of one data folder.
 *
 * <p>Layout of the folder:
 *
 * <pre>
 * MANIFEST                 the last checkpoint: tables, their fragment files, dictionaries, deletes
 * wal/wal-&lt;n&gt;.log         writes since that checkpoint
 * t&lt;table&gt;/f&lt;seq&gt;.frag     a full fragment, immutable
 * t&lt;table&gt;/load-*.frag      a fragment written by COPY
 * t&lt;table&gt;/tail-&lt;gen&gt;.frag  consecutive rows of the table's partial last fragment
 * t&lt;table&gt;/c&lt;col&gt;.dict      a text column's dictionary, append-only
 * t&lt;table&gt;/deletes-&lt;gen&gt;.bin deleted rows as of checkpoint gen
 * </pre>
 *
 * <p>Durability: a write is logged and forced before it is applied and acknowledged. A checkpoint
 * writes what the log covers into files, forces them, replaces MANIFEST atomically, and only then
 * drops the old log. COPY writes its fragments first and makes them part of the table with a
 * checkpoint, so a load is all or nothing. Recovery loads MANIFEST, replays the log, and removes
 * files no manifest names. The log's framing and replay are {@link Wal}, a checkpoint's files and
 * manifest {@link Checkpoints}, snapshots and restore {@link Snapshots}.
 *
 * <p>One writer at a time (the store's lock); readers take {@link Table#version()} and never block.
 */
public final class Store implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Store.class);
  private final Path dir;
  private final Path walDir;
  private final ColumnCache cache;
  private final Checkpoints checkpoints;
  private final long checkpointBytes;

  /**
   * The largest log record a write may make (what recovery reads back): larger ones are refused.
   */
  private final int maxRecordBytes;

  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Table> tables = new ConcurrentHashMap<>();
  private final Map<String, String> meta = new ConcurrentHashMap<>();
  private int nextTableId = 1;
  private long generation;
  private Wal wal;
  private volatile boolean closed;

  /**
   * A key and value that every write of this thread carries while {@link #stamped} runs: how a
   * replicated statement's log offset becomes durable in the same write as its data.
   */
  private final ThreadLocal<Stamp> stamp = new ThreadLocal<>();

  /** Set while this thread runs a {@link #groupCommit}: its log records are forced at its end. */
  private final ThreadLocal<boolean[]> deferredForce = new ThreadLocal<>();

  private static final class Stamp {
    final Map<String, String> pairs;
    int writes;

    Stamp(Map<String, String> pairs) {
      this.pairs = pairs;
    }
  }

  private Store(Path dir, ColumnCache cache, long checkpointBytes, int maxRecordBytes) {
    this.dir = dir;
    this.walDir = dir.resolve("wal");
    this.cache = cache;
    this.checkpoints = new Checkpoints(dir, cache);
    this.checkpointBytes = checkpointBytes;
    this.maxRecordBytes = maxRecordBytes;
  }

  /**
   * Opens the store in {@code dir}, creating it when empty, and recovers: the last checkpoint, then
   * every logged write after it.
   *
   * @param checkpointBytes the log size after which a write triggers a checkpoint
   */
  public static Store open(Path dir, ColumnCache cache, long checkpointBytes) throws IOException {
    return open(dir, cache, checkpointBytes, Wal.MAX_RECORD);
  }

  /** {@link #open(Path, ColumnCache, long)} with a lower record limit than the log's, for tests. */
  static Store open(Path dir, ColumnCache cache, long checkpointBytes, int maxRecordBytes)
      throws IOException {
    Store s = new Store(dir, cache, checkpointBytes, Math.min(maxRecordBytes, Wal.MAX_RECORD));
    s.recover();
    Snapshots.removeStaleStaging(dir);
    return s;
  }

  public Path dir() {
    return dir;
  }

  public ColumnCache cache() {
    return cache;
  }

  // ------------------------------------------------------------------------------ reading

  /** Every table; inside a transaction, the transaction's own copies of those it wrote. */
  public Collection<Table> tables() {
    Txn x = bound.get();
    if (x == null || x.copies.isEmpty()) {
      return tables.values();
    }
    List<Table> out = new ArrayList<>();
    for (Table t : tables.values()) {
      Table copy = x.copies.get(t.def().id());
      out.add(copy != null ? copy : t);
    }
    return out;
  }

  // ------------------------------------------------------------------------------ transactions

  /**
   * A transaction's writes, kept apart from the tables everyone else reads until it commits. Its
   * first write to a table copies the table (fragments shared, the tail's rows copied, so row ids
   * are the same as in the table); every write is applied to the copy and its log record kept.
   * Commit checks that no table it copied changed meanwhile (the engine lets one transaction write
   * at a time, so this is a safety net: 40001 otherwise), writes all the records as one, forced,
   * and applies them to the tables: a crash keeps all of it or none. Rollback drops the copies.
   */
  public static final class Txn {
    final Map<Integer, Table> copies = new HashMap<>();
    final Map<Integer, TableVersion> bases = new HashMap<>();
    final List<byte[]> records = new ArrayList<>();
    final Map<String, String> meta = new HashMap<>();

    /** How many writes it holds: a savepoint's mark. */
    public int mark() {
      return records.size();
    }

    public boolean wrote() {
      return !records.isEmpty();
    }
  }

  private final ThreadLocal<Txn> bound = new ThreadLocal<>();

  public Txn begin() {
    return new Txn();
  }

  /** Runs {@code work} on this thread inside {@code txn}: its reads see, its writes go to, txn. */
  public <T> T within(Txn txn, java.util.function.Supplier<T> work) {
    Txn before = bound.get();
    bound.set(txn);
    try {
      return work.get();
    } finally {
      if (before == null) {
        bound.remove();
      } else {
        bound.set(before);
      }
    }
  }

  /** Makes every write of {@code txn} durable and visible, atomically. */
  public void commit(Txn txn) {
    lock.lock();
    try {
      checkOpen();
      if (txn.records.isEmpty() && txn.meta.isEmpty()) {
        return;
      }
      for (Map.Entry<Integer, TableVersion> e : txn.bases.entrySet()) {
        Table real = null;
        for (Table t : tables.values()) {
          if (t.def().id() == e.getKey()) {
            real = t;
          }
        }
        if (real == null || real.version() != e.getValue()) {
          throw new SqlException(
              "40001",
              "could not serialize access: a table this transaction wrote changed since it began"
                  + " writing");
        }
      }
      ByteArrayOutputStream bytes = recordBuffer();
      int count = 0;
      for (byte[] r : txn.records) {
        count += ByteBuffer.wrap(r, 0, 4).getInt();
        bytes.write(r, 4, r.length - 4);
      }
      byte[] ops = bytes.toByteArray();
      int total = count;
      bound.remove();
      commit(
          List.of(
              new Op() {
                @Override
                public void write(DataOutputStream out) throws IOException {
                  out.write(ops);
                }

                @Override
                public int count() {
                  return total;
                }
              }));
    } finally {
      txn.records.clear();
      txn.copies.clear();
      txn.bases.clear();
      txn.meta.clear();
      lock.unlock();
    }
  }

  /** Drops every write of {@code txn} made after {@code mark} (0: all of them). */
  public void rollback(Txn txn, int mark) {
    lock.lock();
    try {
      List<byte[]> keep =
          new ArrayList<>(txn.records.subList(0, Math.min(mark, txn.records.size())));
      txn.records.clear();
      txn.copies.clear();
      txn.bases.clear();
      txn.meta.clear();
      if (keep.isEmpty()) {
        return;
      }
      within(
          txn,
          () -> {
            for (byte[] r : keep) {
              try {
                apply(r);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              txn.records.add(r);
            }
            return null;
          });
    } finally {
      lock.unlock();
    }
  }

  /**
   * The table, or {@code null}. Names are case-sensitive, as PostgreSQL's are: the SQL layer
   * lower-cases unquoted identifiers before they get here, and a quoted one keeps its case.
   */
  public Table table(String name) {
    Table t = tables.get(name);
    Txn x = bound.get();
    if (t != null && x != null) {
      Table copy = x.copies.get(t.def().id());
      return copy != null ? copy : t;
    }
    return t;
  }

  public Table require(String name) {
    Table t = table(name);
    if (t == null) {
      throw new SqlException(
          SqlException.UNDEFINED_TABLE, "relation \"" + name + "\" does not exist");
    }
    return t;
  }

  /** Every recorded pair whose key starts with {@code prefix}, by key; an empty value is gone. */
  public java.util.SortedMap<String, String> metaWithPrefix(String prefix) {
    java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
    meta.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k, v);
          }
        });
    Txn x = bound.get();
    if (x != null) {
      x.meta.forEach(
          (k, v) -> {
            if (k.startsWith(prefix)) {
              out.put(k, v);
            }
          });
    }
    out.values().removeIf(String::isEmpty);
    return out;
  }

  /** A value written with {@link #putMeta} in the same write as data (e.g. an applied offset). */
  public String meta(String key) {
    Txn x = bound.get();
    if (x != null && x.meta.containsKey(key)) {
      return x.meta.get(key);
    }
    return meta.get(key);
  }

  /** A fragment's size in bytes: what the fileserver reports for the container that holds it. */
  public record FragmentBytes(String table, int fragment, long bytes) {}

  /**
   * Every table's fragments with their sizes: a written fragment its file's, one still in memory
   * its columns' heap bytes. A table's dictionaries and deleted-row bitmaps count in its first
   * fragment, as a volume's first container holds its metadata; a table without rows still has that
   * one. Reads the published versions: takes no lock and waits for no writer.
   */
  public List<FragmentBytes> fragmentBytes() {
    List<FragmentBytes> out = new ArrayList<>();
    for (Table t : tables.values()) {
      TableVersion v = t.version();
      if (v == null) {
        continue;
      }
      long metadata = 0;
      for (Map.Entry<Integer, Dictionary> d : v.dictionaries().entrySet()) {
        long[] persisted = t.dictionaryPersisted.get(d.getKey());
        long entries = persisted == null ? 0 : persisted[0];
        long bytes = persisted == null ? 0 : persisted[1];
        // entries not written yet: as long as those written, on average (16 bytes at first)
        long unwritten = Math.max(0, d.getValue().size() - entries);
        metadata += bytes + unwritten * (entries == 0 ? 16 : Math.max(1, bytes / entries));
      }
      for (long[] bitmap : v.deleted().values()) {
        metadata += 8L * bitmap.length;
      }
      String name = v.def().name();
      boolean first = true;
      for (Fragment f : v.fragments()) {
        long bytes = f instanceof StoredFragment sf ? sf.bytes() : heapBytes((MemoryFragment) f);
        out.add(new FragmentBytes(name, f.seq(), bytes + (first ? metadata : 0)));
        first = false;
      }
      if (first) {
        out.add(new FragmentBytes(name, 0, metadata));
      }
    }
    return out;
  }

  private static long heapBytes(MemoryFragment f) {
    long sum = 0;
    for (ColumnData c : f.columns().values()) {
      sum += c.heapBytes();
    }
    return sum;
  }

  // ------------------------------------------------------------------------------ writing

  /** A column of a table being created. */
  public record NewColumn(String name, ColumnType type, boolean notNull) {}

  public TableDef createTable(
      String name, List<NewColumn> columns, int fragmentSize, boolean ifNotExists) {
    return createTable(name, columns, fragmentSize, ifNotExists, Constraints.NONE);
  }

  /**
   * Creates a table; {@code constraints} name columns by their position in {@code columns}, which
   * is also the id each column gets.
   */
  public TableDef createTable(
      String name,
      List<NewColumn> columns,
      int fragmentSize,
      boolean ifNotExists,
      Constraints constraints) {
    String n = name;
    if (columns.isEmpty()) {
      throw new SqlException(SqlException.SYNTAX_ERROR, "a table needs at least one column");
    }
    if (fragmentSize < 1) {
      throw new SqlException(
          SqlException.INVALID_PARAMETER, "fragment_size must be positive, got " + fragmentSize);
    }
    Set<String> seen = new HashSet<>();
    List<ColumnDef> defs = new ArrayList<>();
    for (NewColumn c : columns) {
      String cn = c.name();
      if (!seen.add(cn)) {
        throw new SqlException(
            SqlException.DUPLICATE_COLUMN, "column \"" + cn + "\" specified more than once");
      }
      defs.add(new ColumnDef(defs.size(), cn, c.type(), c.notNull()));
    }
    lock.lock();
    try {
      checkOpen();
      if (tables.containsKey(n)) {
        if (ifNotExists) {
          return tables.get(n).def();
        }
        throw new SqlException(
            SqlException.DUPLICATE_TABLE, "relation \"" + n + "\" already exists");
      }
      TableDef def = new TableDef(nextTableId, n, fragmentSize, defs.size(), defs, constraints);
      Op op =
          out -> {
            out.writeByte(LogRecords.OP_CREATE_CONSTRAINED);
            LogRecords.writeDef(out, def);
          };
      commit(List.of(op));
      return def;
    } finally {
      lock.unlock();
    }
  }

  public boolean dropTable(String name, boolean ifExists) {
    lock.lock();
    try {
      checkOpen();
      Table t = table(name);
      if (t == null) {
        if (ifExists) {
          return false;
        }
        require(name);
      }
      int id = t.def().id();
      commit(
          List.of(
              out -> {
                out.writeByte(LogRecords.OP_DROP);
                out.writeInt(id);
              }));
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Replaces a table's definition with what {@code change} makes of it, in one durable write: ALTER
   * TABLE's renames, dropped columns (their stored values stay in older fragments, unread),
   * defaults and constraints. The table keeps its id and its data.
   */
  public TableDef redefine(String table, java.util.function.UnaryOperator<TableDef> change) {
    lock.lock();
    try {
      checkOpen();
      Table t = require(table);
      TableDef def = change.apply(t.def());
      if (def.id() != t.def().id()) {
        throw new IllegalArgumentException("a redefinition keeps the table's id");
      }
      if (!def.name().equals(t.def().name()) && tables.containsKey(def.name())) {
        throw new SqlException(
            SqlException.DUPLICATE_TABLE, "relation \"" + def.name() + "\" already exists");
      }
      commit(
          List.of(
              out -> {
                out.writeByte(LogRecords.OP_REDEFINE);
                LogRecords.writeDef(out, def);
              }));
      return def;
    } finally {
      lock.unlock();
    }
  }

  public TableDef renameTable(String table, String to) {
    return redefine(
        table,
        d ->
            new TableDef(
                d.id(), to, d.fragmentSize(), d.nextColumnId(), d.columns(), d.constraints()));
  }

  /** SET / DROP NOT NULL; setting it checks that no live row holds a NULL there (23502). */
  public TableDef setNotNull(String table, String column, boolean notNull) {
    lock.lock();
    try {
      Table t = require(table);
      TableDef d = t.def();
      int i = d.indexOf(column);
      if (i < 0) {
        throw new SqlException(
            SqlException.UNDEFINED_COLUMN,
            "column \"" + column + "\" of relation \"" + table + "\" does not exist");
      }
      ColumnDef c = d.columns().get(i);
      if (notNull) {
        TableVersion v = t.version();
        for (Fragment f : v.fragments()) {
          long[] deletedBits = v.deletedIn(f);
          ColumnData data = f.column(c.id());
          for (int row = 0; row < f.rows(); row++) {
            boolean deleted =
                deletedBits != null
                    && (row >>> 6) < deletedBits.length
                    && (deletedBits[row >>> 6] & (1L << row)) != 0;
            if (!deleted && (data == null || data.isNull(row))) {
              throw new SqlException(
                  SqlException.NOT_NULL_VIOLATION,
                  "column \"" + column + "\" of relation \"" + table + "\" contains null values");
            }
          }
        }
      }
      List<ColumnDef> cols = new ArrayList<>(d.columns());
      cols.set(i, new ColumnDef(c.id(), c.name(), c.type(), notNull));
      return redefine(
          table,
          x ->
              new TableDef(
                  x.id(), x.name(), x.fragmentSize(), x.nextColumnId(), cols, x.constraints()));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Deletes every live row in one write (TRUNCATE); identity counters go on from where they were.
   */
  public int truncate(String table) {
    lock.lock();
    try {
      Table t = require(table);
      TableVersion v = t.version();
      List<Long> ids = new ArrayList<>();
      for (Fragment f : v.fragments()) {
        long[] deletedBits = v.deletedIn(f);
        for (int row = 0; row < f.rows(); row++) {
          boolean deleted =
              deletedBits != null
                  && (row >>> 6) < deletedBits.length
                  && (deletedBits[row >>> 6] & (1L << row)) != 0;
          if (!deleted) {
            ids.add(Fragment.rowId(f.seq(), row));
          }
        }
      }
      long[] all = new long[ids.size()];
      for (int i = 0; i < all.length; i++) {
        all[i] = ids.get(i);
      }
      return all.length == 0 ? 0 : delete(table, all);
    } finally {
      lock.unlock();
    }
  }

  public TableDef addColumn(String table, String column, ColumnType type) {
    lock.lock();
    try {
      checkOpen();
      Table t = require(table);
      if (t.def().indexOf(column) >= 0) {
        throw new SqlException(
            SqlException.DUPLICATE_COLUMN,
            "column \"" + column + "\" of relation \"" + t.def().name() + "\" already exists");
      }
      int id = t.def().id();
      ColumnDef c = new ColumnDef(t.def().nextColumnId(), column, type, false);
      commit(
          List.of(
              out -> {
                out.writeByte(LogRecords.OP_ADD_COLUMN);
                out.writeInt(id);
                LogRecords.writeColumn(out, c);
              }));
      return t.def();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Appends rows. {@code columns[c][r]} is row r's boxed physical value of the table's column c,
   * already of the column's type (see {@link ColumnType#assign}).
   */
  public int insert(String table, Object[][] columns, int n) {
    return write(table, null, columns, n, null);
  }

  /** Deletes rows by row id (see {@link Fragment#rowId}); answers how many were live. */
  public int delete(String table, long[] rowIds) {
    return write(table, rowIds, null, 0, null);
  }

  /**
   * One atomic write: deletes {@code rowIds} (may be null), appends {@code columns} (may be null)
   * and records {@code metaEntry} (may be null) — an UPDATE is a delete plus an append.
   */
  public int write(
      String table, long[] rowIds, Object[][] columns, int n, Map.Entry<String, String> metaEntry) {
    lock.lock();
    try {
      checkOpen();
      Table t = require(table);
      TableDef def = t.def();
      List<Op> ops = new ArrayList<>();
      Map<String, String> pending = pendingMeta.get();
      if (pending != null) {
        pending.forEach((k, v) -> ops.add(metaOp(k, v)));
      }
      if (columns != null) {
        fillIdentity(def, columns, n).forEach((k, v) -> ops.add(metaOp(k, v)));
        checkRows(def, columns, n);
        checkKeys(t, def, rowIds, columns, n);
        RowCheck check = rowCheck;
        if (check != null && !def.constraints().checks().isEmpty()) {
          check.check(def, columns, n);
        }
      }
      int[] deleted = new int[1];
      if (rowIds != null && rowIds.length > 0) {
        ops.add(
            out -> {
              out.writeByte(LogRecords.OP_DELETE);
              out.writeInt(def.id());
              out.writeInt(rowIds.length);
              for (long id : rowIds) {
                out.writeLong(id);
              }
            });
      }
      if (columns != null && n > 0) {
        ops.add(out -> LogRecords.writeInsert(out, def, columns, n));
      }
      if (metaEntry != null) {
        ops.add(metaOp(metaEntry.getKey(), metaEntry.getValue()));
      }
      if (ops.isEmpty()) {
        return 0;
      }
      deleted[0] = commit(ops);
      return rowIds != null && columns == null ? deleted[0] : n;
    } finally {
      lock.unlock();
    }
  }

  /** Records a key and value durably, e.g. the replication offset applied so far. */
  public void putMeta(String key, String value) {
    putMeta(Map.of(key, value));
  }

  /** Records every pair in one write. */
  public void putMeta(Map<String, String> pairs) {
    lock.lock();
    try {
      checkOpen();
      List<Op> ops = new ArrayList<>();
      pairs.forEach((k, v) -> ops.add(metaOp(k, v)));
      commit(ops);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs {@code work} so that every write it makes also records {@code key = value}, atomically
   * with the data; a work that writes nothing (or fails) records the pair on its own afterwards.
   * The pair is thus durable exactly when the work's effect is.
   */
  public <T> T stamped(String key, String value, java.util.function.Supplier<T> work) {
    return stamped(Map.of(key, value), work);
  }

  /** {@link #stamped(String, String, java.util.function.Supplier)} with several pairs. */
  public <T> T stamped(Map<String, String> pairs, java.util.function.Supplier<T> work) {
    Stamp s = new Stamp(Map.copyOf(pairs));
    stamp.set(s);
    try {
      return work.get();
    } finally {
      stamp.remove();
      if (s.writes == 0 && !closed) {
        putMeta(s.pairs);
      }
    }
  }

  /**
   * Group commit: runs {@code work}, whose writes (on this thread) are logged and applied as it
   * goes but forced to the device once, when it returns, instead of once each. Nothing {@code work}
   * wrote may be acknowledged before this returns. A crash inside it keeps a prefix of those writes
   * (a torn tail is cut at replay), each with its own stamp, so whoever stamps them resumes exactly
   * after the last one kept.
   */
  public <T> T groupCommit(java.util.function.Supplier<T> work) {
    if (deferredForce.get() != null) {
      return work.get(); // nested: the outer one forces
    }
    boolean[] pending = new boolean[1];
    deferredForce.set(pending);
    try {
      return work.get();
    } finally {
      deferredForce.remove();
      if (pending[0]) {
        forceLog();
      }
    }
  }

  private void forceLog() {
    lock.lock();
    try {
      if (!closed) {
        wal.force();
      }
    } catch (IOException e) {
      throw new SqlException(
          SqlException.IO_ERROR, "could not force the write-ahead log: " + e.getMessage(), 0, e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Judges rows against a table's CHECK constraints, which are SQL: the SQL layer provides it. It
   * throws the constraint's error (23514) for the first row that fails.
   */
  @FunctionalInterface
  public interface RowCheck {
    void check(TableDef def, Object[][] columns, int n);
  }

  private volatile RowCheck rowCheck;

  public void setRowCheck(RowCheck check) {
    this.rowCheck = check;
  }

  /**
   * Gives each identity column's missing values the next numbers of its counter, and answers the
   * counters' new values, to be recorded in the same write as the rows.
   */
  private Map<String, String> fillIdentity(TableDef def, Object[][] columns, int n) {
    Set<Integer> identity = def.constraints().identity();
    if (identity.isEmpty()) {
      return Map.of();
    }
    Map<String, String> counters = new java.util.TreeMap<>();
    for (int id : identity) {
      int c = def.indexOfId(id);
      if (c < 0) {
        continue;
      }
      String key = identityKey(def, id);
      String counter = meta(key); // inside a transaction: its own counter first
      long last = counter == null || counter.isEmpty() ? 0 : Long.parseLong(counter);
      long start = last;
      for (int r = 0; r < n; r++) {
        if (columns[c][r] == null) {
          columns[c][r] = ++last;
        }
      }
      if (last != start) {
        counters.put(key, Long.toString(last));
      }
    }
    return counters;
  }

  /** Where the last value an identity column drew is kept. */
  static String identityKey(TableDef def, int columnId) {
    return "identity." + def.id() + "." + columnId;
  }

  /**
   * Refuses rows whose primary or unique key is already taken, by a live row that this write does
   * not delete or by another of the new rows (23505). A key with a NULL in it collides with
   * nothing, as in PostgreSQL. This reads the key columns of the whole table: correct, not fast; an
   * index would make it so.
   */
  private static void checkKeys(Table t, TableDef def, long[] removed, Object[][] columns, int n) {
    conflicts(t, def, def.constraints().keys(), removed, columns, n, true);
  }

  /**
   * Which of the new rows take a key of {@code keys} that a live row (other than {@code removed})
   * or an earlier new row already holds; with {@code fail}, the first such row is an error instead
   * (23505). A key with a NULL in it collides with nothing, as in PostgreSQL.
   */
  private static boolean[] conflicts(
      Table t,
      TableDef def,
      List<Constraints.Key> keys,
      long[] removed,
      Object[][] columns,
      int n,
      boolean fail) {
    boolean[] out = new boolean[n];
    if (keys.isEmpty() || n == 0) {
      return out;
    }
    Set<Long> gone = new HashSet<>();
    if (removed != null) {
      for (long id : removed) {
        gone.add(id);
      }
    }
    TableVersion v = t.version();
    for (Constraints.Key k : keys) {
      int[] pos = new int[k.columns().size()];
      for (int i = 0; i < pos.length; i++) {
        pos[i] = def.indexOfId(k.columns().get(i));
      }
      Map<List<Object>, Integer> fresh = new java.util.HashMap<>();
      for (int r = 0; r < n; r++) {
        if (out[r]) {
          continue;
        }
        List<Object> key = new ArrayList<>(pos.length);
        boolean hasNull = false;
        for (int p : pos) {
          Object o = columns[p][r];
          hasNull |= o == null;
          key.add(keyPart(def.columns().get(p).type(), o));
        }
        if (!hasNull && fresh.putIfAbsent(key, r) != null) {
          if (fail) {
            throw duplicateKey(def, k, key);
          }
          out[r] = true;
        }
      }
      if (fresh.isEmpty()) {
        continue;
      }
      for (Fragment f : v.fragments()) {
        long[] deletedBits = v.deletedIn(f);
        ColumnData[] data = new ColumnData[pos.length];
        for (int i = 0; i < pos.length; i++) {
          data[i] = f.column(k.columns().get(i));
        }
        for (int row = 0; row < f.rows(); row++) {
          if (deletedBits != null
              && (row >>> 6) < deletedBits.length
              && (deletedBits[row >>> 6] & (1L << row)) != 0) {
            continue;
          }
          if (!gone.isEmpty() && gone.contains(Fragment.rowId(f.seq(), row))) {
            continue;
          }
          List<Object> key = new ArrayList<>(pos.length);
          for (int i = 0; i < pos.length; i++) {
            ColumnDef cd = def.columns().get(pos[i]);
            key.add(keyPart(cd.type(), valueAt(v, cd, data[i], row)));
          }
          Integer r = fresh.get(key);
          if (r != null) {
            if (fail) {
              throw duplicateKey(def, k, key);
            }
            out[r] = true;
          }
        }
      }
    }
    return out;
  }

  /** What {@link #insertNew} did: the rows written, and the rows held back by a key. */
  public record Upsert(
      Object[][] inserted, int insertedRows, Object[][] conflicting, int conflictingRows) {}

  /**
   * INSERT ... ON CONFLICT: writes the rows whose keys (those of {@code target}, or every key when
   * null) are free, in one durable write, and hands back the others. Identity columns are numbered
   * first, so a row held back has used its number, as a PostgreSQL sequence does.
   */
  public Upsert insertNew(String table, Object[][] columns, int n, List<Integer> target) {
    lock.lock();
    try {
      checkOpen();
      Table t = require(table);
      TableDef def = t.def();
      List<Constraints.Key> keys = def.constraints().keys();
      if (target != null) {
        keys =
            keys.stream()
                .filter(k -> new HashSet<>(k.columns()).equals(new HashSet<>(target)))
                .toList();
        if (keys.isEmpty()) {
          throw new SqlException(
              "42P10",
              "there is no unique or exclusion constraint matching the ON CONFLICT specification");
        }
      }
      Map<String, String> counters = fillIdentity(def, columns, n);
      boolean[] held = conflicts(t, def, keys, null, columns, n, false);
      int kept = 0;
      for (boolean h : held) {
        kept += h ? 0 : 1;
      }
      Object[][] in = new Object[columns.length][kept];
      Object[][] out = new Object[columns.length][n - kept];
      int a = 0;
      int b = 0;
      for (int r = 0; r < n; r++) {
        for (int c = 0; c < columns.length; c++) {
          if (held[r]) {
            out[c][b] = columns[c][r];
          } else {
            in[c][a] = columns[c][r];
          }
        }
        if (held[r]) {
          b++;
        } else {
          a++;
        }
      }
      if (kept > 0 || !counters.isEmpty()) {
        // the rows kept may still break another key (or NOT NULL, CHECK): that fails the write
        Object[][] rows = in;
        int m = kept;
        stampedWith(counters, () -> write(table, null, rows, m, null));
      }
      return new Upsert(in, kept, out, n - kept);
    } finally {
      lock.unlock();
    }
  }

  /** Runs a write with extra metadata pairs recorded in the same record. */
  private void stampedWith(Map<String, String> pairs, Runnable work) {
    if (pairs.isEmpty()) {
      work.run();
      return;
    }
    pendingMeta.set(pairs);
    try {
      work.run();
    } finally {
      pendingMeta.remove();
    }
  }

  private final ThreadLocal<Map<String, String>> pendingMeta = new ThreadLocal<>();

  /** A stored value as the boxed physical value writes use (see {@link ColumnType#assign}). */
  private static Object valueAt(TableVersion v, ColumnDef c, ColumnData d, int row) {
    if (d == null || d.isNull(row)) {
      return null;
    }
    return switch (c.type().kind()) {
      case TEXT, UUID, JSON, JSONB, BYTEA, NUMERIC ->
          v.dictionary(c.id()).decode((int) d.longAt(row));
      case FLOAT, DOUBLE -> d.doubleAt(row);
      default -> d.longAt(row);
    };
  }

  private static SqlException duplicateKey(TableDef def, Constraints.Key k, List<Object> key) {
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < key.size(); i++) {
      ColumnDef c = def.columns().get(def.indexOfId(k.columns().get(i)));
      shown.add(c.type().format(key.get(i)));
    }
    return new SqlException(
        "23505",
        "duplicate key value violates unique constraint \""
            + k.name()
            + "\": Key ("
            + String.join(", ", def.columnNames(k.columns()))
            + ")=("
            + String.join(", ", shown)
            + ") already exists.");
  }

  private static Op metaOp(String key, String value) {
    return out -> LogRecords.writeMeta(out, key, value);
  }

  /** A value as a unique key compares it: a numeric by its value (1.0 and 1.00 are one key). */
  private static Object keyPart(ColumnType type, Object value) {
    return value != null && type.kind() == TypeKind.NUMERIC
        ? io.citadel.engine.internal.types.Numeric.key((String) value)
        : value;
  }

  private static void checkRows(TableDef def, Object[][] columns, int n) {
    if (columns.length != def.columns().size()) {
      throw new IllegalArgumentException(
          "expected " + def.columns().size() + " columns, got " + columns.length);
    }
    for (int c = 0; c < columns.length; c++) {
      ColumnDef cd = def.columns().get(c);
      if (cd.type().kind() == TypeKind.TEXT && cd.type().precision() > 0) {
        for (int r = 0; r < n; r++) {
          columns[c][r] = cd.type().fitText((String) columns[c][r]);
        }
      }
      if (cd.notNull()) {
        for (int r = 0; r < n; r++) {
          if (columns[c][r] == null) {
            throw new SqlException(
                SqlException.NOT_NULL_VIOLATION,
                "null value in column \""
                    + cd.name()
                    + "\" of relation \""
                    + def.name()
                    + "\" violates not-null constraint");
          }
        }
      }
    }
  }

  /** Serialises ops into one log record, forces it, then applies it. Caller holds the lock. */
  private int commit(List<Op> ops) {
    Txn txn = bound.get();
    if (txn != null) {
      return commitInto(txn, ops);
    }
    Stamp st = stamp.get();
    if (st != null) {
      ops = new ArrayList<>(ops);
      for (Map.Entry<String, String> e : st.pairs.entrySet()) {
        ops.add(metaOp(e.getKey(), e.getValue()));
      }
    }
    byte[] payload;
    try {
      ByteArrayOutputStream bytes = recordBuffer();
      DataOutputStream out = new DataOutputStream(bytes);
      int count = 0;
      for (Op op : ops) {
        count += op.count();
      }
      out.writeInt(count);
      for (Op op : ops) {
        op.write(out);
      }
      out.flush();
      payload = bytes.toByteArray();
      boolean[] deferred = deferredForce.get();
      wal.append(payload, deferred == null);
      if (deferred != null) {
        deferred[0] = true;
      }
      if (st != null) {
        st.writes++;
      }
    } catch (IOException e) {
      throw new SqlException(
          SqlException.IO_ERROR, "could not write the write-ahead log: " + e.getMessage(), 0, e);
    }
    int affected;
    try {
      affected = apply(payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (wal.size() > checkpointBytes) {
      checkpoint();
    }
    return affected;
  }

  /** A write inside a transaction: applied to its copies, its record kept for the commit. */
  private int commitInto(Txn txn, List<Op> ops) {
    try {
      ByteArrayOutputStream bytes = recordBuffer();
      DataOutputStream out = new DataOutputStream(bytes);
      int count = 0;
      for (Op op : ops) {
        count += op.count();
      }
      out.writeInt(count);
      for (Op op : ops) {
        op.write(out);
      }
      out.flush();
      byte[] payload = bytes.toByteArray();
      int affected = apply(payload);
      txn.records.add(payload);
      return affected;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Where one log record is serialised: past the log's record limit it refuses, before anything is
   * logged or applied, so a write too large to read back is never acknowledged.
   */
  private ByteArrayOutputStream recordBuffer() {
    return new ByteArrayOutputStream() {
      @Override
      public void write(int b) {
        check(1);
        super.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        check(len);
        super.write(b, off, len);
      }

      private void check(int more) {
        if ((long) count + more > maxRecordBytes) {
          throw new SqlException(
              SqlException.PROGRAM_LIMIT,
              "the statement writes more than "
                  + (maxRecordBytes >= 1 << 20
                      ? (maxRecordBytes >> 20) + " MiB"
                      : maxRecordBytes + " bytes")
                  + " in one step, the most one write-ahead log record holds; nothing was"
                  + " written: split it (e.g. INSERT ... SELECT over ranges of a key), or load"
                  + " files with COPY");
        }
      }
    };
  }

  @FunctionalInterface
  private interface Op {
    void write(DataOutputStream out) throws IOException;

    /** How many log operations it writes. */
    default int count() {
      return 1;
    }
  }

  private Table tableById(int id) {
    for (Table t : tables.values()) {
      if (t.def().id() == id) {
        Txn x = bound.get();
        if (x == null) {
          return t;
        }
        Table copy = x.copies.get(id);
        if (copy == null) {
          x.bases.put(id, t.version());
          copy = t.copyForTransaction();
          x.copies.put(id, copy);
        }
        return copy;
      }
    }
    throw new IllegalStateException("log names table id " + id + ", which does not exist");
  }

  /** Applies one log record to memory; answers the rows it deleted. */
  private int apply(byte[] payload) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    int ops = in.readInt();
    int deleted = 0;
    Set<Table> touched = new HashSet<>();
    for (int i = 0; i < ops; i++) {
      byte type = in.readByte();
      switch (type) {
        case LogRecords.OP_CREATE, LogRecords.OP_CREATE_CONSTRAINED -> {
          TableDef def = LogRecords.readDef(in, type == LogRecords.OP_CREATE_CONSTRAINED);
          Table t = new Table(def);
          tables.put(def.name(), t);
          nextTableId = Math.max(nextTableId, def.id() + 1);
          touched.add(t);
        }
        case LogRecords.OP_REDEFINE -> {
          TableDef def = LogRecords.readDef(in, true);
          Table t = tableById(def.id());
          tables.remove(t.def().name());
          // rows already in the tail were appended under the old columns: seal them first
          t.sealTail();
          t.def = def;
          for (ColumnDef c : def.columns()) {
            t.addDictionaryIfText(c);
          }
          t.newTail(t.tailSeq);
          tables.put(def.name(), t);
          touched.add(t);
        }
        case LogRecords.OP_DROP -> {
          Table t = tableById(in.readInt());
          tables.remove(t.def().name());
          for (Fragment f : t.sealed) {
            if (f instanceof StoredFragment sf) {
              sf.forget();
            }
          }
        }
        case LogRecords.OP_ADD_COLUMN -> {
          Table t = tableById(in.readInt());
          t.addColumn(LogRecords.readColumn(in));
          touched.add(t);
        }
        case LogRecords.OP_INSERT -> {
          Table t = tableById(in.readInt());
          LogRecords.Rows rows = LogRecords.readInsert(in, t.def());
          t.append(rows.columns(), rows.count());
          touched.add(t);
        }
        case LogRecords.OP_DELETE -> {
          Table t = tableById(in.readInt());
          int n = in.readInt();
          long[] ids = new long[n];
          for (int k = 0; k < n; k++) {
            ids[k] = in.readLong();
          }
          deleted += t.delete(ids);
          touched.add(t);
        }
        case LogRecords.OP_META -> {
          Txn x = bound.get();
          (x != null ? x.meta : meta).put(in.readUTF(), in.readUTF());
        }
        default -> throw new IOException("unknown log operation " + type);
      }
    }
    Txn x = bound.get();
    for (Table t : touched) {
      if (tables.get(t.def().name()) == t || (x != null && x.copies.containsValue(t))) {
        t.publish();
      }
    }
    return deleted;
  }

  // ------------------------------------------------------------------------------ bulk load

  /**
   * Starts a bulk load into {@code table}: rows go into fragments written straight to files, and
   * {@link BulkLoad#commit()} makes them part of the table in one step.
   */
  public BulkLoad beginLoad(String table) {
    Table t = require(table);
    return new BulkLoad(this, t, t.def(), dir.resolve("t" + t.def().id()));
  }

  /** Called by {@link BulkLoad#commit()}: attaches the load's fragment files and checkpoints. */
  void attach(BulkLoad load, List<Path> files) throws IOException {
    lock.lock();
    try {
      checkOpen();
      Table t = tables.get(load.def().name());
      if (t != load.table()) {
        throw new SqlException(
            SqlException.UNDEFINED_TABLE,
            "relation \"" + load.def().name() + "\" was dropped during the load");
      }
      checkLoaded(t, files);
      t.sealTail();
      int seq = t.tailSeq;
      for (Path f : files) {
        t.sealed.add(StoredFragment.open(seq++, f, cache));
      }
      t.newTail(seq);
      t.publish();
      Stamp st = stamp.get();
      if (st != null) {
        // The checkpoint's manifest names the new files and the stamp together.
        meta.putAll(st.pairs);
        st.writes++;
      }
      checkpoint();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Holds a bulk load's rows to the table's keys and CHECK constraints, as single-row writes are
   * (the loader itself refuses NULLs in NOT NULL columns). Reads the loaded files back: only for
   * tables that declare such constraints.
   */
  private void checkLoaded(Table t, List<Path> files) throws IOException {
    TableDef def = t.def();
    if (def.constraints().keys().isEmpty() && def.constraints().checks().isEmpty()) {
      return;
    }
    TableVersion v = t.version();
    List<StoredFragment> loaded = new ArrayList<>();
    try {
      long total = 0;
      for (int i = 0; i < files.size(); i++) {
        StoredFragment f = StoredFragment.open(-1 - i, files.get(i), cache);
        loaded.add(f);
        total += f.rows();
      }
      if (total > Integer.MAX_VALUE) {
        throw new SqlException(
            SqlException.PROGRAM_LIMIT, "a load into a table with keys is limited to 2^31 rows");
      }
      int n = (int) total;
      Object[][] columns = new Object[def.columns().size()][n];
      int at = 0;
      for (StoredFragment f : loaded) {
        for (int c = 0; c < columns.length; c++) {
          ColumnDef cd = def.columns().get(c);
          ColumnData d = f.column(cd.id());
          for (int row = 0; row < f.rows(); row++) {
            columns[c][at + row] = valueAt(v, cd, d, row);
          }
        }
        at += f.rows();
      }
      checkKeys(t, def, null, columns, n);
      RowCheck check = rowCheck;
      if (check != null && !def.constraints().checks().isEmpty()) {
        check.check(def, columns, n);
      }
    } finally {
      loaded.forEach(StoredFragment::forget);
    }
  }

  // ------------------------------------------------------------------------------ checkpoint

  /** Writes everything the log covers into files and starts a new, empty log segment. */
  public void checkpoint() {
    lock.lock();
    try {
      checkOpen();
      doCheckpoint();
    } catch (IOException e) {
      throw new SqlException(SqlException.IO_ERROR, "checkpoint failed: " + e.getMessage(), 0, e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Copies the store, consistent as of now, into {@code target} (an empty or absent folder), every
   * file on the device before this returns: {@link #stageSnapshot} then {@link
   * StagedSnapshot#copyTo}, so writes wait only while the snapshot is staged, not while it is
   * copied.
   */
  public void snapshotTo(Path target) throws IOException {
    try (StagedSnapshot staged = stageSnapshot()) {
      staged.copyTo(target);
    }
  }

  /**
   * Takes a snapshot's consistent point: under the store's lock, a checkpoint, then its files
   * staged beside the tables ({@link Snapshots#stage}). The lock is held for that alone; the staged
   * files are copied out later, while writes go on.
   */
  public StagedSnapshot stageSnapshot() throws IOException {
    lock.lock();
    try {
      checkOpen();
      doCheckpoint();
      return Snapshots.stage(dir);
    } finally {
      lock.unlock();
    }
  }

  private void doCheckpoint() throws IOException {
    long gen = generation + 1;
    Checkpoints.Written written =
        checkpoints.write(gen, wal.segment() + 1, nextTableId, meta, tables.values());
    // the next log segment exists before the manifest that points at it
    Wal next = Wal.open(walDir, wal.segment() + 1);
    io.citadel.sdk.DurableFiles.forceFolder(walDir);
    written.install();
    Wal old = wal;
    wal = next;
    generation = gen;
    old.close();
    Wal.deleteBefore(walDir, next.segment());
    written.removeOrphans();
  }

  void loadStarted(Path file) {
    checkpoints.loadStarted(file);
  }

  void loadEnded(Path file) {
    checkpoints.loadEnded(file);
  }

  // ------------------------------------------------------------------------------ recovery

  /** Loads the last checkpoint, replays the log written after it, and removes leftovers. */
  private void recover() throws IOException {
    Files.createDirectories(walDir);
    Checkpoints.Image image = checkpoints.read();
    generation = image.generation();
    nextTableId = image.nextTableId();
    meta.putAll(image.meta());
    for (Table t : image.tables()) {
      tables.put(t.def().name(), t);
    }
    long last = Wal.replay(walDir, image.firstSegment(), this::apply);
    for (Table t : tables.values()) {
      t.publish();
    }
    wal = Wal.open(walDir, last);
    checkpoints.removeLeftovers(tables.values(), image);
  }

  private void checkOpen() {
    if (closed) {
      throw new SqlException(SqlException.INSUFFICIENT_RESOURCES, "the storage is closed");
    }
  }

  /** Checkpoints and closes the log. */
  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      try {
        doCheckpoint();
      } finally {
        closed = true;
        wal.close();
      }
    } finally {
      lock.unlock();
    }
  }
}
