package io.citadel.engine.internal.pgwire;

import io.citadel.engine.api.SqlLexer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Putting bound parameters in place of {@code $n} in a statement's text, stepping over literals,
 * quoted identifiers and comments as {@link SqlLexer} reads them. (Splitting a simple query into
 * statements is {@link io.citadel.engine.api.SqlStatement#split}.)
 */
public final class SqlText {
  private SqlText() {}

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
        int next = SqlLexer.skip(sql, i);
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
