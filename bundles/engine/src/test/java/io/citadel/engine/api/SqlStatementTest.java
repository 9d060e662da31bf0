package io.citadel.engine.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.citadel.engine.api.SqlStatement.Kind;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The one classification of statements that replication, quotas, COPY, the wire protocol and the
 * load balancer share: decided on the statement's structure, so that no write passes for a read.
 */
class SqlStatementTest {

  private static Kind kind(String sql) {
    return SqlStatement.of(sql).kind();
  }

  @Test
  void commentsAndLiteralsDoNotHideAWrite() {
    assertEquals(Kind.DML, kind("/* x */ INSERT INTO t VALUES (1)"));
    assertEquals(Kind.DML, kind("/* a /* nested */ one */\n-- and a line\nDELETE FROM t"));
    assertEquals(Kind.QUERY, kind("/* INSERT */ SELECT 1"));
    assertEquals(Kind.QUERY, kind("SELECT 'insert into t values (1)'"));
    assertEquals(Kind.QUERY, kind("SELECT $$; DELETE FROM t; $$"));
    assertEquals(Kind.QUERY, kind("SELECT E'\\'; DELETE FROM t; '"));
    assertEquals(Kind.DML, kind("  update t set a = 1;"));
    assertEquals(Kind.QUERY, kind("((SELECT 1))"));
  }

  @Test
  void aWithWritesWhenAnyOfItsQueriesWrites() {
    assertEquals(Kind.QUERY, kind("WITH x AS (SELECT 1) SELECT * FROM x"));
    assertEquals(Kind.DML, kind("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x"));
    SqlStatement s =
        SqlStatement.of(
            "WITH RECURSIVE a(n) AS (SELECT 1), gone AS MATERIALIZED"
                + " (DELETE FROM t WHERE a < 0 RETURNING *) SELECT count(*) FROM gone");
    assertEquals(Kind.DML, s.kind());
    assertEquals(Optional.of("t"), s.table());
    assertEquals(
        Kind.DML, kind("WITH q AS NOT MATERIALIZED (UPDATE t SET a = 2 RETURNING a) TABLE q"));
  }

  @Test
  void statementsThatLookLikeQueriesButWrite() {
    assertEquals(Kind.DDL, kind("SELECT * INTO copy_of_t FROM t"));
    assertEquals(Kind.QUERY, kind("SELECT * FROM t WHERE a IN (SELECT b INTO x FROM u)"));
    assertEquals(Kind.DML, kind("UPSERT INTO t VALUES (1)"));
    assertEquals(Kind.DML, kind("MERGE INTO t USING u ON t.a = u.a WHEN MATCHED THEN DELETE"));
    assertEquals(Kind.DML, kind("EXPLAIN ANALYZE INSERT INTO t VALUES (1)"));
    assertEquals(Kind.DML, kind("EXPLAIN (ANALYZE, BUFFERS) DELETE FROM t"));
    assertEquals(Kind.EXPLAIN, kind("EXPLAIN (ANALYZE false) DELETE FROM t"));
    assertEquals(Kind.EXPLAIN, kind("EXPLAIN INSERT INTO t VALUES (1)"));
    assertEquals(Kind.EXPLAIN, kind("EXPLAIN ANALYZE SELECT 1"));
    assertEquals(Kind.DDL, kind("COMMENT ON TABLE t IS 'x'"));
    assertEquals(Kind.OTHER, kind("DO $$ BEGIN DELETE FROM t; END $$"));
    assertTrue(SqlStatement.of("CALL p()").changesData(), "what is not known may write");
  }

