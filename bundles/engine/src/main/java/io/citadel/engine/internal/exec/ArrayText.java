package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ArrayForm;
import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.TypeKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Arrays in PostgreSQL's text form ({@code {1,2,3}}, {@code {"a b",NULL}}), which is how the
 * executor carries them for now: {@code ARRAY[...]} builds one, {@code array_to_string} reads one.
 */
final class ArrayText {
  private ArrayText() {}

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
          out[i] = ArrayForm.format(row);
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
    for (String e : ArrayForm.parse(array)) {
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
          List<String> e = ArrayForm.parse(text);
          long at = ((Number) n.get(i)).longValue() - ArrayForm.lowerBound(text);
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
          List<String> elements = ArrayForm.parse(a.string(i));
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
    if (type.kind() == TypeKind.NUMERIC) {
      return io.citadel.engine.internal.types.Numeric.compare(a.toString(), b.toString());
    }
    if (a instanceof Number x && b instanceof Number y) {
      return type.kind().isFloating()
          ? Double.compare(x.doubleValue(), y.doubleValue())
          : Long.compare(x.longValue(), y.longValue());
    }
    return ((Comparable) a).compareTo(b);
  }
}
