package io.citadel.engine.api;

import io.citadel.engine.api.SqlLexer.Kind;
import io.citadel.engine.api.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a statement does, decided once for every bundle that must know before the engine runs it:
 * whether it changes the database (and so travels through an HA group's log and is charged to a
 * volume's quota), whether it only reads (and so a load balancer may run it again elsewhere), the
 * file a COPY reads, and the table it is about.
 *
 * <p>The decision follows the statement's structure, not its first word: comments and literals are
 * skipped, a {@code WITH} whose queries hold an INSERT, UPDATE or DELETE writes, {@code SELECT ...
 * INTO} creates a table, {@code EXPLAIN ANALYZE} runs what it explains, {@code (SELECT ...)} is a
 * query. A statement this class does not know is {@link Kind#OTHER} and counts as one that may
 * write, so that nothing unknown is retried or run on one member only.
 */
public final class SqlStatement {

  /** The kinds of statement. */
  public enum Kind {
    /** Nothing but whitespace and comments. */
    EMPTY(false),
    /** SELECT, VALUES, TABLE and WITH ... SELECT; also DESCRIBE. */
    QUERY(false),
    /** EXPLAIN without ANALYZE. */
    EXPLAIN(false),
    /** SHOW. */
    SHOW(false),
    /** INSERT, UPDATE, DELETE, MERGE (and UPSERT), alone or inside a WITH. */
    DML(true),
    /** CREATE, ALTER, DROP, TRUNCATE, COMMENT ON (not of users and roles); SELECT ... INTO. */
    DDL(true),
    /** COPY ... FROM a file on the server. */
    COPY_FROM_FILE(true),
    /** COPY ... FROM STDIN: the rows come over the client's connection. */
    COPY_FROM_CLIENT(true),
    /** COPY ... TO STDOUT or a file. */
    COPY_TO(false),
    /** BEGIN, COMMIT, ROLLBACK, SAVEPOINT and their kin. */
    TRANSACTION(false),
    /** SET, RESET, DISCARD, LISTEN and what else changes only the session. */
    SESSION(false),
    /** DECLARE, FETCH, MOVE and CLOSE of cursors. */
    CURSOR(false),
    /**
     * Users, roles and privileges: CREATE/ALTER/DROP USER or ROLE, GRANT, REVOKE. They change the
     * database's users, which an HA group's members share through its log.
     */
    ROLES(true),
    /** Anything else; it may write. */
    OTHER(true);

    private final boolean changesData;

    Kind(boolean changesData) {
      this.changesData = changesData;
    }
  }

  private final String text;
  private final Kind kind;
  private final String verb;
  private final String table;
  private final String copyFile;
  private final boolean returning;

  private SqlStatement(
      String text, Kind kind, String verb, String table, String copyFile, boolean returning) {
    this.text = text;
    this.kind = kind;
    this.verb = verb;
    this.table = table;
    this.copyFile = copyFile;
    this.returning = returning;
  }

  /**
   * Classifies one statement (a trailing semicolon allowed). Text that cannot be tokenized (an
   * unterminated string) is {@link Kind#OTHER}: the engine names its problem when it runs it.
   */
  public static SqlStatement of(String sql) {
    List<Token> tokens;
    try {
      tokens = SqlLexer.tokens(sql);
    } catch (SqlLexer.SyntaxException e) {
      return new SqlStatement(sql, Kind.OTHER, "", null, null, false);
    }
    int end = tokens.size() - 1;
    while (end > 0 && tokens.get(end - 1).is(";")) end--;
    return new Reader(sql, tokens.subList(0, end)).statement();
  }

  /**
   * The statements of a simple query, split at the semicolons outside literals and comments;
   * statements with nothing but comments are left out.
   */
  public static List<Piece> split(String sql) {
    List<Piece> out = new ArrayList<>();
    int start = 0;
    int i = 0;
    int n = sql.length();
    while (i < n) {
      if (sql.charAt(i) == ';') {
        add(out, sql, start, i);
        start = ++i;
      } else {
        i = SqlLexer.skip(sql, i);
      }
    }
    add(out, sql, start, n);
    return out;
  }

  private static void add(List<Piece> out, String sql, int from, int to) {
    String s = sql.substring(from, to);
    if (SqlLexer.skipSpaceAndComments(s, 0, false) < s.length()) {
      out.add(new Piece(from, s));
    }
  }

  /** A statement's text within a longer one and where it starts (0-based). */
  public record Piece(int start, String text) {}

  /** The statement's text as given. */
  public String text() {
    return text;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * Whether it changes the database: the statements an HA group's log carries, a read-only server
   * refuses and (but for users and roles, which take no space) a quota judges.
   */
  public boolean changesData() {
    return kind.changesData;
  }

  /** Whether it only reads, so that running it twice, or elsewhere, changes nothing. */
  public boolean onlyReads() {
    return kind == Kind.QUERY || kind == Kind.EXPLAIN || kind == Kind.SHOW;
  }

  /**
   * The command, upper case: {@code SELECT}, {@code INSERT}, {@code CREATE TABLE}, {@code COPY}, …;
   * "" for an empty statement.
   */
  public String verb() {
    return verb;
  }

  /**
   * The table the statement is about: the target of a write or COPY, the object of DDL, else the
   * first table a query reads; lower-cased unless quoted, without its schema. Empty when none.
   */
  public Optional<String> table() {
    return Optional.ofNullable(table);
  }

  /** For {@link Kind#COPY_FROM_FILE}: the file's path as written. */
  public Optional<String> copyFile() {
    return Optional.ofNullable(copyFile);
  }

  /**
   * What {@code of(sql).copyFile()} answers, without classifying the whole text of a statement that
   * is no COPY: replication asks it of every statement in the group's log, most of them INSERTs of
   * thousands of tokens.
   */
  public static Optional<String> copyFileOf(String sql) {
    int n = sql.length();
    int i = SqlLexer.skipSpaceAndComments(sql, 0, false);
    while (i < n && sql.charAt(i) == '(') {
      i = SqlLexer.skipSpaceAndComments(sql, i + 1, false);
    }
    boolean copy =
        sql.regionMatches(true, i, "copy", 0, 4)
            && (i + 4 >= n || !SqlLexer.isIdentifierPart(sql.charAt(i + 4)));
    return copy ? of(sql).copyFile() : Optional.empty();
  }

  /** Whether a write has a {@code RETURNING} clause, and so answers with rows. */
  public boolean returning() {
    return returning;
  }

  @Override
  public String toString() {
    return kind + " " + verb + (table == null ? "" : " " + table);
  }

  /** A reader over one statement's tokens. */
  private static final class Reader {
    private final String sql;
    private final List<Token> tokens;
    private int at;

    Reader(String sql, List<Token> tokens) {
      this.sql = sql;
      this.tokens = tokens;
    }

    private Token peek(int ahead) {
      int k = at + ahead;
      return k < tokens.size() ? tokens.get(k) : new Token(SqlLexer.Kind.END, "", 0, 0);
    }

    private String word(int ahead) {
      Token t = peek(ahead);
      return t.kind() == SqlLexer.Kind.WORD ? t.text() : "";
    }

    SqlStatement statement() {
      int open = 0;
      while (peek(open).is("(")) open++;
      at = open;
      String first = word(0);
      if (tokens.isEmpty()) {
        return result(Kind.EMPTY, "", null);
      }
      return switch (first) {
        case "select", "values", "table", "with" -> query(first);
        case "describe", "desc" -> result(Kind.QUERY, "DESCRIBE", name(1));
        case "insert", "upsert" -> dml(first, word(1).equals("into") ? name(2) : null);
        case "update" -> dml(first, name(word(1).equals("only") ? 2 : 1));
        case "delete" -> dml(first, name(word(2).equals("only") ? 3 : 2));
        case "merge" -> dml(first, name(word(2).equals("only") ? 3 : 2));
        case "create", "alter", "drop" -> ddl(first);
        case "truncate" -> result(Kind.DDL, "TRUNCATE", name(word(1).equals("table") ? 2 : 1));
        case "comment" -> result(Kind.DDL, "COMMENT", null);
        case "grant", "revoke" -> result(Kind.ROLES, first.toUpperCase(Locale.ROOT), null);
        case "copy" -> copy();
        case "explain" -> explain();
        case "show" -> result(Kind.SHOW, "SHOW", null);
        case "begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release" ->
            result(Kind.TRANSACTION, first.toUpperCase(Locale.ROOT), null);
        case "set", "reset", "discard", "listen", "unlisten", "deallocate" ->
            result(Kind.SESSION, first.toUpperCase(Locale.ROOT), null);
        case "declare", "fetch", "move", "close" ->
            result(Kind.CURSOR, first.toUpperCase(Locale.ROOT), null);
        default -> result(Kind.OTHER, first.toUpperCase(Locale.ROOT), null);
      };
    }

    private SqlStatement result(Kind kind, String verb, String table) {
      return new SqlStatement(sql, kind, verb, table, null, false);
    }

    private SqlStatement dml(String verb, String table) {
      return new SqlStatement(
          sql, Kind.DML, verb.toUpperCase(Locale.ROOT), table, null, hasTopLevel("returning"));
    }

    /**
     * SELECT, VALUES, TABLE or WITH: a query, unless a WITH's query writes or it is a SELECT ...
     * INTO, which creates a table.
     */
    private SqlStatement query(String first) {
      if (first.equals("with")) {
        SqlStatement main = with();
        if (main != null) {
          return main;
        }
      }
      if (hasTopLevel("into") && first.equals("select")) {
        return result(Kind.DDL, "SELECT INTO", null);
      }
      return result(Kind.QUERY, first.toUpperCase(Locale.ROOT), firstTableRead());
    }

    /**
     * Reads {@code WITH [RECURSIVE] name [(cols)] AS [[NOT] MATERIALIZED] (body), ...}; returns the
     * statement's classification when a body or the main statement writes, else null with the
     * reader at the main statement.
     */
    private SqlStatement with() {
      at++;
      if (word(0).equals("recursive")) at++;
      boolean writes = false;
      String target = null;
      while (at < tokens.size()) {
        at++; // the query's name
        if (peek(0).is("(")) at = closing(at) + 1;
        if (!word(0).equals("as")) return null; // not a WITH this reader knows: a query
        at++;
        if (word(0).equals("not")) at++;
        if (word(0).equals("materialized")) at++;
        if (!peek(0).is("(")) return null;
        int close = closing(at);
        SqlStatement body =
            new Reader(sql, tokens.subList(at + 1, Math.max(at + 1, close))).statement();
        if (body.kind() == Kind.DML) {
          writes = true;
          target = target == null ? body.table : target;
        }
        at = close + 1;
        if (!peek(0).is(",")) break;
        at++;
      }
      SqlStatement main =
          new Reader(sql, tokens.subList(Math.min(at, tokens.size()), tokens.size())).statement();
      if (main.kind() == Kind.DML || main.kind() == Kind.DDL) {
        return new SqlStatement(sql, main.kind(), main.verb, main.table, null, main.returning);
      }
      return writes ? new SqlStatement(sql, Kind.DML, "WITH", target, null, false) : null;
    }

    /** The index of the parenthesis that closes the one at {@code open}, or the last token. */
    private int closing(int open) {
      int depth = 0;
      for (int k = open; k < tokens.size(); k++) {
        if (tokens.get(k).is("(")) depth++;
        if (tokens.get(k).is(")") && --depth == 0) return k;
      }
      return tokens.size();
    }

    /** Whether {@code word} appears outside parentheses, from the reader's position on. */
    private boolean hasTopLevel(String word) {
      int depth = 0;
      for (int k = at; k < tokens.size(); k++) {
        Token t = tokens.get(k);
        if (t.is("(")) depth++;
        if (t.is(")")) depth--;
        if (depth == 0 && t.kind() == SqlLexer.Kind.WORD && t.text().equals(word)) return true;
      }
      return false;
    }

    private SqlStatement ddl(String first) {
      String object = word(1);
      int k = 1;
      // CREATE [OR REPLACE] [GLOBAL|LOCAL] [TEMP|TEMPORARY|UNLOGGED] [MATERIALIZED] ...
      while (List.of(
              "or",
              "replace",
              "global",
              "local",
              "temp",
              "temporary",
              "unlogged",
              "materialized",
              "unique",
              "recursive")
          .contains(word(k))) {
        k++;
      }
      object = word(k);
      if (object.equals("user") || object.equals("role") || object.equals("group")) {
        return result(Kind.ROLES, (first + " " + object).toUpperCase(Locale.ROOT), null);
      }
      k++;
      if (word(k).equals("if")) {
        k += word(k + 1).equals("not") ? 3 : 2; // IF [NOT] EXISTS
      }
      if (object.equals("index")) {
        // CREATE INDEX [CONCURRENTLY] [name] ON table
        for (int j = at + k; j < tokens.size(); j++) {
          if (tokens.get(j).is("on")) {
            return result(Kind.DDL, "CREATE INDEX", name(j + 1 - at));
          }
        }
      }
      return result(
          Kind.DDL,
          (first + " " + object).toUpperCase(Locale.ROOT),
          object.equals("table") || object.equals("view") ? name(k) : null);
    }

    /**
     * COPY table [(cols)] FROM 'file' | STDIN | PROGRAM ..., or COPY table|(query) TO ...: the
     * direction and source decide the kind.
     */
    private SqlStatement copy() {
      String table = null;
      int k = 1;
      if (peek(k).is("(")) {
        k = closing(at + k) - at + 1; // COPY (query) TO
      } else {
        table = name(k);
        k = afterName(k);
        if (peek(k).is("(")) k = closing(at + k) - at + 1;
      }
      String direction = word(k);
      if (direction.equals("to")) {
        return new SqlStatement(sql, Kind.COPY_TO, "COPY", table, null, false);
      }
      if (direction.equals("from")) {
        Token source = peek(k + 1);
        if (source.kind() == SqlLexer.Kind.WORD && source.text().equals("stdin")) {
          return new SqlStatement(sql, Kind.COPY_FROM_CLIENT, "COPY", table, null, false);
        }
        String file = source.kind() == SqlLexer.Kind.STRING ? source.text() : null;
        return new SqlStatement(sql, Kind.COPY_FROM_FILE, "COPY", table, file, false);
      }
      return new SqlStatement(sql, Kind.OTHER, "COPY", table, null, false);
    }

    /** EXPLAIN [ANALYZE] [VERBOSE] [(options)] statement: ANALYZE runs the statement. */
    private SqlStatement explain() {
      at++;
      boolean analyze = false;
      if (peek(0).is("(")) {
        int close = closing(at);
        for (int k = at + 1; k < close; k++) {
          Token t = tokens.get(k);
          if (t.is("analyze") || t.is("analyse")) {
            Token v = k + 1 < close ? tokens.get(k + 1) : null;
            analyze = v == null || !(v.is("false") || v.is("off") || v.text().equals("0"));
          }
        }
        at = close + 1;
      }
      while (List.of("analyze", "analyse", "verbose", "plan", "for").contains(word(0))) {
        analyze |= word(0).startsWith("analy");
        at++;
      }
      SqlStatement inner =
          new Reader(sql, tokens.subList(Math.min(at, tokens.size()), tokens.size())).statement();
      if (analyze && inner.changesData()) {
        return new SqlStatement(sql, inner.kind, "EXPLAIN", inner.table, null, false);
      }
      return new SqlStatement(sql, Kind.EXPLAIN, "EXPLAIN", inner.table, null, false);
    }

    /** The table name (possibly schema-qualified) starting {@code ahead} tokens on, or null. */
    private String name(int ahead) {
      Token t = peek(ahead);
      if (t.kind() != SqlLexer.Kind.WORD && t.kind() != SqlLexer.Kind.QUOTED_IDENT) {
        return null;
      }
      while (peek(ahead + 1).is(".")
          && (peek(ahead + 2).kind() == SqlLexer.Kind.WORD
              || peek(ahead + 2).kind() == SqlLexer.Kind.QUOTED_IDENT)) {
        ahead += 2;
        t = peek(ahead);
      }
      return t.text();
    }

    private int afterName(int ahead) {
      ahead++;
      while (peek(ahead).is(".")) ahead += 2;
      return ahead;
    }

    /**
     * The first table named after FROM or JOIN, in the statement or its subqueries; the FROM of a
     * function's arguments ({@code extract(year FROM d)}, {@code trim(x FROM y)}) names none.
     */
    private String firstTableRead() {
      java.util.ArrayDeque<Boolean> inCall = new java.util.ArrayDeque<>();
      for (int k = at; k < tokens.size(); k++) {
        Token t = tokens.get(k);
        if (t.is("(")) {
          Token before = k > 0 ? tokens.get(k - 1) : t;
          Token after = k + 1 < tokens.size() ? tokens.get(k + 1) : t;
          boolean subquery = after.is("select") || after.is("with") || after.is("values");
          inCall.push(!subquery && before.kind() == SqlLexer.Kind.WORD);
        } else if (t.is(")")) {
          inCall.poll();
        } else if ((t.is("from") || t.is("join"))
            && !Boolean.TRUE.equals(inCall.peek())
            && k + 1 < tokens.size()) {
          String n = name(k + 1 - at);
          boolean keyword =
              tokens.get(k + 1).kind() == SqlLexer.Kind.WORD
                  && List.of("lateral", "select", "only", "unnest").contains(n);
          boolean function = peek(afterName(k + 1 - at)).is("(");
          if (n != null && !keyword && !function) {
            return n;
          }
        }
      }
      return null;
    }
  }
}
