package io.citadel.engine.internal.sql;

import io.citadel.engine.api.SqlLexer;
import io.citadel.engine.internal.types.SqlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A cursor over the tokens of a statement Calcite's parser does not know (DDL, COPY, SHOW, SET):
 * words, quoted identifiers, string literals, numbers and punctuation, each with its 1-based
 * position for error messages. The lexing is {@link SqlLexer}'s, shared with every other bundle.
 */
final class Tokens {
  /** One token. {@code text} is lower-cased for words, unquoted for strings and identifiers. */
  record Token(SqlLexer.Kind kind, String text, int pos) {}

  private final String sql;
  private List<Token> tokens = List.of();
  private int at;

  Tokens(String sql) {
    this.sql = sql;
    lex();
  }

  private Tokens(String sql, List<Token> tokens) {
    this.sql = sql;
    this.tokens = tokens;
  }

  /** A second cursor over the same statement, at its first token, without lexing it again. */
  Tokens fromStart() {
    return new Tokens(sql, tokens);
  }

  /** The statement these are the tokens of. */
  String sql() {
    return sql;
  }

  private void lex() {
    try {
      List<SqlLexer.Token> lexed = SqlLexer.tokens(sql);
      tokens = new ArrayList<>(lexed.size());
      for (SqlLexer.Token t : lexed) {
        tokens.add(new Token(t.kind(), t.text(), t.position()));
      }
    } catch (SqlLexer.SyntaxException e) {
      throw new SqlException(SqlException.SYNTAX_ERROR, e.getMessage(), e.position());
    }
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
          && (t.kind() == SqlLexer.Kind.SYMBOL || t.kind() == SqlLexer.Kind.WORD)
          && stops.contains(t.text())) {
        break;
      }
      if (t.kind() == SqlLexer.Kind.SYMBOL && t.text().equals("(")) {
        depth++;
      } else if (t.kind() == SqlLexer.Kind.SYMBOL && t.text().equals(")")) {
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
    if (t.kind() != SqlLexer.Kind.END) at++;
    return t;
  }

  boolean atEnd() {
    Token t = peek();
    return t.kind() == SqlLexer.Kind.END
        || (t.kind() == SqlLexer.Kind.SYMBOL
            && t.text().equals(";")
            && tokens.get(at + 1).kind() == SqlLexer.Kind.END);
  }

  /** Consumes the word if it is next. */
  boolean accept(String word) {
    Token t = peek();
    if ((t.kind() == SqlLexer.Kind.WORD && t.text().equals(word))
        || (t.kind() == SqlLexer.Kind.SYMBOL && t.text().equals(word))) {
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
    if (t.kind() == SqlLexer.Kind.WORD || t.kind() == SqlLexer.Kind.QUOTED_IDENT) {
      at++;
      return t.text();
    }
    throw error("expected " + what);
  }

  String string(String what) {
    Token t = peek();
    if (t.kind() == SqlLexer.Kind.STRING) {
      at++;
      return t.text();
    }
    throw error("expected " + what + " as a quoted string");
  }

  int integer(String what) {
    Token t = peek();
    if (t.kind() == SqlLexer.Kind.NUMBER) {
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
    String near = t.kind() == SqlLexer.Kind.END ? "end of input" : "\"" + t.text() + "\"";
    return new SqlException(
        SqlException.SYNTAX_ERROR, "syntax error at or near " + near + ": " + message, t.pos());
  }
}
