package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import io.citadel.engine.internal.types.TypeKind;

/** Helpers shared by the expression implementations. */
final class VecMath {
  private VecMath() {}

  static boolean[] orNulls(boolean[] a, boolean[] b, int n) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    boolean[] r = new boolean[n];
    for (int i = 0; i < n; i++) {
      r[i] = a[i] | b[i];
    }
    return r;
  }

  /** The values as doubles (DECIMAL unscaled values divided by their scale). */
  static double[] doubles(Vec v) {
    if (v.form == Vec.Form.DOUBLE) {
      return v.doubles;
    }
    if (v.type.kind() == TypeKind.NUMERIC) {
      double[] out = new double[v.size];
      for (int i = 0; i < v.size; i++) {
        String s = v.isNull(i) ? null : v.string(i);
        out[i] = s == null ? 0 : Double.parseDouble(s);
      }
      return out;
    }
    if (v.form != Vec.Form.LONG) {
      throw new SqlException(
          SqlException.DATATYPE_MISMATCH, "a number was expected, got " + v.type);
    }
    double[] out = new double[v.size];
    long[] l = v.longs;
    if (v.type.kind() == TypeKind.DECIMAL && v.type.scale() > 0) {
      double div = ColumnType.pow10(v.type.scale());
      for (int i = 0; i < v.size; i++) {
        out[i] = l[i] / div;
      }
    } else {
      for (int i = 0; i < v.size; i++) {
        out[i] = l[i];
      }
    }
    return out;
  }

  /**
   * Row {@code i} of a vector of numbers as an exact number (a double as PostgreSQL converts one to
   * numeric); null for NULL.
   */
  static java.math.BigDecimal decimal(Vec v, int i) {
    if (v.isNull(i)) {
      return null;
    }
    return switch (v.form) {
      case DOUBLE -> io.citadel.engine.internal.types.Numeric.ofDouble(v.doubles[i]);
      case LONG -> java.math.BigDecimal.valueOf(v.longs[i], scaleOf(v.type));
      default -> new java.math.BigDecimal(v.string(i));
    };
  }

  static int scaleOf(ColumnType t) {
    return t.kind() == TypeKind.DECIMAL ? t.scale() : 0;
  }

  /** The values as longs at decimal scale {@code scale} (integers have scale 0). */
  static long[] scaled(Vec v, int scale) {
    if (v.form != Vec.Form.LONG) {
      throw new SqlException(
          SqlException.DATATYPE_MISMATCH, "a number was expected, got " + v.type);
    }
    int from = scaleOf(v.type);
    if (from == scale) {
      return v.longs;
    }
    long[] out = new long[v.size];
    long[] l = v.longs;
    boolean[] nn = v.nulls;
    if (scale > from) {
      long m = ColumnType.pow10(scale - from);
      for (int i = 0; i < v.size; i++) {
        if (nn == null || !nn[i]) {
          out[i] = mulExact(l[i], m);
        }
      }
    } else {
      long d = ColumnType.pow10(from - scale);
      for (int i = 0; i < v.size; i++) {
        out[i] = roundDiv(l[i], d);
      }
    }
    return out;
  }

  static long roundDiv(long a, long d) {
    long q = a / d;
    long r = a % d;
    if (Math.abs(r) * 2 >= d) {
      q += a < 0 ? -1 : 1;
    }
    return q;
  }

  static long mulExact(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if ((hi != 0 || lo < 0) && (hi != -1 || lo >= 0)) {
      throw overflow(ColumnType.BIGINT);
    }
    return lo;
  }

  static SqlException overflow(ColumnType t) {
    String name =
        switch (t.kind()) {
          case SMALLINT -> "smallint";
          case INTEGER -> "integer";
          case DECIMAL, NUMERIC -> "numeric";
          default -> "bigint";
        };
    return new SqlException(SqlException.NUMERIC_OUT_OF_RANGE, name + " out of range");
  }

  static SqlException divisionByZero() {
    return new SqlException(SqlException.DIVISION_BY_ZERO, "division by zero");
  }

  /** Throws when a value does not fit its integral type. */
  static void checkRange(ColumnType t, long[] v, boolean[] nulls, int n) {
    long min;
    long max;
    switch (t.kind()) {
      case SMALLINT -> {
        min = Short.MIN_VALUE;
        max = Short.MAX_VALUE;
      }
      case INTEGER -> {
        min = Integer.MIN_VALUE;
        max = Integer.MAX_VALUE;
      }
      case DECIMAL -> {
        max = ColumnType.pow10(t.precision()) - 1;
        min = -max;
      }
      default -> {
        return;
      }
    }
    for (int i = 0; i < n; i++) {
      if ((v[i] < min || v[i] > max) && (nulls == null || !nulls[i])) {
        throw overflow(t);
      }
    }
  }
}
