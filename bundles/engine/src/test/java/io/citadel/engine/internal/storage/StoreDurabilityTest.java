package io.citadel.engine.internal.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage format and recovery: what was acknowledged survives a crash (the store is abandoned
 * without closing, as after kill -9), a torn last log record is cut off, checkpoints and the log
 * together rebuild every table, and text, NULLs and deletes come back as they were.
 */
class StoreDurabilityTest {
  @TempDir Path dir;

  private Store open() throws IOException {
    return Store.open(dir, new ColumnCache(1 << 20), 1 << 20);
  }

  private static void create(Store s) {
    create(s, 4);
  }

  private static void create(Store s, int fragmentSize) {
    s.createTable(
        "t",
        List.of(
            new Store.NewColumn("id", ColumnType.BIGINT, true),
            new Store.NewColumn("name", ColumnType.TEXT, false),
            new Store.NewColumn("price", ColumnType.decimal(10, 2), false),
            new Store.NewColumn("x", ColumnType.DOUBLE, false)),
        fragmentSize,
        false);
  }

  private static void insert(Store s, int from, int n) {
    insert(s, from, n, false);
  }

  /** Rows of the four columns {@link #create} makes, and 7 in a fifth when {@code extra}. */
  private static void insert(Store s, int from, int n, boolean extra) {
    Object[][] cols = new Object[extra ? 5 : 4][n];
    for (int i = 0; i < n; i++) {
      cols[0][i] = (long) (from + i);
      cols[1][i] = (from + i) % 3 == 0 ? null : "name-" + ((from + i) % 5);
      cols[2][i] = (long) (from + i) * 100 + 1;
      cols[3][i] = (from + i) / 2.0;
      if (extra) {
        cols[4][i] = 7L;
      }
    }
    s.insert("t", cols, n);
  }

  private static void assertRows(Store s, int expected) {
    TableVersion v = s.require("t").version();
    assertEquals(expected, v.liveRows());
    long seen = 0;
    for (Fragment f : v.fragments()) {
      ColumnDef idCol = v.def().columns().get(0);
      ColumnDef nameCol = v.def().columns().get(1);
      ColumnDef priceCol = v.def().columns().get(2);
      ColumnData ids = f.column(idCol.id());
      ColumnData names = f.column(nameCol.id());
      ColumnData prices = f.column(priceCol.id());
      long[] deleted = v.deletedIn(f);
      for (int r = 0; r < f.rows(); r++) {
        if (deleted != null && (deleted[r >>> 6] & (1L << r)) != 0) {
          continue;
        }
        long id = ids.longAt(r);
        assertEquals(id * 100 + 1, prices.longAt(r));
        if (id % 3 == 0) {
          assertEquals(true, names.isNull(r));
        } else {
          assertEquals(
              "name-" + (id % 5), v.dictionary(nameCol.id()).decode((int) names.longAt(r)));
        }
        seen++;
      }
    }
    assertEquals(expected, seen);
  }

