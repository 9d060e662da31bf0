package io.citadel.engine.internal.sql;

import io.citadel.engine.api.SqlLexer;
import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.IntervalText;
import io.citadel.engine.internal.types.SqlException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PostgreSQL's {@code value::type} cast, rewritten as {@code CAST(value AS type)} for Calcite's
 * parser, with PostgreSQL's type names ({@code int4}, {@code float8}, {@code double precision},
 * {@code timestamp with time zone}, ...) mapped to the engine's. Clients write it by habit, and the
 * JDBC driver writes it when it inlines parameters. The operand is what precedes {@code ::}: a
 * literal, a (qualified) name, a parenthesised expression or a function call.
 */
final class PgCasts {
  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("int2", "SMALLINT"),
          Map.entry("smallint", "SMALLINT"),
          Map.entry("int4", "INTEGER"),
          Map.entry("int", "INTEGER"),
          Map.entry("integer", "INTEGER"),
          Map.entry("int8", "BIGINT"),
          Map.entry("bigint", "BIGINT"),
          Map.entry("float4", "REAL"),
          Map.entry("real", "REAL"),
          Map.entry("float8", "DOUBLE"),
          Map.entry("float", "DOUBLE"),
          Map.entry("double precision", "DOUBLE"),
          Map.entry("bool", "BOOLEAN"),
          Map.entry("boolean", "BOOLEAN"),
          Map.entry("text", "TEXT"),
          Map.entry("varchar", "VARCHAR"),
          Map.entry("character varying", "VARCHAR"),
          Map.entry("char", "VARCHAR"),
          Map.entry("bpchar", "VARCHAR"),
          Map.entry("name", "VARCHAR"),
          // object identifiers and their reg* aliases are integers here
          Map.entry("oid", "INTEGER"),
          // a relation's name to its oid: a catalog lookup (see SqlPlanner.AnyArray)
          Map.entry("regclass", "regclass"),
          Map.entry("regtype", "INTEGER"),
          // a function's name, as a regproc prints (see SqlPlanner)
          Map.entry("regproc", "regproc"),
          Map.entry("regnamespace", "INTEGER"),
          Map.entry("date", "DATE"),
          Map.entry("timestamp", "TIMESTAMP"),
          Map.entry("timestamptz", "TIMESTAMP WITH LOCAL TIME ZONE"),
          Map.entry("timestamp with time zone", "TIMESTAMP WITH LOCAL TIME ZONE"),
          Map.entry("time without time zone", "TIME"),
          Map.entry("bytea", "VARBINARY"),
          Map.entry("timestamp without time zone", "TIMESTAMP"));

  private PgCasts() {}

  static boolean present(String sql) {
    return sql.contains("::")
        || sql.contains("->")
        || sql.contains("#>")
        || mentionsInterval(sql)
        || sql.contains("OPERATOR(")
        || sql.contains("COLLATE")
        || sql.contains("collate");
  }

  private static final java.util.regex.Pattern OPERATOR =
      java.util.regex.Pattern.compile(
          "OPERATOR\\s*\\(\\s*(?:pg_catalog\\s*\\.\\s*)?([~!<>=*+\\-/%]+)\\s*\\)");
  private static final java.util.regex.Pattern COLLATE =
      java.util.regex.Pattern.compile(
          "(?i)\\s+COLLATE\\s+(?:pg_catalog\\s*\\.\\s*)?(?:\"[^\"]*\"|[A-Za-z_][A-Za-z0-9_]*)");

  /**
   * psql's and drivers' spellings Calcite's grammar lacks, in the text outside quotes: {@code
   * OPERATOR(pg_catalog.~)} is the operator itself; {@code COLLATE pg_catalog.default} (or any
   * collation: text compares by its bytes here, as PostgreSQL's "C") is dropped.
   */
  private static String operatorsAndCollations(String segment) {
    String s = OPERATOR.matcher(segment).replaceAll(" $1 ");
    return COLLATE.matcher(s).replaceAll("");
  }

  /** Words the grammar reserves that PostgreSQL takes as a column label after AS. */
  private static final java.util.regex.Pattern LABEL =
      java.util.regex.Pattern.compile(
          "(?i)\\bAS(\\s+)(DEFAULT|USER|ORDER|GROUP|CHECK|END|WINDOW|TABLE|SCHEMA|SELECT|INSERT|UPDATE|DELETE)\\b"
              + "(?=\\s*(?:,|\\)|;|$|FROM\\b|WHERE\\b))");

  /**
   * {@code AS default} (SQLAlchemy names a column so) and other reserved words used as a label,
   * quoted in lower case as PostgreSQL would read them; only outside quoted text.
   */
  static String labels(String sql) {
    if (!LABEL.matcher(sql).find()) {
      return sql;
    }
    StringBuilder out = new StringBuilder(sql.length() + 8);
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"') {
        int end = sql.indexOf(c, i + 1);
        while (end > 0 && end + 1 < sql.length() && sql.charAt(end + 1) == c) {
          end = sql.indexOf(c, end + 2);
        }
        end = end < 0 ? sql.length() : end + 1;
        out.append(sql, i, end);
        i = end;
        continue;
      }
      int next = i;
      while (next < sql.length() && sql.charAt(next) != '\'' && sql.charAt(next) != '"') next++;
      java.util.regex.Matcher m = LABEL.matcher(sql.substring(i, next));
      StringBuilder part = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(
            part,
            java.util.regex.Matcher.quoteReplacement(
                "AS" + m.group(1) + "\"" + m.group(2).toLowerCase(java.util.Locale.ROOT) + "\""));
      }
      m.appendTail(part);
      out.append(part);
      i = next;
    }
    return out.toString();
  }

  /** A range of a statement's text and what replaces it. */
  private record Splice(int start, int end, String text) {}

  /**
   * {@code sql} with the ranges {@code edits} chooses from its tokens replaced; {@code sql} itself
   * when it does not lex (the parser names its problem) or nothing is replaced.
   */
  private static String splice(
      String sql, java.util.function.Function<List<SqlLexer.Token>, List<Splice>> edits) {
    List<Splice> splices;
    try {
      splices = edits.apply(SqlLexer.tokens(sql));
    } catch (SqlLexer.SyntaxException e) {
      return sql;
    }
    if (splices.isEmpty()) {
      return sql;
    }
    StringBuilder out = new StringBuilder(sql.length() + 16);
    int copied = 0;
    for (Splice x : splices) {
      out.append(sql, copied, x.start()).append(x.text());
      copied = x.end();
    }
    return out.append(sql, copied, sql.length()).toString();
  }

  /**
   * Dollar-quoted strings ({@code $$it's$$}, {@code $tag$...$tag$}) written as standard ones, which
   * every later step (the cast rewriting, Calcite's parser) knows.
   */
  static String dollarQuotes(String sql) {
    if (sql.indexOf('$') < 0) {
      return sql;
    }
    return splice(
        sql,
        tokens -> {
          List<Splice> out = new java.util.ArrayList<>();
          for (SqlLexer.Token t : tokens) {
            if (t.kind() == SqlLexer.Kind.STRING && sql.charAt(t.start()) == '$') {
              out.add(new Splice(t.start(), t.end(), "'" + t.text().replace("'", "''") + "'"));
            }
          }
          return out;
        });
  }

  /**
   * {@code LATERAL f(...)}, as PostgreSQL writes a lateral function, without the word, which
   * Calcite's grammar takes only before a subquery or TABLE(...): every function in FROM is made
   * lateral after parsing (see {@link SetReturningCalls}).
   */
  static String lateralCalls(String sql) {
    if (!sql.toLowerCase(Locale.ROOT).contains("lateral")) {
      return sql;
    }
    return splice(
        sql,
        tokens -> {
          List<Splice> out = new java.util.ArrayList<>();
          for (int k = 0; k + 2 < tokens.size(); k++) {
            if (!tokens.get(k).is("lateral")) {
              continue;
            }
            int j = k + 1;
            while (j + 2 < tokens.size()
                && tokens.get(j + 1).is(".")
                && tokens.get(j).kind() != SqlLexer.Kind.SYMBOL) {
              j += 2;
            }
            SqlLexer.Token name = tokens.get(j);
            boolean call =
                (name.kind() == SqlLexer.Kind.WORD && !name.text().equals("table"))
                    || name.kind() == SqlLexer.Kind.QUOTED_IDENT;
            if (call && tokens.get(j + 1).is("(")) {
              out.add(new Splice(tokens.get(k).start(), tokens.get(k).end(), ""));
            }
          }
          return out;
        });
  }

  /**
   * {@code unnest(x)}, which Calcite's grammar reserves for its own UNNEST (of its array values,
   * not of PostgreSQL's text form), as the engine's set-returning {@code pg_unnest}; a {@code
   * pg_catalog.} before it goes too.
   */
  static String unnestCalls(String sql) {
    if (!sql.toLowerCase(Locale.ROOT).contains("unnest")) {
      return sql;
    }
    return splice(
        sql,
        tokens -> {
          List<Splice> out = new java.util.ArrayList<>();
          for (int k = 0; k + 1 < tokens.size(); k++) {
            if (!tokens.get(k).is("unnest") || !tokens.get(k + 1).is("(")) {
              continue;
            }
            int from = tokens.get(k).start();
            if (k >= 2 && tokens.get(k - 1).is(".") && tokens.get(k - 2).is("pg_catalog")) {
              from = tokens.get(k - 2).start();
            }
            out.add(new Splice(from, tokens.get(k).end(), "pg_unnest"));
          }
          return out;
        });
  }

  static String rewrite(String sql) {
    String s = casts(outsideStrings(sql));
    s = s.contains("->") || s.contains("#>") ? jsonOperators(s) : s;
    return mentionsInterval(s) ? intervals(s) : s;
  }

  /** Whether the text may hold an interval or timestamp constant to rewrite. */
  private static boolean mentionsInterval(String sql) {
    String l = sql.toLowerCase(Locale.ROOT);
    return l.contains("interval") || l.contains("timestamp '");
  }

  private static final java.util.Set<String> INTERVAL_UNITS =
      java.util.Set.of(
          "year", "years", "month", "months", "day", "days", "hour", "hours", "minute", "minutes",
          "second", "seconds");

  /**
   * PostgreSQL's interval constants — {@code INTERVAL '1 day'}, {@code '2 hours'::interval}, the
   * units inside the string — in Calcite's form, the units after it: months as YEAR TO MONTH, a
   * span with days as DAY TO SECOND, one without as HOUR TO SECOND (so that it shows as PostgreSQL
   * shows it). A constant with both months and days becomes the sum of two, which is what adding it
   * to a timestamp needs.
   */
  static String intervals(String sql) {
    return splice(
        sql,
        tokens -> {
          List<Splice> out = new java.util.ArrayList<>();
          for (int k = 0; k + 1 < tokens.size(); k++) {
            SqlLexer.Token t = tokens.get(k);
            if (t.is("interval")
                && tokens.get(k + 1).kind() == SqlLexer.Kind.STRING
                && !INTERVAL_UNITS.contains(tokens.get(k + 2 < tokens.size() ? k + 2 : k).text())) {
              out.add(
                  new Splice(
                      t.start(),
                      tokens.get(k + 1).end(),
                      IntervalText.calcite(tokens.get(k + 1).text())));
              k++;
            } else if (t.is("cast")
                && k + 5 < tokens.size()
                && tokens.get(k + 1).is("(")
                && tokens.get(k + 2).kind() == SqlLexer.Kind.STRING
                && tokens.get(k + 3).is("as")
                && tokens.get(k + 4).is("interval")
                && tokens.get(k + 5).is(")")) {
              out.add(
                  new Splice(
                      t.start(),
                      tokens.get(k + 5).end(),
                      "(" + IntervalText.calcite(tokens.get(k + 2).text()) + ")"));
              k += 5;
            } else if (t.is("timestamp")
                && tokens.get(k + 1).kind() == SqlLexer.Kind.STRING
                && (k == 0 || !tokens.get(k - 1).is("as"))) {
              // TIMESTAMP '2024-01-31 10:00': Calcite's constant needs the seconds
              String text = tokens.get(k + 1).text();
              try {
                String normal = ColumnType.TIMESTAMP.format(ColumnType.TIMESTAMP.parse(text));
                if (!normal.equals(text)) {
                  out.add(
                      new Splice(
                          tokens.get(k + 1).start(), tokens.get(k + 1).end(), "'" + normal + "'"));
                }
              } catch (SqlException e) {
                // Calcite's parser names what is wrong with it
              }
              k++;
            }
          }
          return out;
        });
  }

  /** PostgreSQL's json operators and the functions they are here. */
  private static final Map<String, String> JSON_OPERATORS =
      Map.of(
          "->", "PG_JSON_GET",
          "->>", "PG_JSON_GET_TEXT",
          "#>", "PG_JSON_PATH",
          "#>>", "PG_JSON_PATH_TEXT");

  /** Words before a parenthesis that make it a group, not a function's arguments. */
  private static final java.util.Set<String> NOT_FUNCTIONS =
      java.util.Set.of(
          "select",
          "where",
          "and",
          "or",
          "not",
          "on",
          "in",
          "when",
          "then",
          "else",
          "by",
          "as",
          "from",
          "having",
          "case",
          "is",
          "like",
          "ilike",
          "between",
          "values",
          "return",
          "returning",
          "set",
          "exists",
          "any",
          "all",
          "some",
          "join",
          "using",
          "distinct");

  /**
   * {@code doc -> key}, {@code ->>}, {@code #>} and {@code #>>} as calls of the engine's json
   * functions, innermost (leftmost) first, since they bind left to right. An operand is what
   * PostgreSQL would bind to the operator: a constant, a parameter, a (qualified) name, a call or a
   * parenthesised expression.
   */
  static String jsonOperators(String sql) {
    String s = sql;
    for (int round = 0; round < 1000; round++) {
      List<SqlLexer.Token> t;
      try {
        t = SqlLexer.tokens(s);
      } catch (SqlLexer.SyntaxException e) {
        return s;
      }
      int at = -1;
      int width = 0;
      for (int k = 1; k < t.size() && at < 0; k++) {
        width = jsonOperatorAt(t, k);
        if (width > 0) {
          at = k;
        }
      }
      if (at < 0) {
        return s;
      }
      StringBuilder op = new StringBuilder();
      for (int k = at; k < at + width; k++) op.append(t.get(k).text());
      int left = operandStart(t, at - 1);
      int right = operandEnd(t, at + width);
      if (left < 0 || right < 0) {
        return s; // the parser reports the operator it cannot read
      }
      s =
          s.substring(0, t.get(left).start())
              + JSON_OPERATORS.get(op.toString())
              + "("
              + s.substring(t.get(left).start(), t.get(at - 1).end())
              + ", "
              + s.substring(t.get(at + width).start(), t.get(right).end())
              + ")"
              + s.substring(t.get(right).end());
    }
    return s;
  }

  /** The number of tokens of a json operator starting at token {@code k}, or 0. */
  private static int jsonOperatorAt(List<SqlLexer.Token> t, int k) {
    SqlLexer.Token a = t.get(k);
    if (!(a.is("-") || a.is("#")) || k + 1 >= t.size()) {
      return 0;
    }
    SqlLexer.Token b = t.get(k + 1);
    if (!b.is(">") || b.start() != a.end()) {
      return 0;
    }
    if (k + 2 < t.size() && t.get(k + 2).is(">") && t.get(k + 2).start() == b.end()) {
      return 3;
    }
    return 2;
  }

  /** The first token of the operand that ends at token {@code k}, or -1. */
  /** Whether {@code sql} has the sign of a number's exponent at {@code i}: the - of 1e-5. */
  private static boolean isExponentSign(String sql, int i) {
    char c = sql.charAt(i);
    return (c == '+' || c == '-')
        && i > 0
        && (sql.charAt(i - 1) == 'e' || sql.charAt(i - 1) == 'E')
        && i + 1 < sql.length()
        && Character.isDigit(sql.charAt(i + 1));
  }

  private static int operandStart(List<SqlLexer.Token> t, int k) {
    if (k < 0) {
      return -1;
    }
    SqlLexer.Token last = t.get(k);
    if (last.is(")")) {
      int depth = 0;
      int j = k;
      for (; j >= 0; j--) {
        if (t.get(j).is(")")) {
          depth++;
        } else if (t.get(j).is("(") && --depth == 0) {
          break;
        }
      }
      if (j <= 0) {
        return j;
      }
      SqlLexer.Token before = t.get(j - 1);
      boolean call =
          before.kind() == SqlLexer.Kind.QUOTED_IDENT
              || (before.kind() == SqlLexer.Kind.WORD && !NOT_FUNCTIONS.contains(before.text()));
      return call ? nameStart(t, j - 1) : j;
    }
    return switch (last.kind()) {
      case STRING, NUMBER, PARAMETER -> k;
      case WORD, QUOTED_IDENT -> nameStart(t, k);
      default -> -1;
    };
  }

  /** The first token of the dotted name that ends at token {@code k}. */
  private static int nameStart(List<SqlLexer.Token> t, int k) {
    int j = k;
    while (j >= 2
        && t.get(j - 1).is(".")
        && (t.get(j - 2).kind() == SqlLexer.Kind.WORD
            || t.get(j - 2).kind() == SqlLexer.Kind.QUOTED_IDENT)) {
      j -= 2;
    }
    return j;
  }

  /** The last token of the operand that starts at token {@code k}, or -1. */
  private static int operandEnd(List<SqlLexer.Token> t, int k) {
    if (k >= t.size() || t.get(k).kind() == SqlLexer.Kind.END) {
      return -1;
    }
    SqlLexer.Token first = t.get(k);
    int j = k;
    switch (first.kind()) {
      case STRING, NUMBER, PARAMETER:
        return k;
      case WORD, QUOTED_IDENT:
        while (j + 2 < t.size() && t.get(j + 1).is(".")) {
          j += 2;
        }
        if (j + 1 < t.size() && t.get(j + 1).is("(")) {
          return groupEnd(t, j + 1);
        }
        return j;
      default:
        return first.is("(") ? groupEnd(t, k) : -1;
    }
  }

  private static int groupEnd(List<SqlLexer.Token> t, int open) {
    int depth = 0;
    for (int j = open; j < t.size(); j++) {
      if (t.get(j).is("(")) {
        depth++;
      } else if (t.get(j).is(")") && --depth == 0) {
        return j;
      }
    }
    return -1;
  }

  /** {@link #operatorsAndCollations} applied to the text between single-quoted literals. */
  private static String outsideStrings(String sql) {
    if (!sql.contains("OPERATOR(") && !sql.contains("COLLATE") && !sql.contains("collate")) {
      return sql;
    }
    StringBuilder out = new StringBuilder(sql.length());
    int from = 0;
    int i = 0;
    while (i < sql.length()) {
      if (sql.charAt(i) == '\'') {
        out.append(operatorsAndCollations(sql.substring(from, i)));
        int end = quoted(sql, i);
        out.append(sql, i, end);
        i = end;
        from = end;
      } else {
        i++;
      }
    }
    out.append(operatorsAndCollations(sql.substring(from)));
    return out.toString();
  }

  private static String casts(String sql) {
    StringBuilder out = new StringBuilder(sql.length() + 16);
    Deque<Integer> open = new ArrayDeque<>();
    int operand = -1;
    boolean lastWasWord = false;
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"') {
        int end = quoted(sql, i);
        boolean qualified = c == '"' && endsWithDot(out);
        if (!qualified) {
          operand = out.length();
        }
        out.append(sql, i, end);
        i = end;
        lastWasWord = c == '"';
      } else if (sql.startsWith("--", i) || sql.startsWith("/*", i)) {
        int end = sql.startsWith("--", i) ? lineEnd(sql, i) : commentEnd(sql, i);
        out.append(sql, i, end);
        i = end;
      } else if (Character.isWhitespace(c)) {
        out.append(c);
        i++;
      } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$') {
        int end = i;
        while (end < n
            && (Character.isLetterOrDigit(sql.charAt(end))
                || sql.charAt(end) == '_'
                || sql.charAt(end) == '$'
                || (sql.charAt(end) == '.' && Character.isDigit(c))
                || (Character.isDigit(c) && isExponentSign(sql, end)))) {
          end++;
        }
        if (!endsWithDot(out)) {
          operand = out.length();
        }
        out.append(sql, i, end);
        i = end;
        lastWasWord = true;
      } else if (c == '(') {
        open.push(lastWasWord && operand >= 0 ? operand : out.length());
        out.append(c);
        i++;
        lastWasWord = false;
      } else if (c == ')') {
        operand = open.isEmpty() ? -1 : open.pop();
        out.append(c);
        i++;
        lastWasWord = false;
      } else if (sql.startsWith("::", i) && operand >= 0) {
        int[] end = new int[1];
        String type = type(sql, i + 2, end);
        String value = out.substring(operand).strip();
        out.setLength(operand);
        if (type.equalsIgnoreCase("interval")) {
          // x::interval: a constant in Calcite's form, any other text read at run time
          boolean constant =
              value.length() > 1
                  && value.startsWith("'")
                  && value.endsWith("'")
                  && value.indexOf('\'', 1) == value.length() - 1;
          out.append(
              constant
                  ? "(" + IntervalText.calcite(value.substring(1, value.length() - 1)) + ")"
                  : "PG_INTERVAL(" + value + ")");
        } else {
          out.append("CAST(").append(value).append(" AS ").append(type).append(')');
        }
        i = end[0];
        lastWasWord = false;
      } else {
        if (c != '.') {
          operand = -1;
        }
        out.append(c);
        i++;
        lastWasWord = false;
      }
    }
    return out.toString();
  }

  /** The engine's name for the PostgreSQL type written at {@code from}; its end in {@code end}. */
  private static String type(String sql, int from, int[] end) {
    int i = skipSpace(sql, from);
    // pg_catalog.text and the like: the built-in type
    if (sql.regionMatches(true, i, "pg_catalog", 0, 10)) {
      int dot = skipSpace(sql, i + 10);
      if (dot < sql.length() && sql.charAt(dot) == '.') {
        i = skipSpace(sql, dot + 1);
      }
    }
    StringBuilder name = new StringBuilder();
    int wordEnd = word(sql, i);
    name.append(sql, i, wordEnd);
    i = wordEnd;
    String first = name.toString().toLowerCase(Locale.ROOT);
    for (String[] more :
        new String[][] {
          {"double", "precision"},
          {"character", "varying"},
          {"timestamp", "with", "time", "zone"},
          {"time", "without", "time", "zone"},
          {"timestamp", "without", "time", "zone"}
        }) {
      if (!first.equals(more[0])) {
        continue;
      }
      int j = i;
      StringBuilder longer = new StringBuilder(first);
      boolean all = true;
      for (int k = 1; k < more.length && all; k++) {
        int s = skipSpace(sql, j);
        int e = word(sql, s);
        all = sql.substring(s, e).equalsIgnoreCase(more[k]);
        longer.append(' ').append(more[k]);
        j = e;
      }
      if (all) {
        name = longer;
        i = j;
        break;
      }
    }
    String modifiers = "";
    int s = skipSpace(sql, i);
    if (s < sql.length() && sql.charAt(s) == '(') {
      int close = sql.indexOf(')', s);
      if (close > 0) {
        modifiers = sql.substring(s, close + 1);
        i = close + 1;
      }
    }
    String array = "";
    int bracket = skipSpace(sql, i);
    if (sql.startsWith("[", bracket) && sql.startsWith("]", skipSpace(sql, bracket + 1))) {
      // int[], text[]: an array of the type (see SqlPlanner for how a string becomes one)
      array = " ARRAY";
      i = skipSpace(sql, bracket + 1) + 1;
    }
    end[0] = i;
    String key = name.toString().toLowerCase(Locale.ROOT);
    if (!array.isEmpty()) {
      String element = key.equals("numeric") || key.equals("decimal") ? "DECIMAL" : TYPES.get(key);
      return (element != null ? element : name.toString()) + array;
    }
    if (key.equals("numeric") || key.equals("decimal")) {
      // without modifiers: numeric of any precision (CitadelTypeSystem's default DECIMAL)
      return "DECIMAL" + modifiers;
    }
    String mapped = TYPES.get(key);
    return mapped != null ? mapped : name + modifiers;
  }

  private static int word(String sql, int i) {
    int e = i;
    while (e < sql.length() && (Character.isLetterOrDigit(sql.charAt(e)) || sql.charAt(e) == '_')) {
      e++;
    }
    return e;
  }

  private static int skipSpace(String sql, int i) {
    while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) i++;
    return i;
  }

  private static boolean endsWithDot(StringBuilder out) {
    return out.length() > 0 && out.charAt(out.length() - 1) == '.';
  }

  private static int quoted(String sql, int i) {
    char q = sql.charAt(i);
    int j = i + 1;
    while (j < sql.length()) {
      if (sql.charAt(j) == q) {
        if (j + 1 < sql.length() && sql.charAt(j + 1) == q) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      j++;
    }
    return sql.length();
  }

  private static int lineEnd(String sql, int i) {
    int e = sql.indexOf('\n', i);
    return e < 0 ? sql.length() : e + 1;
  }

  private static int commentEnd(String sql, int i) {
    int e = sql.indexOf("*/", i + 2);
    return e < 0 ? sql.length() : e + 2;
  }
}