  @Test
  void usersTravelWithTheDatabaseAndSessionsStayWithTheServer() {
    for (String sql :
        List.of(
            "CREATE USER bob WITH PASSWORD 'x'",
            "ALTER ROLE bob PASSWORD 'y'",
            "/* c */ drop user if exists bob",
            "GRANT SELECT ON t TO bob")) {
      assertTrue(SqlStatement.of(sql).changesData(), sql);
      assertEquals(Kind.ROLES, kind(sql), sql);
    }
    for (String sql :
        List.of(
            "SET search_path = s",
            "RESET ALL",
            "DISCARD ALL",
            "BEGIN",
            "ROLLBACK TO SAVEPOINT a",
            "DECLARE c CURSOR FOR SELECT 1",
            "FETCH 10 FROM c",
            "SHOW TimeZone",
            "COPY t TO STDOUT",
            "COPY (SELECT * FROM t) TO STDOUT WITH (FORMAT csv)",
            "",
            " -- nothing\n")) {
      assertFalse(SqlStatement.of(sql).changesData(), sql);
    }
    assertEquals(Kind.ROLES, kind("create role r"));
    assertEquals(Kind.EMPTY, kind("/* only */ -- comments"));
  }

  @Test
  void copyNamesItsDirectionSourceAndTable() {
    SqlStatement file = SqlStatement.of("COPY s.\"Orders\" (a, b) FROM '/shared/o.csv' (HEADER)");
    assertEquals(Kind.COPY_FROM_FILE, file.kind());
    assertEquals(Optional.of("/shared/o.csv"), file.copyFile());
    assertEquals(Optional.of("Orders"), file.table());
    assertEquals(Kind.COPY_FROM_CLIENT, kind("copy t from stdin with (format csv)"));
    assertEquals(Kind.COPY_TO, kind("COPY t TO '/tmp/out.csv'"));
    assertEquals(Optional.empty(), SqlStatement.of("COPY t FROM STDIN").copyFile());
  }

  @Test
  void theQuickCopyCheckAnswersAsTheFullClassification() {
    for (String sql :
        List.of(
            "COPY t FROM '/shared/a.csv'",
            "  /* a comment */ -- and a line\n copy t FROM '/shared/b.csv' (FORMAT csv);",
            "( COPY t FROM '/shared/c.csv')",
            "CoPy\tt FROM '/shared/d.csv'",
            "COPY t FROM STDIN",
            "copyt FROM '/shared/e.csv'",
            "copy_t",
            "INSERT INTO t VALUES ('COPY t FROM ''/x''')",
            "/* COPY t FROM '/shared/f.csv' */ SELECT 1",
            "COPY t FROM '/open",
            "",
            "copy")) {
      assertEquals(SqlStatement.of(sql).copyFile(), SqlStatement.copyFileOf(sql), sql);
    }
    assertEquals(
        Optional.of("/shared/a.csv"), SqlStatement.copyFileOf("COPY t FROM '/shared/a.csv'"));
  }

  @Test
  void theTableIsTheTargetOrTheFirstTableRead() {
    assertEquals(Optional.of("t"), SqlStatement.of("INSERT INTO public.t VALUES (1)").table());
    assertEquals(Optional.of("t"), SqlStatement.of("DELETE FROM ONLY t").table());
    assertEquals(Optional.of("t"), SqlStatement.of("CREATE TABLE IF NOT EXISTS t (a INT)").table());
    assertEquals(Optional.of("t"), SqlStatement.of("CREATE UNIQUE INDEX i ON t (a)").table());
    assertEquals(Optional.of("t"), SqlStatement.of("TRUNCATE TABLE t").table());
    assertEquals(
        Optional.of("orders"),
        SqlStatement.of("SELECT count(*) FROM Orders o JOIN lineitem l ON 1=1").table());
    assertEquals(
        Optional.of("lineitem"),
        SqlStatement.of("select * from (select 1) x join lineitem on true").table());
    assertEquals(Optional.of("t"), SqlStatement.of("SELECT extract(year FROM d) FROM t").table());
    assertEquals(
        Optional.of("u"),
        SqlStatement.of("SELECT * FROM generate_series(1, 3) g JOIN u ON true").table());
    assertEquals(Optional.of("Mixed"), SqlStatement.of("SELECT * FROM \"Mixed\"").table());
    assertEquals(Optional.empty(), SqlStatement.of("SELECT 1").table());
  }

