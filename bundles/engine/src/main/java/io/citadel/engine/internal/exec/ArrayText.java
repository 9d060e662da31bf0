package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import java.util.ArrayList;
import java.util.List;

/**
 * Arrays in PostgreSQL's text form ({@code {1,2,3}}, {@code {"a b",NULL}}), which is how the
 * executor carries them for now: {@code ARRAY[...]} builds one, {@code array_to_string} reads one.
 */
final class ArrayText {
  private ArrayText() {}

  /** The text form of these elements (each already formatted; null for NULL). */
  static String format(List<String> elements) {
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

  /** The elements of a one-dimensional array's text form (null for NULL). */
  static List<String> parse(String text) {
    String t = text.strip();
    if (t.length() < 2 || t.charAt(0) != '{' || t.charAt(t.length() - 1) != '}') {
      throw new SqlException(
          SqlException.INVALID_TEXT, "malformed array literal: \"" + text + "\"");
    }
    List<String> out = new ArrayList<>();
    int i = 1;
    int end = t.length() - 1;
    while (i < end) {
      while (i < end && Character.isWhitespace(t.charAt(i))) i++;
      StringBuilder e = new StringBuilder();
      boolean quoted = false;
      if (i < end && t.charAt(i) == '"') {
        quoted = true;
        i++;
        while (i < end && t.charAt(i) != '"') {
          if (t.charAt(i) == '\\' && i + 1 < end) {
            i++;
          }
          e.append(t.charAt(i++));
        }
        i++; // the closing quote
      } else {
        while (i < end && t.charAt(i) != ',') {
          e.append(t.charAt(i++));
        }
      }
      while (i < end && t.charAt(i) != ',') i++;
      i++; // the comma
      String v = quoted ? e.toString() : e.toString().strip();
      out.add(!quoted && v.equalsIgnoreCase("NULL") ? null : v);
    }
    return out;
  }

  /** ARRAY[e1, e2 ...]: each row's elements in the text form. */
  static Expr constructor(List<Expr> elements, ColumnType type) {
    return new Expr() {
      @Override
      public Vec eval(Batch b) {
        Vec[] v = new Vec[elements.size()];
        for (int k = 0; k < v.length; k++) {
          v[k] = elements.get(k).eval(b);
        }
        Object[] out = new Object[b.size];
        for (int i = 0; i < b.size; i++) {
          List<String> row = new ArrayList<>(v.length);
          for (Vec x : v) {
            row.add(x.isNull(i) ? null : x.type.format(x.get(i)));
          }
          out[i] = format(row);
        }
        return Vectors.fromBoxed(type, out, b.size);
      }

      @Override
      public ColumnType type() {
        return type;
      }
    };
  }

  /** array_to_string(array, separator [, null text]): NULL elements skipped unless named. */
  static String toString(String array, String separator, String nullText) {
    StringBuilder b = new StringBuilder();
    boolean first = true;
    for (String e : parse(array)) {
      if (e == null && nullText == null) {
        continue;
      }
      if (!first) {
        b.append(separator);
      }
      b.append(e == null ? nullText : e);
      first = false;
    }
    return b.toString();
  }
}
