package io.citadel.engine.internal.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.engine.internal.sql.Engine;
import io.citadel.engine.internal.sql.Session;
import io.citadel.engine.internal.types.ColumnType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor's operators on their own: join output bounds, outer and semi joins, scans. */
class OperatorsTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static ValuesNode keys(int rows, int distinct, int offset) {
    List<List<Object>> v = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      v.add(List.of((long) (i % distinct), (long) (i + offset)));
    }
    return new ValuesNode(new ColumnType[] {ColumnType.BIGINT, ColumnType.BIGINT}, v);
  }

  private List<Batch> run(PhysicalNode node) {
    ExecContext ctx = new ExecContext(pool, 2, System.currentTimeMillis(), false);
    return ctx.collect(node.open(ctx), "the test");
  }

  private static long rows(List<Batch> batches) {
    return batches.stream().mapToLong(b -> b.size).sum();
  }

  @Test
  void aJoinThatMultipliesRowsEmitsBoundedBatches() {
    // 3000 x 3000 rows on 3 keys: 3,000,000 pairs, far more than one output batch.
    HashJoinNode join =
        new HashJoinNode(
            keys(3000, 3, 0),
            keys(3000, 3, 0),
            HashJoinNode.Kind.INNER,
            new int[] {0},
            new int[] {0},
            null);
    List<Batch> out = run(join);
    assertEquals(3_000_000L, rows(out));
    for (Batch b : out) {
      assertTrue(b.size <= HashJoinNode.OUTPUT_BATCH, "batch of " + b.size);
    }
  }

  @Test
  void leftSemiAndAntiJoinsKeepEachProbeRowTheRightNumberOfTimes() {
    // Left keys 0..9 (each once); right keys 0..4 twice each.
    ValuesNode left = keys(10, 10, 0);
    List<List<Object>> r = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      r.add(List.of((long) (i % 5), (long) i));
    }
    ValuesNode right = new ValuesNode(new ColumnType[] {ColumnType.BIGINT, ColumnType.BIGINT}, r);
    int[] k = {0};
    assertEquals(15L, rows(run(new HashJoinNode(left, right, HashJoinNode.Kind.LEFT, k, k, null))));
    assertEquals(5L, rows(run(new HashJoinNode(left, right, HashJoinNode.Kind.SEMI, k, k, null))));
    assertEquals(5L, rows(run(new HashJoinNode(left, right, HashJoinNode.Kind.ANTI, k, k, null))));
    List<Batch> outer = run(new HashJoinNode(left, right, HashJoinNode.Kind.LEFT, k, k, null));
    long nullRight = 0;
    for (Batch b : outer) {
      for (int i = 0; i < b.size; i++) {
        if (b.cols[2].isNull(i)) {
          nullRight++;
        }
      }
    }
    assertEquals(5L, nullRight, "keys 5..9 have no match and come back once, with NULLs");
  }

  @Test
  void aStarJoinGivesTheHashJoinChainsRowsWithUniqueOrRepeatedDimensionKeys() {
    ValuesNode fact = keys(20_000, 1_000, 0);
    int[] k = {0};
    for (int distinct : new int[] {1_000, 300}) {
      // 1000 distinct keys in 1000 rows: unique; 300 in 1000: repeated, so the plain chain runs.
      ValuesNode d1 = keys(1_000, distinct, 5);
      ValuesNode d2 = keys(500, 500, 7);
      StarJoinNode star = StarJoinNode.of(StarJoinNode.of(fact, d1, k, k), d2, k, k);
      HashJoinNode chain =
          new HashJoinNode(
              new HashJoinNode(fact, d1, HashJoinNode.Kind.INNER, k, k, null),
              d2,
              HashJoinNode.Kind.INNER,
              k,
              k,
              null);
      assertEquals(sorted(run(chain)), sorted(run(star)), "distinct keys " + distinct);
    }
  }

  private static List<String> sorted(List<Batch> batches) {
    List<String> rows = new ArrayList<>();
    for (Batch b : batches) {
      for (int i = 0; i < b.size; i++) {
        StringBuilder r = new StringBuilder();
        for (Vec v : b.cols) r.append(v.get(i)).append('|');
        rows.add(r.toString());
      }
    }
    java.util.Collections.sort(rows);
    return rows;
  }

  @TempDir Path dir;

  @Test
  void scanRangesAgreeWithTheGeneralPathOnNullsDeletesAndAddedColumns() throws Exception {
    try (Engine engine = Engine.open(dir, new Engine.Options(2, 1000, 1L << 26, 1L << 20, 10))) {
      Session s = engine.openSession("t");
      s.execute("CREATE TABLE r (a INTEGER, b BIGINT, d DATE)");
      StringBuilder insert = new StringBuilder("INSERT INTO r VALUES ");
      for (int i = 0; i < 5000; i++) {
        insert.append(i == 0 ? "" : ", ").append('(');
        insert.append(i % 7 == 0 ? "NULL" : Integer.toString(i % 100)).append(", ");
        insert.append(i % 11 == 0 ? "NULL" : Long.toString(i * 1_000_000_007L)).append(", ");
        insert
            .append("DATE '")
            .append(java.time.LocalDate.of(2024, 1, 1).plusDays(i % 365))
            .append("')");
      }
      s.execute(insert.toString());
      s.execute("DELETE FROM r WHERE MOD(b, 13) = 0");
      s.execute("ALTER TABLE r ADD COLUMN late INTEGER");
      long expected = 0;
      for (int i = 0; i < 5000; i++) {
        boolean deleted = i % 11 != 0 && (i * 1_000_000_007L) % 13 == 0;
        int a = i % 100;
        if (!deleted && i % 7 != 0 && a >= 10 && a <= 20 && i % 11 != 0 && i * 1_000_000_007L > 5) {
          expected++;
        }
      }
      // Only ranges (decided on stored values) ...
      assertEquals(
          expected,
          (Long)
              s.execute("SELECT COUNT(*) FROM r WHERE a BETWEEN 10 AND 20 AND b > 5")
                  .rowsBoxed()
                  .get(0)[0]);
      // ... the same with a conjunct the general path evaluates beside them.
      assertEquals(
          expected,
          (Long)
              s.execute(
                      "SELECT COUNT(*) FROM r WHERE a BETWEEN 10 AND 20 AND b > 5"
                          + " AND MOD(a, 1) = 0")
                  .rowsBoxed()
                  .get(0)[0]);
      assertEquals(
          0L, (Long) s.execute("SELECT COUNT(*) FROM r WHERE late >= 0").rowsBoxed().get(0)[0]);
      long inJanuary =
          (Long)
              s.execute("SELECT COUNT(*) FROM r WHERE d < DATE '2024-02-01'").rowsBoxed().get(0)[0];
      long check = 0;
      for (int i = 0; i < 5000; i++) {
        boolean deleted = i % 11 != 0 && (i * 1_000_000_007L) % 13 == 0;
        if (!deleted && i % 365 < 31) {
          check++;
        }
      }
      assertEquals(check, inJanuary);
    }
  }
}
