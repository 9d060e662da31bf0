package io.citadel.engine.internal.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.engine.api.LoggedStatement;
import io.citadel.engine.api.Outcome;
import io.citadel.engine.api.WriteRefusedException;
import io.citadel.engine.internal.storage.Snapshots;
import io.citadel.engine.internal.types.SqlException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Statements applied from a log: the offset is stored with the data, failures are recorded and
 * passed, the writer's clock is used, a snapshot carries its offset, and a router takes over.
 */
class LoggedApplyTest {
  @TempDir Path dir;

  private static final Engine.Options OPTIONS = new Engine.Options(2, 1000, 1L << 26, 1L << 20, 3);

  private static LoggedStatement st(String sql) {
    return new LoggedStatement(sql, "citadel", 1_700_000_000_000L);
  }

  private static long count(Engine e, String table) {
    try (Session s = e.openSession("t")) {
      return Long.parseLong(s.execute("SELECT COUNT(*) FROM " + table).rowsText().get(0)[0]);
    }
  }

  @Test
  void theMarkTravelsWithItsOffsetThroughARestartAndASnapshot() throws Exception {
    Path db = dir.resolve("db");
    Path snap = dir.resolve("snap");
    try (Engine e = Engine.open(db, OPTIONS)) {
      assertEquals("", e.appliedMark("g"));
      e.apply("g", 0, "m0", st("CREATE TABLE t (a INTEGER)"));
      e.apply("g", 1, "m1", st("INSERT INTO nope VALUES (1)")); // a failure keeps its mark too
      assertEquals("m1", e.appliedMark("g"));
      e.snapshot("g", snap);
      e.skip("g", 2, "m2");
      LoggedStatement keyed = new LoggedStatement("INSERT INTO t VALUES (1)", "citadel", 1L, "k");
      e.apply("g", 3, "m3", keyed);
      e.apply("g", 4, "m4", keyed); // a repeated key is not applied, but its offset and mark are
      assertEquals("", e.appliedMark("other"));
    }
    try (Engine e = Engine.open(db, OPTIONS)) {
      assertEquals(4, e.appliedOffset("g"));
      assertEquals("m4", e.appliedMark("g"));
      assertEquals(1, count(e, "t"));
    }
    Path copy = dir.resolve("copy");
    Snapshots.restore(snap, copy);
    try (Engine e = Engine.open(copy, OPTIONS)) {
      assertEquals(1, e.appliedOffset("g"));
      assertEquals("m1", e.appliedMark("g"));
    }
  }

  @Test
  void offsetsSurviveARestartAndAreNeverAppliedTwice() throws Exception {
    Path db = dir.resolve("db");
    try (Engine e = Engine.open(db, OPTIONS)) {
      assertEquals(-1, e.appliedOffset("g"));
      assertEquals("CREATE TABLE", e.apply("g", 0, st("CREATE TABLE t (a INTEGER)")).tag());
      assertEquals("INSERT 0 2", e.apply("g", 1, st("INSERT INTO t VALUES (1), (2)")).tag());
      Outcome bad = e.apply("g", 2, st("INSERT INTO nope VALUES (1)"));
      assertTrue(bad.isFailure());
      assertEquals("42P01", bad.sqlState());
      // a DELETE that touches nothing still moves the offset
      assertEquals("DELETE 0", e.apply("g", 3, st("DELETE FROM t WHERE a = 9")).tag());
      assertEquals(3, e.appliedOffset("g"));
      assertThrows(
          IllegalStateException.class, () -> e.apply("g", 3, st("INSERT INTO t VALUES (3)")));
      e.skip("g", 4);
    }
    try (Engine e = Engine.open(db, OPTIONS)) {
      assertEquals(4, e.appliedOffset("g"));
      assertEquals(2, count(e, "t"));
      assertEquals(-1, e.appliedOffset("other"));
    }
  }

