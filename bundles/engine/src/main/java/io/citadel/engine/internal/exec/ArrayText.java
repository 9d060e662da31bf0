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

  /**
   * The elements of a one-dimensional array's text form (null for NULL), or of an {@code
   * int2vector}'s ({@code 1 2}, the form of pg_index.indkey), which has no braces.
   */
  static List<String> parse(String text) {
    String t = text.strip();
    if (isVector(t)) {
      return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
    }
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

  /** An int2vector's text: numbers separated by spaces, no braces. */
  private static boolean isVector(String stripped) {
    return stripped.isEmpty() || stripped.charAt(0) != '{';
  }

  /** The first subscript: 0 for an int2vector (as PostgreSQL numbers them), else 1. */
  static int lowerBound(String text) {
    return isVector(text.strip()) ? 0 : 1;
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

  /** {@code array[i]}: the element at {@code i} (from 1), or NULL outside the array. */
  static Expr element(Expr array, Expr index, ColumnType type) {
    return new Expr() {
      @Override
      public Vec eval(Batch b) {
        Vec a = array.eval(b);
        Vec n = index.eval(b);
        Object[] out = new Object[b.size];
        for (int i = 0; i < b.size; i++) {
          if (a.isNull(i) || n.isNull(i)) {
            continue;
          }
          String text = a.string(i);
          List<String> e = parse(text);
          long at = ((Number) n.get(i)).longValue() - lowerBound(text);
          String v = at >= 0 && at < e.size() ? e.get((int) at) : null;
          out[i] = v == null ? null : type.parse(v);
        }
        return Vectors.fromBoxed(type, out, b.size);
      }

      @Override
      public ColumnType type() {
        return type;
      }
    };
  }

  /**
   * {@code x op ANY (array)} and {@code x op ALL (array)}, three-valued as in PostgreSQL: ANY is
   * true if the comparison holds for some element, NULL if none holds and an element (or x) is
   * NULL; ALL the converse. Elements compare with x as x's type reads them.
   */
  static Expr quantified(Expr value, Expr array, org.apache.calcite.sql.SqlKind op, boolean all) {
    return new Expr() {
      @Override
      public Vec eval(Batch b) {
        Vec x = value.eval(b);
        Vec a = array.eval(b);
        long[] out = new long[b.size];
        boolean[] nulls = new boolean[b.size];
        for (int i = 0; i < b.size; i++) {
          if (a.isNull(i)) {
            nulls[i] = true;
            continue;
          }
          List<String> elements = parse(a.string(i));
          Object left = x.isNull(i) ? null : x.get(i);
          boolean sawNull = false;
          boolean result = all;
          for (String e : elements) {
            if (left == null || e == null) {
              sawNull = true;
              continue;
            }
            int c = compare(x.type, left, x.type.parse(e));
            boolean holds =
                switch (op) {
                  case EQUALS -> c == 0;
                  case NOT_EQUALS -> c != 0;
                  case LESS_THAN -> c < 0;
                  case LESS_THAN_OR_EQUAL -> c <= 0;
                  case GREATER_THAN -> c > 0;
                  default -> c >= 0;
                };
            if (holds != all) {
              result = !all;
              break;
            }
          }
          if (result == all && sawNull) {
            nulls[i] = true;
          } else {
            out[i] = result ? 1 : 0;
          }
        }
        return Vec.ofLongs(ColumnType.BOOLEAN, out, nulls, b.size);
      }

      @Override
      public ColumnType type() {
        return ColumnType.BOOLEAN;
      }
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(ColumnType type, Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return type.kind().isFloating()
          ? Double.compare(x.doubleValue(), y.doubleValue())
          : Long.compare(x.longValue(), y.longValue());
    }
    return ((Comparable) a).compareTo(b);
  }
}