  @Test
  void returningIsSeenOnlyAtTheTopLevel() {
    assertTrue(SqlStatement.of("INSERT INTO t VALUES (1) RETURNING a").returning());
    assertTrue(
        SqlStatement.of("INSERT INTO t VALUES (1) ON CONFLICT (a) DO NOTHING RETURNING *")
            .returning());
    assertFalse(SqlStatement.of("INSERT INTO t SELECT 'returning' FROM u").returning());
  }

  @Test
  void theVerbNamesTheCommand() {
    assertEquals("CREATE TABLE", SqlStatement.of("create temp table t (a int)").verb());
    assertEquals("DROP VIEW", SqlStatement.of("DROP VIEW v").verb());
    assertEquals("INSERT", SqlStatement.of("WITH x AS (SELECT 1) INSERT INTO t TABLE x").verb());
    assertEquals("", SqlStatement.of("  ").verb());
  }

  @Test
  void aSimpleQuerySplitsOutsideLiteralsAndComments() {
    List<SqlStatement.Piece> pieces =
        SqlStatement.split(
            "SELECT ';'; SELECT $t$;$t$ /* ; */; -- ;\n; SELECT E'\\';'; /* only */ ;");
    assertEquals(
        List.of("SELECT ';'", " SELECT $t$;$t$ /* ; */", " SELECT E'\\';'"),
        pieces.stream().map(SqlStatement.Piece::text).toList());
    assertEquals(11, pieces.get(1).start());
  }

  @Test
  void theLexerDecodesWhatPostgresqlDecodes() {
    List<SqlLexer.Token> t =
        SqlLexer.tokens("SELECT E'a\\nb\\x41\\u00e9', 'it''s', $q$x'y$q$, \"Q\"\"x\", $2, -1.5e3");
    assertEquals("a\nbAé", t.get(1).text());
    assertEquals("it's", t.get(3).text());
    assertEquals("x'y", t.get(5).text());
    assertEquals(SqlLexer.Kind.QUOTED_IDENT, t.get(7).kind());
    assertEquals("Q\"x", t.get(7).text());
    assertEquals(SqlLexer.Kind.PARAMETER, t.get(9).kind());
    assertEquals("2", t.get(9).text());
    assertEquals("-1.5e3", t.get(11).text());
    SqlLexer.SyntaxException e =
        assertThrows(SqlLexer.SyntaxException.class, () -> SqlLexer.tokens("SELECT 'open"));
    assertEquals(8, e.position());
    assertThrows(SqlLexer.SyntaxException.class, () -> SqlLexer.tokens("SELECT $a$ x"));
    assertThrows(SqlLexer.SyntaxException.class, () -> SqlLexer.tokens("SELECT /* x"));
    assertEquals(Kind.OTHER, kind("SELECT 'open"));
  }

  @Test
  void rememberedTokensAreEachTextsOwnUnderConcurrency() throws Exception {
    String sql = "INSERT INTO t VALUES (1, 'a')";
    List<SqlLexer.Token> first = SqlLexer.tokens(sql);
    assertEquals(first, SqlLexer.tokens(new String(sql.toCharArray())));
    assertThrows(UnsupportedOperationException.class, () -> first.add(first.get(0)));
    // threads lexing texts that share slots: every answer is its own text's
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Boolean>> checks = new java.util.ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int worker = w;
        checks.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 20_000; i++) {
                    long v = (long) worker * 1_000_000 + i % 50;
                    List<SqlLexer.Token> t = SqlLexer.tokens("SELECT " + v + ", 'w" + worker + "'");
                    if (!t.get(1).text().equals(Long.toString(v))
                        || !t.get(3).text().equals("w" + worker)) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (var c : checks) {
        assertTrue(c.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