  @Test
  void aKeyedWriteIsAppliedOnceHoweverOftenTheLogCarriesItAndARepeatAnswersTheFirstOutcome()
      throws Exception {
    Path db = dir.resolve("db");
    LoggedStatement insert =
        new LoggedStatement("INSERT INTO t VALUES (1), (2)", "citadel", 1L, "k-1");
    LoggedStatement bad = new LoggedStatement("INSERT INTO nope VALUES (1)", "citadel", 1L, "k-2");
    try (Engine e = Engine.open(db, OPTIONS)) {
      e.apply("g", 0, st("CREATE TABLE t (a INTEGER)"));
      assertEquals("INSERT 0 2", e.apply("g", 1, insert).tag());
      // a balancer sent it again through another member: in the log twice, applied once
      Outcome repeat = e.apply("g", 2, insert);
      assertEquals("INSERT 0 2", repeat.tag());
      assertTrue(
          repeat.notices().get(0).contains("applied at offset 1"), repeat.notices().toString());
      assertEquals(2, count(e, "t"));
      assertEquals("42P01", e.apply("g", 3, bad).sqlState());
      assertEquals("42P01", e.apply("g", 4, bad).sqlState(), "a repeat fails as the first did");
      assertEquals(4, e.appliedOffset("g"));
    }
    try (Engine e = Engine.open(db, OPTIONS)) {
      // the keys are as durable as the data
      assertEquals("INSERT 0 2", e.apply("g", 5, insert).tag());
      assertEquals(2, count(e, "t"));
      assertEquals(
          "INSERT 0 1",
          e.apply("g", 6, new LoggedStatement("INSERT INTO t VALUES (3)", "citadel", 1L, "k-3"))
              .tag());
      assertEquals(3, count(e, "t"));
      assertEquals(6, e.appliedOffset("g"));
    }
  }

  @Test
  void theWritersClockIsEveryMembersClock() throws Exception {
    try (Engine e = Engine.open(dir.resolve("db"), OPTIONS)) {
      e.apply("g", 0, st("CREATE TABLE t (ts TIMESTAMP)"));
      e.apply("g", 1, st("INSERT INTO t VALUES (CURRENT_TIMESTAMP)"));
      try (Session s = e.openSession("t")) {
        assertEquals(
            "2023-11-14 22:13:20",
            String.valueOf(s.execute("SELECT CAST(ts AS VARCHAR) FROM t").rowsText().get(0)[0])
                .substring(0, 19));
      }
    }
  }

  @Test
  void copyRecordsItsOffsetWithTheLoadedFiles() throws Exception {
    Path csv = dir.resolve("rows.csv");
    Files.writeString(csv, "1,a\n2,b\n3,c\n");
    Path db = dir.resolve("db");
    try (Engine e = Engine.open(db, OPTIONS)) {
      e.apply("g", 0, st("CREATE TABLE t (a INTEGER, b TEXT)"));
      assertEquals("COPY 3", e.apply("g", 1, st("COPY t FROM '" + csv + "'")).tag());
    }
    try (Engine e = Engine.open(db, OPTIONS)) {
      assertEquals(1, e.appliedOffset("g"));
      assertEquals(3, count(e, "t"));
    }
  }

  @Test
  void aSnapshotCarriesItsOffsetAndRestoresElsewhere() throws Exception {
    Path snap = dir.resolve("snap");
    try (Engine e = Engine.open(dir.resolve("a"), OPTIONS)) {
      e.apply("g", 0, st("CREATE TABLE t (a INTEGER, b TEXT)"));
      for (int i = 1; i <= 5; i++) {
        e.apply("g", i, st("INSERT INTO t VALUES (" + i + ", 'row " + i + "')"));
      }
      e.apply("g", 6, st("DELETE FROM t WHERE a = 2"));
      assertEquals(6, e.snapshot("g", snap));
      e.apply("g", 7, st("INSERT INTO t VALUES (7, 'after')"));
    }
    Path b = dir.resolve("b");
    try (Engine e = Engine.open(b, OPTIONS)) {
      e.apply("g", 0, st("CREATE TABLE junk (x INTEGER)"));
    }
    Snapshots.restore(snap, b);
    try (Engine e = Engine.open(b, OPTIONS)) {
      assertEquals(6, e.appliedOffset("g"));
      assertEquals(4, count(e, "t"));
      assertEquals(null, e.store().table("junk"));
    }
  }

