package io.citadel.engine.internal.storage;

import io.citadel.sdk.DurableFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A store's checkpoints: writing the tables' files and the manifest that names them, reading them
 * back at recovery, and removing the files no manifest names.
 *
 * <p>A checkpoint is made in two steps so that the store can start its next log segment between
 * them: {@link #write} writes every file the new manifest names and the manifest under a temporary
 * name, all forced; {@link Written#install} then replaces MANIFEST atomically. Files of a
 * checkpoint that never completed are orphans, deleted by the next checkpoint or recovery, and
 * files of COPY loads still running are left alone.
 *
 * <p>The caller holds the store's lock for both steps.
 */
final class Checkpoints {
  private final Path dir;
  private final ColumnCache cache;
  private final Set<Path> loadsInProgress = ConcurrentHashMap.newKeySet();

  Checkpoints(Path dir, ColumnCache cache) {
    this.dir = dir;
    this.cache = cache;
  }

  /** A COPY's fragment file is being written: no checkpoint or recovery deletes it. */
  void loadStarted(Path file) {
    loadsInProgress.add(file);
  }

  void loadEnded(Path file) {
    loadsInProgress.remove(file);
  }

  // ------------------------------------------------------------------------------ writing

  /** A checkpoint whose files and temporary manifest are on the device, not yet installed. */
  final class Written {
    private final Path manifest;
    private final List<Table> tables;
    private final Set<Path> files;
    private final List<Runnable> onInstall;

    private Written(Path manifest, List<Table> tables, Set<Path> files, List<Runnable> onInstall) {
      this.manifest = manifest;
      this.tables = tables;
      this.files = files;
      this.onInstall = onInstall;
    }

    /**
     * Makes this checkpoint the store's: its tables' folders forced, MANIFEST replaced, the tables
     * told which of their rows and deletes are now in files, and the files no manifest names any
     * more removed.
     */
    void install() throws IOException {
      for (Table t : tables) {
        DurableFiles.forceFolder(tableDir(t.def().id()));
      }
      ManifestFile.install(dir, manifest);
      onInstall.forEach(Runnable::run);
      for (Table t : tables) {
        t.deletesDirty = false;
      }
    }

    /** Deletes what the installed manifest no longer names. */
    void removeOrphans() throws IOException {
      Checkpoints.this.removeOrphans(files, tables);
    }
  }

  /**
   * Writes checkpoint {@code generation}: every table's rows still only in memory and the log into
   * files, dictionaries appended, deletes written, and a manifest naming them that tells recovery
   * to replay the log from {@code nextSegment}.
   */
  Written write(
      long generation,
      long nextSegment,
      int nextTableId,
      Map<String, String> meta,
      Collection<Table> live)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream m = new DataOutputStream(bytes);
    ManifestFile.writeHeader(m);
    m.writeLong(generation);
    m.writeLong(nextSegment);
    m.writeInt(nextTableId);
    m.writeInt(meta.size());
    for (Map.Entry<String, String> e : new TreeMap<>(meta).entrySet()) {
      m.writeUTF(e.getKey());
      m.writeUTF(e.getValue());
    }
    List<Table> all = new ArrayList<>(live);
    m.writeInt(all.size());
    Set<Path> files = new HashSet<>();
    // what the tables learn of their tail files once the manifest naming them is in place
    List<Runnable> onInstall = new ArrayList<>();
    for (Table t : all) {
      Path tdir = tableDir(t.def().id());
      Files.createDirectories(tdir);
      LogRecords.writeDef(m, t.def());
      writeFragments(m, t, tdir, files);
      onInstall.add(writeTail(m, t, tdir, generation, files));
      writeDictionaries(m, t, tdir, files);
      writeDeletes(m, t, tdir, generation, files);
    }
    m.flush();
    Path manifest = ManifestFile.writeTemporary(dir, bytes.toByteArray());
    return new Written(manifest, all, files, onInstall);
  }

  /** Full fragments still in memory become files; every full fragment's file is named. */
  private void writeFragments(DataOutputStream m, Table t, Path tdir, Set<Path> files)
      throws IOException {
    for (int i = 0; i < t.sealed.size(); i++) {
      Fragment f = t.sealed.get(i);
      if (f instanceof MemoryFragment mf) {
        Path file = tdir.resolve("f" + f.seq() + ".frag");
        Files.deleteIfExists(file); // an orphan from a checkpoint that never completed
        TableFiles.writeFragment(file, t.def(), mf);
        t.sealed.set(i, StoredFragment.open(f.seq(), file, cache));
      }
    }
    m.writeInt(t.sealed.size());
    for (Fragment f : t.sealed) {
      Path file = ((StoredFragment) f).file();
      files.add(file);
      m.writeInt(f.seq());
      m.writeUTF(file.getFileName().toString());
    }
  }

  /**
   * Writes the tail's new rows, and with them the newest files holding no more rows than they do:
   * files grow as a binary counter's digits, so a tail is a logarithmic number of files and each
   * row is written again a logarithmic number of times. Answers what the table learns once the
   * manifest is installed.
   */
  private static Runnable writeTail(
      DataOutputStream m, Table t, Path tdir, long generation, Set<Path> files) throws IOException {
    m.writeInt(t.tailSeq);
    List<Table.TailFile> tailFiles = new ArrayList<>(t.tailFiles);
    int kept = t.tailPersisted;
    if (kept < t.tailRows) {
      int from = kept;
      while (!tailFiles.isEmpty()
          && tailFiles.get(tailFiles.size() - 1).rows() <= t.tailRows - from) {
        from -= tailFiles.remove(tailFiles.size() - 1).rows();
      }
      Path file = tdir.resolve("tail-" + generation + ".frag");
      Files.deleteIfExists(file); // an orphan from a checkpoint that never completed
      TableFiles.writeFragment(file, t.def(), t.tailRange(from, t.tailRows));
      tailFiles.add(new Table.TailFile(file.getFileName().toString(), t.tailRows - from));
      kept = t.tailRows;
    }
    m.writeInt(tailFiles.size());
    for (Table.TailFile f : tailFiles) {
      files.add(tdir.resolve(f.name()));
      m.writeUTF(f.name());
    }
    int rows = kept;
    return () -> {
      t.tailFiles.clear();
      t.tailFiles.addAll(tailFiles);
      t.tailPersisted = rows;
    };
  }

  /** Dictionaries are append-only files: what is new is appended. */
  private static void writeDictionaries(DataOutputStream m, Table t, Path tdir, Set<Path> files)
      throws IOException {
    m.writeInt(t.dictionaries.size());
    for (Map.Entry<Integer, Dictionary> e : new TreeMap<>(t.dictionaries).entrySet()) {
      Path file = tdir.resolve("c" + e.getKey() + ".dict");
      long[] now =
          TableFiles.appendDictionary(file, e.getValue(), t.dictionaryPersisted.get(e.getKey()));
      t.dictionaryPersisted.put(e.getKey(), now);
      files.add(file);
      m.writeInt(e.getKey());
      m.writeLong(now[0]);
      m.writeLong(now[1]);
    }
  }

  private static void writeDeletes(
      DataOutputStream m, Table t, Path tdir, long generation, Set<Path> files) throws IOException {
    if (t.deleted.isEmpty()) {
      m.writeUTF("");
      return;
    }
    Path file = tdir.resolve("deletes-" + generation + ".bin");
    Files.deleteIfExists(file);
    TableFiles.writeDeletes(file, t.deleted);
    files.add(file);
    m.writeUTF(file.getFileName().toString());
  }

  // ------------------------------------------------------------------------------ reading

  /**
   * What the last checkpoint holds: the tables as of it (published by the caller once the log is
   * replayed on top), and per table id the files its manifest names.
   */
  record Image(
      long generation,
      long firstSegment,
      int nextTableId,
      Map<String, String> meta,
      List<Table> tables,
      Map<Integer, Set<Path>> files) {

    static final Image EMPTY = new Image(0, 0, 1, Map.of(), List.of(), Map.of());
  }

  /** Reads the last checkpoint back; an empty image where none was ever made. */
  Image read() throws IOException {
    Path manifest = dir.resolve(ManifestFile.NAME);
    if (!Files.exists(manifest)) {
      return Image.EMPTY;
    }
    ManifestFile.Body body = ManifestFile.read(manifest);
    DataInputStream in = body.in();
    int version = body.version();
    try {
      long generation = in.readLong();
      long segment = in.readLong();
      int nextTableId = in.readInt();
      Map<String, String> meta = new HashMap<>();
      int metas = in.readInt();
      for (int i = 0; i < metas; i++) {
        meta.put(in.readUTF(), in.readUTF());
      }
      List<Table> tables = new ArrayList<>();
      Map<Integer, Set<Path>> files = new HashMap<>();
      int ntables = in.readInt();
      for (int i = 0; i < ntables; i++) {
        TableDef def = LogRecords.readDef(in, version >= 2);
        Set<Path> named = new HashSet<>();
        tables.add(readTable(in, version, def, named));
        files.put(def.id(), named);
      }
      return new Image(generation, segment, nextTableId, meta, tables, files);
    } catch (EOFException e) {
      throw new IOException(manifest + " ends early", e);
    }
  }

  private Table readTable(DataInputStream in, int version, TableDef def, Set<Path> named)
      throws IOException {
    Table t = new Table(def);
    Path tdir = tableDir(def.id());
    int nfrag = in.readInt();
    for (int k = 0; k < nfrag; k++) {
      int seq = in.readInt();
      Path f = tdir.resolve(in.readUTF());
      t.sealed.add(StoredFragment.open(seq, f, cache));
      named.add(f);
    }
    int tailSeq = in.readInt();
    List<String> tailFiles = new ArrayList<>();
    // version 2 names one file for the whole tail, or none
    int pieces = version >= 3 ? in.readInt() : 1;
    for (int k = 0; k < pieces; k++) {
      String name = in.readUTF();
      if (!name.isEmpty()) {
        tailFiles.add(name);
      }
    }
    int ndict = in.readInt();
    for (int k = 0; k < ndict; k++) {
      int col = in.readInt();
      long count = in.readLong();
      long length = in.readLong();
      Path f = tdir.resolve("c" + col + ".dict");
      TableFiles.loadDictionary(f, t.dictionaries.get(col), count, length);
      t.dictionaryPersisted.put(col, new long[] {count, length});
      named.add(f);
    }
    t.newTail(tailSeq);
    for (String name : tailFiles) {
      Path f = tdir.resolve(name);
      int before = t.tailRows;
      t.appendToTail(StoredFragment.open(tailSeq, f, cache));
      t.tailFiles.add(new Table.TailFile(name, t.tailRows - before));
      named.add(f);
    }
    t.tailPersisted = t.tailRows;
    String deletes = in.readUTF();
    if (!deletes.isEmpty()) {
      Path f = tdir.resolve(deletes);
      t.deleted.putAll(TableFiles.readDeletes(f));
      named.add(f);
    }
    return t;
  }

  // ------------------------------------------------------------------------------ cleaning up

  /**
   * After recovery: removes the files of interrupted checkpoints and loads, keeping what the tables
   * that outlived the log's replay use or the last manifest names.
   */
  void removeLeftovers(Collection<Table> live, Image image) throws IOException {
    Set<Path> keep = new HashSet<>();
    for (Table t : live) {
      Path tdir = tableDir(t.def().id());
      for (Fragment f : t.sealed) {
        if (f instanceof StoredFragment sf) {
          keep.add(sf.file());
        }
      }
      if (Files.isDirectory(tdir)) {
        keep.addAll(image.files().getOrDefault(t.def().id(), Set.of()));
        for (Integer col : t.dictionaries.keySet()) {
          keep.add(tdir.resolve("c" + col + ".dict"));
        }
      }
    }
    removeOrphans(keep, live);
  }

  /**
   * Deletes the folders of tables no longer live, and in the others every file not in {@code keep}
   * and not being written by a load.
   */
  private void removeOrphans(Set<Path> keep, Collection<Table> live) throws IOException {
    Set<String> liveDirs = new HashSet<>();
    for (Table t : live) {
      liveDirs.add(tableDir(t.def().id()).getFileName().toString());
    }
    try (var entries = Files.list(dir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        String name = p.getFileName().toString();
        if (!Files.isDirectory(p) || !name.matches("t\\d+")) {
          continue;
        }
        if (!liveDirs.contains(name)) {
          Snapshots.deleteTree(p);
          continue;
        }
        try (var files = Files.list(p)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            if (!keep.contains(f) && !loadsInProgress.contains(f)) {
              Files.deleteIfExists(f);
            }
          }
        }
      }
    }
  }

  private Path tableDir(int id) {
    return dir.resolve("t" + id);
  }
}
