package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.types.SqlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small tokenizer for the statements Calcite's parser does not know (DDL, COPY, SHOW, SET):
 * words, quoted identifiers, string literals, numbers and punctuation, each with its 1-based
 * position for error messages.
 */
final class Tokens {
  /** One token. {@code text} is lower-cased for words, unquoted for strings and identifiers. */
  record Token(Kind kind, String text, int pos) {}

  enum Kind {
    WORD,
    QUOTED_IDENT,
    STRING,
    NUMBER,
    SYMBOL,
    END
  }

  private final String sql;
  private final List<Token> tokens = new ArrayList<>();
  private int at;

  Tokens(String sql) {
    this.sql = sql;
    lex();
  }

  private void lex() {
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n') i++;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        // a block comment, nested as PostgreSQL nests them: "/* x */ INSERT" is an INSERT
        int depth = 0;
        int start = i;
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
        if (depth > 0) {
          throw new SqlException(SqlException.SYNTAX_ERROR, "unterminated /* comment", start + 1);
        }
      } else if (Character.isLetter(c) || c == '_') {
        int s = i;
        while (i < n
            && (Character.isLetterOrDigit(sql.charAt(i))
                || sql.charAt(i) == '_'
                || sql.charAt(i) == '$')) i++;
        tokens.add(new Token(Kind.WORD, sql.substring(s, i).toLowerCase(Locale.ROOT), s + 1));
      } else if (Character.isDigit(c)
          || (c == '-' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))) {
        int s = i++;
        while (i < n && (Character.isDigit(sql.charAt(i)) || sql.charAt(i) == '.')) i++;
        i = exponentEnd(i);
        tokens.add(new Token(Kind.NUMBER, sql.substring(s, i), s + 1));
      } else if (c == '\'' || c == '"') {
        int s = i++;
        StringBuilder sb = new StringBuilder();
        while (true) {
          if (i >= n) {
            throw new SqlException(
                SqlException.SYNTAX_ERROR,
                "unterminated quoted " + (c == '"' ? "identifier" : "string"),
                s + 1);
          }
          char d = sql.charAt(i++);
          if (d == c) {
            if (i < n && sql.charAt(i) == c) {
              sb.append(c);
              i++;
              continue;
            }
            break;
          }
          sb.append(d);
        }
        tokens.add(new Token(c == '"' ? Kind.QUOTED_IDENT : Kind.STRING, sb.toString(), s + 1));
      } else {
        tokens.add(new Token(Kind.SYMBOL, String.valueOf(c), i + 1));
        i++;
      }
    }
    tokens.add(new Token(Kind.END, "", n + 1));
  }

  /** Past an exponent ({@code e5}, {@code E-3}) that starts at {@code i}, or {@code i}. */
  private int exponentEnd(int i) {
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

  Token peek() {
    return tokens.get(at);
  }

  /**
   * The statement's text from the next token up to (not including) the first token, outside
   * parentheses, that is one of {@code stops} (symbols such as "," and ")" or words), or the end;
   * those tokens are consumed. For expressions this tokenizer does not parse: DEFAULT and CHECK.
   */
  String rawUntil(java.util.Set<String> stops) {
    int from = peek().pos();
    int depth = 0;
    while (!atEnd()) {
      Token t = peek();
      if (depth == 0
          && (t.kind() == Kind.SYMBOL || t.kind() == Kind.WORD)
          && stops.contains(t.text())) {
        break;
      }
      if (t.kind() == Kind.SYMBOL && t.text().equals("(")) {
        depth++;
      } else if (t.kind() == Kind.SYMBOL && t.text().equals(")")) {
        depth--;
      }
      next();
    }
    String text = sql.substring(from - 1, Math.min(sql.length(), peek().pos() - 1)).strip();
    if (text.isEmpty()) {
      throw error("expected an expression");
    }
    return text;
  }

  /** The statement's text from the next token to the end. */
  String rest() {
    return sql.substring(Math.min(sql.length(), peek().pos() - 1)).strip();
  }

  /** The token {@code ahead} places after the next one (0 is the next one). */
  Token peek(int ahead) {
    return tokens.get(Math.min(at + ahead, tokens.size() - 1));
  }

  Token next() {
    Token t = tokens.get(at);
    if (t.kind() != Kind.END) at++;
    return t;
  }

  boolean atEnd() {
    Token t = peek();
    return t.kind() == Kind.END
        || (t.kind() == Kind.SYMBOL
            && t.text().equals(";")
            && tokens.get(at + 1).kind() == Kind.END);
  }

  /** Consumes the word if it is next. */
  boolean accept(String word) {
    Token t = peek();
    if ((t.kind() == Kind.WORD && t.text().equals(word))
        || (t.kind() == Kind.SYMBOL && t.text().equals(word))) {
      at++;
      return true;
    }
    return false;
  }

  void expect(String word) {
    if (!accept(word)) {
      throw error("expected " + word.toUpperCase(Locale.ROOT));
    }
  }

  /** An identifier: a word (lower-cased) or a quoted identifier (as written). */
  String identifier(String what) {
    Token t = peek();
    if (t.kind() == Kind.WORD || t.kind() == Kind.QUOTED_IDENT) {
      at++;
      return t.text();
    }
    throw error("expected " + what);
  }

  String string(String what) {
    Token t = peek();
    if (t.kind() == Kind.STRING) {
      at++;
      return t.text();
    }
    throw error("expected " + what + " as a quoted string");
  }

  int integer(String what) {
    Token t = peek();
    if (t.kind() == Kind.NUMBER) {
      at++;
      try {
        return Integer.parseInt(t.text());
      } catch (NumberFormatException e) {
        throw new SqlException(
            SqlException.SYNTAX_ERROR, what + " must be an integer, got " + t.text(), t.pos());
      }
    }
    throw error("expected " + what);
  }

  void expectEnd() {
    if (!atEnd()) {
      throw error("unexpected text");
    }
  }

  SqlException error(String message) {
    Token t = peek();
    String near = t.kind() == Kind.END ? "end of input" : "\"" + t.text() + "\"";
    return new SqlException(
        SqlException.SYNTAX_ERROR, "syntax error at or near " + near + ": " + message, t.pos());
  }
}