  /** Makes {@code a} the writer of a group of two: each record is applied on both, in one order. */
  private static List<LoggedStatement> groupOfTwo(Engine a, Engine b) {
    List<LoggedStatement> log = new ArrayList<>();
    a.setWriteRouter(
        st -> {
          log.add(st);
          long at = log.size() - 1;
          b.apply("g", at, st);
          return a.apply("g", at, st);
        });
    return log;
  }

  @Test
  void aTransactionBlockTravelsAsOneRecordAppliedAllOrNothingOnEveryMember() throws Exception {
    try (Engine a = Engine.open(dir.resolve("a"), OPTIONS);
        Engine b = Engine.open(dir.resolve("b"), OPTIONS)) {
      // a group of two: each record is applied on both members, in one order
      List<LoggedStatement> log = groupOfTwo(a, b);
      try (Session s = a.openSession("citadel")) {
        s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        s.execute("BEGIN");
        s.execute("INSERT INTO t VALUES (1, 'x')");
        s.execute("INSERT INTO t VALUES (2, 'y')");
        // the block reads its own writes; nothing has reached the log yet
        assertEquals(2, Long.parseLong(s.execute("SELECT COUNT(*) FROM t").rowsText().get(0)[0]));
        assertEquals(1, log.size());
        assertEquals(0, count(b, "t"));
        s.execute("COMMIT");
        assertEquals(2, log.size(), "the block is one record");
        assertEquals(2, count(a, "t"));
        assertEquals(2, count(b, "t"));
        // a block that failed sends nothing
        s.execute("BEGIN");
        s.execute("INSERT INTO t VALUES (3, 'z')");
        assertThrows(SqlException.class, () -> s.execute("INSERT INTO t VALUES (1, 'dup')"));
        assertEquals("ROLLBACK", s.execute("COMMIT").tag());
        assertEquals(2, log.size());
      }
      // a record whose second statement fails is applied nowhere, and the offset moves on
      LoggedStatement broken =
          st("BEGIN;\nINSERT INTO t VALUES (10, 'a');\nINSERT INTO nope VALUES (1);\nCOMMIT");
      assertTrue(a.apply("g", 2, broken).isFailure());
      assertTrue(b.apply("g", 2, broken).isFailure());
      assertEquals(2, count(a, "t"));
      assertEquals(2, count(b, "t"));
      assertEquals(2, b.appliedOffset("g"));
    }
  }

