package io.citadel.engine.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * PostgreSQL's lexical structure, in one place for every bundle that looks at statement text before
 * the engine parses it: the engine's own statements, the wire protocol's splitting of a simple
 * query, replication and the load balancer. It knows what makes a naive scan go wrong: line and
 * nested block comments, standard strings ({@code 'it''s'}), escape strings ({@code E'a\n'}),
 * dollar quoting ({@code $tag$ ... ; ... $tag$}), quoted identifiers and parameters ({@code $1}).
 */
public final class SqlLexer {
  private SqlLexer() {}

  /** What a token is. */
  public enum Kind {
    /** A keyword or unquoted identifier; its text is lower-cased. */
    WORD,
    /** A {@code "quoted"} identifier; its text is as written, without the quotes. */
    QUOTED_IDENT,
    /** A string constant of any quoting; its text is the value. */
    STRING,
    /** A numeric constant, a leading minus sign included when one touches the digits. */
    NUMBER,
    /** A parameter, {@code $1}; its text is the number. */
    PARAMETER,
    /** One character of punctuation or an operator. */
    SYMBOL,
    /** Past the last token. */
    END
  }

  /**
   * One token.
   *
   * @param kind what it is
   * @param text its text, as {@link Kind} describes
   * @param start its first character's offset in the statement, 0-based
   * @param end the offset just past its last character
   */
  public record Token(Kind kind, String text, int start, int end) {
    /** Whether this is the word (lower case) or symbol {@code s}. */
    public boolean is(String s) {
      return (kind == Kind.WORD || kind == Kind.SYMBOL) && text.equals(s);
    }

    /** Its 1-based position, as PostgreSQL reports error positions. */
    public int position() {
      return start + 1;
    }
  }

  /** Text that is not a statement: an unterminated string, identifier or comment. */
  public static final class SyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int position;

    SyntaxException(String message, int position) {
      super(message);
      this.position = position;
    }