  /**
   * A snapshot under writes: once staged (the consistent point), writes and checkpoints from
   * another thread go on while it is copied out, even ones that rewrite the tail and add fragments;
   * the copy holds exactly the rows of the staged point, and the staging folder goes.
   */
  @Test
  void aSnapshotIsCopiedOutWhileWritesGoOnAndHoldsItsStagedPoint() throws Exception {
    Path copy = dir.getParent().resolve(dir.getFileName() + "-snapshot");
    try (Store s = open()) {
      create(s);
      insert(s, 0, 10);
      try (StagedSnapshot staged = s.stageSnapshot()) {
        java.util.concurrent.ExecutorService other =
            java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
          other
              .submit(
                  () -> {
                    insert(s, 10, 7);
                    s.checkpoint();
                    insert(s, 17, 3);
                    return null;
                  })
              .get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
          other.shutdownNow();
        }
        assertRows(s, 20);
        staged.copyTo(copy);
      }
      try (var left = Files.list(dir)) {
        assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(".snapshot-")));
      }
    }
    try (Store restored = Store.open(copy, new ColumnCache(1 << 20), 1 << 20)) {
      assertRows(restored, 10);
    }
    try (Store s = open()) {
      assertRows(s, 20);
    }
  }

  @Test
  void acknowledgedWritesSurviveACrash() throws IOException {
    Store s = open();
    create(s);
    insert(s, 0, 10);
    insert(s, 10, 3);
    // no close(): the process died
    Store again = open();
    assertRows(again, 13);
    again.close();
  }

  @Test
  void aTornLastRecordIsCutOffAndEverythingBeforeItKept() throws IOException {
    Store s = open();
    create(s);
    insert(s, 0, 7);
    Path wal = Files.list(dir.resolve("wal")).sorted().reduce((a, b) -> b).orElseThrow();
    // half of a record: a length, a checksum, and too few bytes
    Files.write(wal, new byte[] {40, 0, 0, 0, 1, 2, 3, 4, 9, 9}, StandardOpenOption.APPEND);
    Store again = open();
    assertRows(again, 7);
    insert(again, 7, 2); // the log is writable after the cut
    Store third = open();
    assertRows(third, 9);
    third.close();
  }

  @Test
  void checkpointsLogAndDeletesRebuildTheTable() throws IOException {
    Store s = open();
    create(s);
    insert(s, 0, 9); // fragments of 4: two full, one partial
    s.checkpoint();
    insert(s, 9, 5);
    long[] ids = {Fragment.rowId(0, 1), Fragment.rowId(2, 0)};
    assertEquals(2, s.delete("t", ids));
    s.addColumn("t", "extra", ColumnType.INTEGER);
    Store again = open();
    assertRows(again, 12);
    assertEquals(5, again.require("t").def().columns().size());
    again.checkpoint();
    again.close();
    Store third = open();
    assertRows(third, 12);
    third.close();
  }

  /**
   * A growing partial fragment is not written whole by every checkpoint: checkpoint k writes its
   * new rows with the newest files holding no more rows, so with equal steps the files are the
   * binary digits of k (one file at k = 16), an odd checkpoint writes only its own rows, and
   * everything written adds up to a logarithmic multiple of the tail. The files, a column added in
   * between and the log rebuild the table after a crash.
   */
  @Test
  void aGrowingTailIsNotRewrittenWholeByEachCheckpoint() throws IOException {
    Store s = open();
    create(s, 1_000_000);
    Path tdir = dir.resolve("t" + s.require("t").def().id());
    int rows = 0;
    long firstPiece = 0;
    long written = 0;
    int withoutExtra = 0;
    for (int k = 1; k <= 20; k++) {
      insert(s, rows, 500, withoutExtra > 0);
      rows += 500;
      s.checkpoint();
      List<Path> tails = tailFiles(tdir);
      Path newest = tails.get(tails.size() - 1);
      written += Files.size(newest);
      if (k == 1) {
        firstPiece = Files.size(newest);
      }
      assertEquals(Integer.bitCount(k), tails.size(), "files after checkpoint " + k);
      if (k % 2 == 1) {
        assertTrue(Files.size(newest) < 2 * firstPiece, "checkpoint " + k + " wrote " + newest);
      }
      if (k == 16) {
        assertTrue(Files.size(newest) > 10 * firstPiece, Files.size(newest) + " bytes");
      }
      if (k == 6) {
        s.addColumn("t", "extra", ColumnType.INTEGER);
        withoutExtra = rows;
      }
    }
    // the tail written whole by each checkpoint would be 1 + 2 + ... + 20 = 210 steps' rows, 13
    // times the file of 16 steps; merged as a binary counter, 56 steps' rows, 3.5 times
    assertTrue(written < 7 * Files.size(tailFiles(tdir).get(0)), written + " bytes written");
    insert(s, rows, 300, true); // in the log only
    rows += 300;
    // no close(): the process died
    Store again = open();
    assertRows(again, rows);
    TableVersion v = again.require("t").version();
    ColumnDef extra = v.def().columns().get(4);
    long nulls = 0;
    long set = 0;
    for (Fragment f : v.fragments()) {
      ColumnData d = f.column(extra.id());
      for (int r = 0; r < f.rows(); r++) {
        if (d == null || d.isNull(r)) {
          nulls++;
        } else {
          assertEquals(7L, d.longAt(r));
          set++;
        }
      }
    }
    assertEquals(withoutExtra, nulls);
    assertEquals(rows - withoutExtra, set);
    again.checkpoint();
    again.close();
    Store third = open();
    assertRows(third, rows);
    third.close();
  }

  private static List<Path> tailFiles(Path tdir) throws IOException {
    try (var files = Files.list(tdir)) {
      return files
          .filter(f -> f.getFileName().toString().startsWith("tail-"))
          .sorted(
              java.util.Comparator.comparingLong(
                  f -> Long.parseLong(f.getFileName().toString().replaceAll("\\D", ""))))
          .toList();
    }
  }

  /**
   * A write whose log record would be over the limit recovery reads back is refused before it is
   * logged (it was acknowledged, then cut off at the next start as a torn record).
   */
  @Test
  void aWriteTooLargeForOneLogRecordIsRefusedBeforeItIsLogged() throws IOException {
    Store s = Store.open(dir, new ColumnCache(1 << 20), 1 << 30, 64 << 10);
    create(s, 1_000_000);
    insert(s, 0, 100);
    long logged = walBytes();
    SqlException e = assertThrows(SqlException.class, () -> insert(s, 100, 10_000));
    assertEquals(SqlException.PROGRAM_LIMIT, e.sqlState());
    assertTrue(e.getMessage().contains("more than 65536 bytes in one step"), e.getMessage());
    assertEquals(logged, walBytes());
    assertRows(s, 100);
    insert(s, 100, 50); // the store goes on
    // no close(): the process died
    Store again = open();
    assertRows(again, 150);
    again.close();
  }

  private long walBytes() throws IOException {
    try (var files = Files.list(dir.resolve("wal"))) {
      long n = 0;
      for (Path f : (Iterable<Path>) files::iterator) {
        n += Files.size(f);
      }
      return n;
    }
  }

  @Test
  void aBulkLoadIsAllOrNothing() throws IOException {
    Store s = open();
    create(s);
    insert(s, 0, 2);
    BulkLoad load = s.beginLoad("t");
    for (int i = 2; i < 12; i++) {
      load.builder(0).appendLong(i);
      load.builder(1).appendText("name-" + (i % 5));
      load.builder(2).appendLong(i * 100L + 1);
      load.builder(3).appendDouble(i / 2.0);
      load.endRow();
    }
    load.abort();
    assertRows(s, 2);
    BulkLoad ok = s.beginLoad("t");
    for (int i = 2; i < 12; i++) {
      ok.builder(0).appendLong(i);
      if (i % 3 == 0) {
        ok.builder(1).appendNull();
      } else {
        ok.builder(1).appendText("name-" + (i % 5));
      }
      ok.builder(2).appendLong(i * 100L + 1);
      ok.builder(3).appendDouble(i / 2.0);
      ok.endRow();
    }
    ok.commit();
    assertRows(s, 12);
    Store again = open();
    assertRows(again, 12);
    again.close();
  }

  @Test
  void constraintsAreCheckedBeforeAnythingIsLogged() throws IOException {
    Store s = open();
    create(s);
    Object[][] cols = {{null}, {"a"}, {1L}, {1.0}};
    SqlException e = assertThrows(SqlException.class, () -> s.insert("t", cols, 1));
    assertEquals(SqlException.NOT_NULL_VIOLATION, e.sqlState());
    assertThrows(SqlException.class, () -> s.insert("nope", cols, 1));
    Store again = open();
    assertRows(again, 0);
    assertNull(again.table("nope"));
    again.close();
  }

  @Test
  void aDamagedManifestStopsStartupWithAClearError() throws IOException {
    Store s = open();
    create(s);
    insert(s, 0, 3);
    s.close();
    Path manifest = dir.resolve("MANIFEST");
    byte[] b = Files.readAllBytes(manifest);
    b[b.length / 2] ^= 0x55;
    Files.write(manifest, b);
    IOException e = assertThrows(IOException.class, this::open);
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().contains("MANIFEST"), e.getMessage());
  }
}