  @Test
  void usersTravelThroughTheLogAsVerifiersAndPrivilegesAreJudgedBeforeAndWhereApplied()
      throws Exception {
    Path csv = Files.writeString(dir.resolve("rows.csv"), "1\n2\n");
    try (Engine a = Engine.open(dir.resolve("a"), OPTIONS);
        Engine b = Engine.open(dir.resolve("b"), OPTIONS)) {
      List<LoggedStatement> log = groupOfTwo(a, b);
      try (Session s = a.openSession("citadel")) {
        s.execute("CREATE TABLE t (a INTEGER)");
        s.execute("CREATE USER loader WITH PASSWORD 'loader-password'");
        s.execute(
            "/* a comment */ create role Admin2 with login superuser password 'admin-password'");
        s.execute("ALTER USER loader WITH PASSWORD 'second-password'");
      }
      assertEquals(4, log.size());
      for (LoggedStatement st : log.subList(1, 4)) {
        // no password crosses the log: a verifier made once, stored alike by every member
        assertFalse(st.sql().contains("password'"), st.sql());
        assertTrue(st.sql().contains("SCRAM-SHA-256$"), st.sql());
      }
      for (Engine e : List.of(a, b)) {
        assertTrue(
            io.citadel.engine.internal.auth.Scram.matches(
                e.users().get("loader").verifier(), "second-password"));
        assertTrue(e.users().get("admin2").superuser());
        assertFalse(e.users().get("loader").superuser());
      }
      assertEquals(
          a.users().get("loader").verifier().toString(),
          b.users().get("loader").verifier().toString());
      // refused on the writer, before the log: a COPY from a server file and a users change by a
      // user who is not a superuser, and a GRANT, which is not supported
      try (Session s = a.openSession("loader")) {
        SqlException copy =
            assertThrows(SqlException.class, () -> s.execute("COPY t FROM '" + csv + "'"));
        assertEquals("42501", copy.sqlState());
        SqlException create =
            assertThrows(
                SqlException.class,
                () -> s.execute("CREATE USER other WITH PASSWORD 'other-password'"));
        assertEquals("42501", create.sqlState());
        assertEquals(
            "0A000",
            assertThrows(SqlException.class, () -> s.execute("GRANT SELECT ON t TO loader"))
                .sqlState());
        s.execute("ALTER USER loader WITH PASSWORD 'third-password'"); // their own: allowed
      }
      assertEquals(5, log.size(), "nothing refused was logged");
      try (Session s = a.openSession("admin2")) {
        assertEquals("COPY 2", s.execute("COPY t FROM '" + csv + "'").tag());
      }
      assertEquals(2, count(b, "t"));
      // where applied, the users at that offset decide, on every member alike: a record (forged,
      // or logged before its user lost the privilege) is refused on each
      for (Engine e : List.of(a, b)) {
        long at = e.appliedOffset("g") + 1;
        for (String user : List.of("loader", "nobody")) {
          Outcome o =
              e.apply("g", at++, new LoggedStatement("COPY t FROM '" + csv + "'", user, 1L));
          assertTrue(o.isFailure(), user);
          assertEquals("42501", o.sqlState());
        }
        assertEquals(2, count(e, "t"));
      }
    }
  }

  @Test
  void theWritersTimeZoneTravelsWithItsWritesSoEveryMemberStoresTheSameInstants() throws Exception {
    try (Engine a = Engine.open(dir.resolve("a"), OPTIONS);
        Engine b = Engine.open(dir.resolve("b"), OPTIONS)) {
      List<LoggedStatement> log = groupOfTwo(a, b);
      try (Session s = a.openSession("citadel")) {
        s.execute("CREATE TABLE ev (id INTEGER, at TIMESTAMPTZ)");
        s.execute("SET TIME ZONE 'America/New_York'");
        s.execute("INSERT INTO ev VALUES (1, '2024-07-01 12:00')");
        assertEquals("America/New_York", log.get(1).timeZone());
        // a block whose zone changes between writes: each write is read in its own zone
        s.execute("BEGIN");
        s.execute("INSERT INTO ev VALUES (2, '2024-07-01 12:00')");
        s.execute("SET TIME ZONE 'Asia/Kolkata'");
        s.execute("INSERT INTO ev VALUES (3, '2024-07-01 12:00')");
        s.execute("COMMIT");
      }
      for (Engine e : List.of(a, b)) {
        try (Session s = e.openSession("citadel")) {
          // read in UTC, a member that never saw a SET
          List<String[]> rows =
              s.execute("SELECT id, CAST(at AS TEXT) FROM ev ORDER BY id").rowsText();
          assertEquals("2024-07-01 16:00:00+00", rows.get(0)[1]);
          assertEquals("2024-07-01 16:00:00+00", rows.get(1)[1]);
          assertEquals("2024-07-01 06:30:00+00", rows.get(2)[1]);
        }
      }
    }
  }