    /** Where the problem starts, 1-based. */
    public int position() {
      return position;
    }
  }

  /** Texts up to this long are remembered with their tokens; longer ones are lexed each time. */
  private static final int REMEMBERED_CHARS = 32_768;

  /**
   * The last texts lexed, with their tokens, a slot by the text's hash: one statement is looked at
   * by several layers (the wire protocol, routing, replication, the engine's own statements), and a
   * 100-row INSERT was lexed three times on every member of an HA group. Entries are immutable, so
   * a racing update loses a slot's entry but never mixes two.
   */
  private static final AtomicReferenceArray<Lexed> REMEMBERED = new AtomicReferenceArray<>(16);

  private record Lexed(String sql, List<Token> tokens) {}

  /**
   * The tokens of {@code sql}, comments dropped, ending with one {@link Kind#END} token; the list
   * is unmodifiable.
   *
   * @throws SyntaxException when a string, quoted identifier or comment is not closed
   */
  public static List<Token> tokens(String sql) {
    if (sql.length() > REMEMBERED_CHARS) {
      return Collections.unmodifiableList(lex(sql));
    }
    int slot = Math.floorMod(sql.hashCode(), REMEMBERED.length());
    Lexed seen = REMEMBERED.get(slot);
    if (seen != null && seen.sql().equals(sql)) {
      return seen.tokens();
    }
    List<Token> tokens = Collections.unmodifiableList(lex(sql));
    REMEMBERED.set(slot, new Lexed(sql, tokens));
    return tokens;
  }

  private static List<Token> lex(String sql) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = sql.length();
    while (true) {
      i = skipSpaceAndComments(sql, i, true);
      if (i >= n) {
        break;
      }
      Token t = token(sql, i);
      out.add(t);
      i = t.end();
    }
    out.add(new Token(Kind.END, "", n, n));
    return out;
  }

  /**
   * Past the whitespace and comments that start at {@code i}.
   *
   * @param strict whether an unterminated comment is an error (else it runs to the end)
   */
  public static int skipSpaceAndComments(String sql, int i, boolean strict) {
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (sql.startsWith("--", i)) {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (sql.startsWith("/*", i)) {
        i = blockCommentEnd(sql, i, strict);
      } else {
        break;
      }
    }
    return i;
  }

  /**
   * The text with every comment turned into spaces (line breaks kept), so that positions and line
   * numbers stay where they were: for a parser that does not know PostgreSQL's nested block
   * comments. Literals, quoted identifiers and dollar-quoted strings are left as written.
   */
  public static String blankComments(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    int i = 0;
    int n = sql.length();
    while (i < n) {
      int next = skip(sql, i);
      boolean comment = sql.startsWith("--", i) || sql.startsWith("/*", i);
      if (!comment && Character.isWhitespace(sql.charAt(i))) {
        // a run of whitespace may go on with a comment
        int text = i;
        while (text < next && Character.isWhitespace(sql.charAt(text))) text++;
        comment = text < next;
      }
      for (int k = i; k < next; k++) {
        char c = sql.charAt(k);
        out.append(!comment || c == '\n' || c == '\r' ? c : ' ');
      }
      i = next;
    }
    return out.toString();
  }

  /**
   * Past the token, comment or whitespace run at {@code i}, never failing: an unterminated literal
   * runs to the end of the text. For scans that must step over literals without decoding them.
   */
  public static int skip(String sql, int i) {
    int after = skipSpaceAndComments(sql, i, false);
    if (after > i) {
      return after;
    }
    try {
      return token(sql, i).end();
    } catch (SyntaxException e) {
      return sql.length();
    }
  }

  private static int blockCommentEnd(String sql, int start, boolean strict) {
    int n = sql.length();
    int depth = 0;
    int i = start;
    do {
      if (sql.startsWith("/*", i)) {
        depth++;
        i += 2;
      } else if (sql.startsWith("*/", i)) {
        depth--;
        i += 2;
      } else {
        i++;
      }
    } while (depth > 0 && i < n);
    if (depth > 0 && strict) {
      throw new SyntaxException("unterminated /* comment", start + 1);
    }
    return Math.min(i, n);
  }

  private static Token token(String sql, int i) {
    int n = sql.length();
    char c = sql.charAt(i);
    if ((c == 'e' || c == 'E') && i + 1 < n && sql.charAt(i + 1) == '\'') {
      return escapeString(sql, i);
    }
    if (Character.isLetter(c) || c == '_') {
      int s = i;
      while (i < n && isIdentifierPart(sql.charAt(i))) i++;
      return new Token(Kind.WORD, sql.substring(s, i).toLowerCase(Locale.ROOT), s, i);
    }
    if (Character.isDigit(c)
        || (c == '-' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))
        || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))) {
      int s = i++;
      while (i < n && (Character.isDigit(sql.charAt(i)) || sql.charAt(i) == '.')) i++;
      i = exponentEnd(sql, i);
      return new Token(Kind.NUMBER, sql.substring(s, i), s, i);
    }
    if (c == '\'' || c == '"') {
      return quoted(sql, i, c);
    }
    if (c == '$') {
      if (i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
        int j = i + 1;
        while (j < n && Character.isDigit(sql.charAt(j))) j++;
        return new Token(Kind.PARAMETER, sql.substring(i + 1, j), i, j);
      }
      Token dollar = dollarQuoted(sql, i);
      if (dollar != null) {
        return dollar;
      }
    }
    return new Token(Kind.SYMBOL, String.valueOf(c), i, i + 1);
  }

  /** Whether {@code c} continues an unquoted identifier or keyword. */
  public static boolean isIdentifierPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }

  private static int exponentEnd(String sql, int i) {
    int n = sql.length();
    if (i < n && (sql.charAt(i) == 'e' || sql.charAt(i) == 'E')) {
      int j = i + 1;
      if (j < n && (sql.charAt(j) == '+' || sql.charAt(j) == '-')) j++;
      if (j < n && Character.isDigit(sql.charAt(j))) {
        while (j < n && Character.isDigit(sql.charAt(j))) j++;
        return j;
      }
    }
    return i;
  }

  /** {@code 'text'} or {@code "name"}, a doubled quote standing for one. */
  private static Token quoted(String sql, int s, char q) {
    int n = sql.length();
    StringBuilder sb = new StringBuilder();
    int i = s + 1;
    while (true) {
      if (i >= n) {
        throw new SyntaxException(
            "unterminated quoted " + (q == '"' ? "identifier" : "string"), s + 1);
      }
      char d = sql.charAt(i++);
      if (d == q) {
        if (i < n && sql.charAt(i) == q) {
          sb.append(q);
          i++;
          continue;
        }
        break;
      }
      sb.append(d);
    }
    return new Token(q == '"' ? Kind.QUOTED_IDENT : Kind.STRING, sb.toString(), s, i);
  }

  /** {@code E'...'}: backslash escapes as PostgreSQL reads them. */
  private static Token escapeString(String sql, int s) {
    int n = sql.length();
    StringBuilder sb = new StringBuilder();
    int i = s + 2;
    while (true) {
      if (i >= n) {
        throw new SyntaxException("unterminated quoted string", s + 1);
      }
      char d = sql.charAt(i++);
      if (d == '\'') {
        if (i < n && sql.charAt(i) == '\'') {
          sb.append('\'');
          i++;
          continue;
        }
        break;
      }
      if (d != '\\' || i >= n) {
        sb.append(d);
        continue;
      }
      char e = sql.charAt(i++);
      switch (e) {
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'x' -> i = appendCode(sql, i, 16, 1, 2, sb);
        case 'u' -> i = appendCode(sql, i, 16, 4, 4, sb);
        case 'U' -> i = appendCode(sql, i, 16, 8, 8, sb);
        default -> {
          if (e >= '0' && e <= '7') {
            i = appendCode(sql, i - 1, 8, 1, 3, sb);
          } else {
            sb.append(e);
          }
        }
      }
    }
    return new Token(Kind.STRING, sb.toString(), s, i);
  }

  private static int appendCode(String sql, int i, int radix, int min, int max, StringBuilder sb) {
    int j = i;
    while (j < sql.length() && j - i < max && Character.digit(sql.charAt(j), radix) >= 0) j++;
    if (j - i < min) {
      throw new SyntaxException("invalid Unicode or hexadecimal escape", i + 1);
    }
    int code = Integer.parseInt(sql.substring(i, j), radix);
    if (!Character.isValidCodePoint(code) || code == 0) {
      throw new SyntaxException("invalid escape value " + sql.substring(i, j), i + 1);
    }
    sb.appendCodePoint(code);
    return j;
  }

  /** {@code $tag$ ... $tag$}, or null where the {@code $} starts no dollar quote. */
  private static Token dollarQuoted(String sql, int s) {
    int n = sql.length();
    int j = s + 1;
    if (j < n && Character.isDigit(sql.charAt(j))) {
      return null;
    }
    while (j < n && sql.charAt(j) != '$' && isIdentifierPart(sql.charAt(j))) j++;
    if (j >= n || sql.charAt(j) != '$') {
      return null;
    }
    String tag = sql.substring(s, j + 1);
    int close = sql.indexOf(tag, j + 1);
    if (close < 0) {
      throw new SyntaxException("unterminated dollar-quoted string", s + 1);
    }
    return new Token(Kind.STRING, sql.substring(j + 1, close), s, close + tag.length());
  }
}
