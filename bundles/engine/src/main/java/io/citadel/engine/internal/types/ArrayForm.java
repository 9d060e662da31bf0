package io.citadel.engine.internal.types;

import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's text form of a one-dimensional array ({@code {1,2,3}}, {@code {"a b",NULL}}), in
 * which the executor carries arrays and the store keeps array columns; and of an {@code int2vector}
 * ({@code 1 2}).
 */
public final class ArrayForm {
  private ArrayForm() {}

  /** The text form of these elements (each already formatted; null for NULL). */
  public static String format(List<String> elements) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < elements.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      String e = elements.get(i);
      if (e == null) {
        b.append("NULL");
      } else if (needsQuotes(e)) {
        b.append('"').append(e.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      } else {
        b.append(e);
      }
    }
    return b.append('}').toString();
  }

  private static boolean needsQuotes(String e) {
    if (e.isEmpty() || e.equalsIgnoreCase("NULL")) {
      return true;
    }
    for (int i = 0; i < e.length(); i++) {
      char c = e.charAt(i);
      if (c == ',' || c == '{' || c == '}' || c == '"' || c == '\\' || Character.isWhitespace(c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The elements of a one-dimensional array's text form (null for NULL), or of an {@code
   * int2vector}'s ({@code 1 2}, the form of pg_index.indkey), which has no braces.
   */
  public static List<String> parse(String text) {
    String t = text.strip();
    if (isVector(t)) {
      return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
    }
    if (t.length() < 2 || t.charAt(0) != '{' || t.charAt(t.length() - 1) != '}') {
      throw new SqlException(
          SqlException.INVALID_TEXT, "malformed array literal: \"" + text + "\"");
    }
    List<String> out = new ArrayList<>();
    int i = skipSpace(t, 1);
    int end = t.length() - 1;
    if (i == end) {
      return out; // {} or { }
    }
    while (true) {
      StringBuilder e = new StringBuilder();
      boolean quoted = i < end && t.charAt(i) == '"';
      if (quoted) {
        i++;
        while (i < end && t.charAt(i) != '"') {
          if (t.charAt(i) == '\\' && i + 1 < end) {
            i++;
          }
          e.append(t.charAt(i++));
        }
        if (i == end) {
          throw malformed(text, "Unexpected end of input.");
        }
        i = skipSpace(t, i + 1); // past the closing quote
      } else {
        while (i < end && t.charAt(i) != ',') {
          char c = t.charAt(i);
          if (c == '{' || c == '}' || c == '"') {
            throw malformed(
                text,
                c == '{'
                    ? "Arrays of more than one dimension are not supported."
                    : "Unexpected \"" + c + "\" character.");
          }
          if (c == '\\' && i + 1 < end) {
            c = t.charAt(++i);
          }
          e.append(c);
          i++;
        }
        if (e.toString().isBlank()) {
          throw malformed(text, "Unexpected \"" + (i < end ? "," : "}") + "\" character.");
        }
      }
      String v = quoted ? e.toString() : e.toString().strip();
      out.add(!quoted && v.equalsIgnoreCase("NULL") ? null : v);
      if (i == end) {
        return out;
      }
      if (t.charAt(i) != ',') {
        throw malformed(text, "Unexpected array element.");
      }
      i = skipSpace(t, i + 1);
    }
  }

  private static int skipSpace(String t, int i) {
    while (i < t.length() - 1 && Character.isWhitespace(t.charAt(i))) {
      i++;
    }
    return i;
  }

  private static SqlException malformed(String text, String detail) {
    return new SqlException(
        SqlException.INVALID_TEXT, "malformed array literal: \"" + text + "\" (" + detail + ")");
  }

  /** An int2vector's text: numbers separated by spaces, no braces. */
  private static boolean isVector(String stripped) {
    return stripped.isEmpty() || stripped.charAt(0) != '{';
  }

  /** The first subscript: 0 for an int2vector (as PostgreSQL numbers them), else 1. */
  public static int lowerBound(String text) {
    return isVector(text.strip()) ? 0 : 1;
  }

  /**
   * The text form {@code text} in its normal form for an array of {@code element}s: each element
   * read as a value of that type (22P02 naming it when it is not one) and written back as
   * PostgreSQL writes it ({@code '{ 5 , 6 }'} becomes {@code {5,6}}).
   */
  public static String normalize(String text, ColumnType element) {
    List<String> out = new ArrayList<>();
    for (String e : parse(text)) {
      out.add(e == null ? null : element.format(element.parse(e)));
    }
    return format(out);
  }
}