  @Test
  void aRouterTakesOverStateChangingStatementsOnly() throws Exception {
    try (Engine e = Engine.open(dir.resolve("db"), OPTIONS)) {
      List<LoggedStatement> routed = new ArrayList<>();
      long[] next = {0};
      e.setWriteRouter(
          s -> {
            routed.add(s);
            if (s.sql().contains("refuse")) {
              throw new WriteRefusedException(WriteRefusedException.READ_ONLY, "read-only member");
            }
            return e.apply("g", next[0]++, s);
          });
      try (Session s = e.openSession("citadel")) {
        s.execute("CREATE TABLE t (a INTEGER)");
        s.execute("INSERT INTO t VALUES (1)");
        assertEquals("1", s.execute("SELECT a FROM t").rowsText().get(0)[0]);
        SqlException dup =
            assertThrows(SqlException.class, () -> s.execute("CREATE TABLE t (b INTEGER)"));
        assertEquals("42P07", dup.sqlState());
        SqlException ro =
            assertThrows(SqlException.class, () -> s.execute("INSERT INTO t VALUES (2) -- refuse"));
        assertEquals("25006", ro.sqlState());
        // UPSERT, which no member runs, is refused before the log, behind a comment too
        SqlException upsert =
            assertThrows(SqlException.class, () -> s.execute("/* x */ upsert INTO t VALUES (3)"));
        assertEquals("42601", upsert.sqlState());
        s.execute("SET execution_mode = cpu");
      }
      assertEquals(4, routed.size());
      assertEquals(2, e.appliedOffset("g"));
      assertFalse(Session.changesState("SELECT 1"));
      assertTrue(Session.changesState("CREATE USER bob WITH PASSWORD 'x'"));
      assertTrue(Session.changesState("  update t set a = 1"));
      // a comment before the statement does not hide it from the group's log
      assertTrue(Session.changesState("/* x */ INSERT INTO t VALUES (1)"));
      assertTrue(Session.changesState("/* a /* nested */ one */\n-- and a line\nDELETE FROM t"));
      assertFalse(Session.changesState("/* INSERT */ SELECT 1"));
      assertEquals(
          Path.of("/x/y.csv"),
          Session.copySource("COPY t FROM '/x/y.csv' WITH (header true)").get());
      assertTrue(Session.copySource("INSERT INTO t VALUES (1)").isEmpty());
    }
  }

  @Test
  void aGroupCommitKeepsAPrefixOfItsAppliesWithTheirOffsets() throws Exception {
    Path db = dir.resolve("db");
    Path crashed = dir.resolve("crashed");
    Path torn = dir.resolve("torn");
    try (Engine e = Engine.open(db, OPTIONS)) {
      e.apply("g", 0, st("CREATE TABLE t (a INTEGER)"));
      e.groupCommit(
          () -> {
            for (int i = 1; i <= 40; i++) {
              e.apply("g", i, st("INSERT INTO t VALUES (" + i + ")"));
            }
            assertTrue(e.apply("g", 41, st("INSERT INTO t VALUES (1 / 0)")).isFailure());
            e.skip("g", 42);
            // what a kill -9 here leaves: everything written, nothing forced yet
            copyTree(db, crashed);
            copyTree(db, torn);
            return null;
          });
      assertEquals(42, e.appliedOffset("g"));
    }
    try (Engine e = Engine.open(db, OPTIONS)) {
      assertEquals(42, e.appliedOffset("g"));
      assertEquals(40, count(e, "t"));
    }
    try (Engine e = Engine.open(crashed, OPTIONS)) {
      assertEquals(42, e.appliedOffset("g"));
      assertEquals(40, count(e, "t"));
    }
    // a torn tail (power lost mid-batch) keeps a prefix: the offset still names exactly the rows
    Path wal;
    try (var files = Files.list(torn.resolve("wal"))) {
      wal =
          files
              .filter(f -> f.getFileName().toString().endsWith(".log"))
              .sorted()
              .reduce((a, b) -> b)
              .orElseThrow();
    }
    try (var ch = java.nio.channels.FileChannel.open(wal, java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() * 2 / 3);
    }
    try (Engine e = Engine.open(torn, OPTIONS)) {
      long offset = e.appliedOffset("g");
      assertTrue(offset >= 0 && offset < 40, "kept up to offset " + offset);
      assertEquals(offset, count(e, "t"));
    }
  }

  private static void copyTree(Path from, Path to) {
    try (var paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
