package io.citadel.loadbalancer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Reads may run again elsewhere; the first table named is the locality key. */
class SqlTest {

  @Test
  void onlyStatementsThatReadAreReads() {
    assertTrue(Sql.isRead("SELECT 1"));
    assertTrue(Sql.isRead("  -- a comment\n /* another */ select * from t"));
    assertTrue(Sql.isRead("WITH x AS (SELECT 1) SELECT * FROM x"));
    assertTrue(Sql.isRead("EXPLAIN SELECT 1"));
    assertFalse(Sql.isRead("INSERT INTO t VALUES (1)"));
    assertFalse(Sql.isRead("update t set a = 1"));
    assertFalse(Sql.isRead("COPY t FROM '/x.csv'"));
    assertFalse(Sql.isRead("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x"));
    assertFalse(Sql.isRead(""));
    assertFalse(Sql.isRead("{garbage"));
    assertFalse(Sql.isRead("WITH g AS (DELETE FROM t RETURNING *) SELECT * FROM g"));
    assertFalse(Sql.isRead("SELECT * INTO t2 FROM t"));
    assertFalse(Sql.isRead("EXPLAIN ANALYZE UPDATE t SET a = 1"));
    assertTrue(Sql.isRead("SELECT ' insert ' FROM t"));
  }

  @Test
  void theFirstTableNamedIsTheKey() {
    assertEquals("orders", Sql.firstTable("SELECT count(*) FROM Orders o JOIN lineitem l ON 1=1"));
    assertEquals("lineitem", Sql.firstTable("select * from (select 1) x join lineitem on true"));
    assertEquals("Mixed", Sql.firstTable("SELECT * FROM \"Mixed\""));
    assertEquals("t", Sql.firstTable("INSERT INTO t VALUES (1)"));
    assertEquals("t", Sql.firstTable("SELECT * FROM public.t"));
    assertNull(Sql.firstTable("SELECT 1"));
  }

  @Test
  void anHttpBodyIsJsonOrTheStatement() {
    assertEquals("SELECT 1", Sql.ofHttpBody("{\"sql\": \"SELECT 1\"}"));
    assertEquals("SELECT 2", Sql.ofHttpBody("SELECT 2"));
    assertEquals("", Sql.ofHttpBody("{not json"));
  }
}
