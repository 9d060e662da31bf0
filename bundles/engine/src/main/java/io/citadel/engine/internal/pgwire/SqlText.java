package io.citadel.engine.internal.pgwire;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Lexical work on statement text that the protocol needs before any parser runs: splitting a
 * simple-query string into statements, and putting bound parameters in place of {@code $n}. Both
 * skip string literals, quoted identifiers and comments.
 */
public final class SqlText {
  private SqlText() {}

  /** A piece of the original text: where it starts (0-based) and what it says. */
  public record Piece(int start, String text) {}

  /** The statements of a simple query, each with its offset; empty ones are dropped. */
  public static List<Piece> split(String sql) {
    List<Piece> out = new ArrayList<>();
    int start = 0;
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == ';') {
        add(out, sql, start, i);
        start = ++i;
      } else {
        i = skip(sql, i);
      }
    }
    add(out, sql, start, n);
    return out;
  }

  private static void add(List<Piece> out, String sql, int from, int to) {
    String s = sql.substring(from, to);
    if (!s.isBlank() && !onlyComments(s)) {
      out.add(new Piece(from, s));
    }
  }

  private static boolean onlyComments(String s) {
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (s.startsWith("--", i) || s.startsWith("/*", i)) {
        i = skip(s, i);
      } else {
        return false;
      }
    }
    return true;
  }

  /**
   * Past the token at {@code i}: a whole literal, quoted identifier or comment, else one character.
   */
  private static int skip(String sql, int i) {
    int n = sql.length();
    char c = sql.charAt(i);
    if (c == '\'' || c == '"') {
      int j = i + 1;
      while (j < n) {
        if (sql.charAt(j) == c) {
          if (j + 1 < n && sql.charAt(j + 1) == c) {
            j += 2;
            continue;
          }
          return j + 1;
        }
        j++;
      }
      return n;
    }
    if (sql.startsWith("--", i)) {
      int end = sql.indexOf('\n', i);
      return end < 0 ? n : end + 1;
    }
    if (sql.startsWith("/*", i)) {
      int end = sql.indexOf("*/", i + 2);
      return end < 0 ? n : end + 2;
    }
    return i + 1;
  }

  /** The highest {@code $n} the statement refers to (0 when it has no parameters). */
  static int parameterCount(String sql) {
    int[] max = {0};
    substitute(
        sql,
        k -> {
          max[0] = Math.max(max[0], k);
          return "";
        });
    return max[0];
  }

  /**
   * The statement with each {@code $n} replaced by {@code literal.apply(n)}, and a map from
   * positions in the result back to positions in the original (so that an error position points at
   * what the client wrote).
   */
  public static Substituted substitute(String sql, IntFunction<String> literal) {
    StringBuilder out = new StringBuilder(sql.length() + 16);
    List<int[]> shifts = new ArrayList<>();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '$'
          && i + 1 < n
          && Character.isDigit(sql.charAt(i + 1))
          && (i == 0 || !isIdentifierPart(sql.charAt(i - 1)))) {
        int j = i + 1;
        while (j < n && Character.isDigit(sql.charAt(j))) j++;
        int index;
        try {
          index = Integer.parseInt(sql.substring(i + 1, j));
        } catch (NumberFormatException e) {
          index = Integer.MAX_VALUE;
        }
        shifts.add(new int[] {out.length(), i});
        out.append(literal.apply(index));
        shifts.add(new int[] {out.length(), j});
        i = j;
      } else {
        int next = skip(sql, i);
        out.append(sql, i, next);
        i = next;
      }
    }
    return new Substituted(out.toString(), shifts);
  }

  private static boolean isIdentifierPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }

  /** Statement text after substitution, with the way back to the original's positions. */
  public record Substituted(String text, List<int[]> shifts) {
    /** The 1-based position in the original for a 1-based position in {@link #text}. */
    int original(int position) {
      if (position <= 0) {
        return position;
      }
      int at = position - 1;
      int fromOut = 0;
      int fromIn = 0;
      for (int k = 0; k < shifts.size(); k += 2) {
        int[] start = shifts.get(k);
        int[] end = shifts.get(k + 1);
        if (at < start[0]) {
          break;
        }
        if (at < end[0]) {
          return start[1] + 1;
        }
        fromOut = end[0];
        fromIn = end[1];
      }
      return fromIn + (at - fromOut) + 1;
    }
  }
}
