package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.Numeric;
import io.citadel.engine.internal.types.SqlException;
import io.citadel.engine.internal.types.TypeKind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Set;

/** The scalar functions Citadel evaluates, by name. */
final class Func implements Expr {
  private static final Set<String> NAMES =
      Set.of(
          "UPPER",
          "LOWER",
          "CHAR_LENGTH",
          "CHARACTER_LENGTH",
          "LENGTH",
          "SUBSTRING",
          "TEXTCAT",
          "ABS",
          "FLOOR",
          "CEIL",
          "ROUND",
          "MOD",
          "POWER",
          "SQRT",
          "TRIM_BOTH",
          "TRIM_LEADING",
          "TRIM_TRAILING",
          "POSITION",
          "REPLACE",
          "GREATEST",
          "LEAST",
          "SIGN");

  private final String name;
  private final List<Expr> args;
  private final ColumnType type;

  Func(String name, List<Expr> args, ColumnType type) {
    this.name = name;
    this.args = args;
    this.type = type;
  }

  static boolean supports(String name) {
    return NAMES.contains(name);
  }

  @Override
  public ColumnType type() {
    return type;
  }

  @Override
  public Vec eval(Batch b) {
    int n = b.size;
    Vec[] a = new Vec[args.size()];
    boolean[] nulls = null;
    for (int k = 0; k < a.length; k++) {
      a[k] = args.get(k).eval(b);
      if (!name.equals("GREATEST") && !name.equals("LEAST")) {
        nulls = VecMath.orNulls(nulls, a[k].nulls, n);
      } else {
        a[k] = CastExprs.to(a[k], type); // once a batch, not once a row
      }
    }
    Vec.Form form = Vec.formOf(type);
    long[] l = form == Vec.Form.LONG ? new long[n] : null;
    double[] d = form == Vec.Form.DOUBLE ? new double[n] : null;
    String[] s = form == Vec.Form.STRING ? new String[n] : null;
    double[] x = null;
    boolean[] extremeNulls = new boolean[n];
    boolean anyExtremeNull = false;
    for (int i = 0; i < n; i++) {
      if (nulls != null && nulls[i]) {
        continue;
      }
      switch (name) {
        case "UPPER" -> s[i] = caseMapped(a[0].string(i), true);
        case "LOWER" -> s[i] = caseMapped(a[0].string(i), false);
        case "CHAR_LENGTH", "CHARACTER_LENGTH", "LENGTH" -> {
          String v = a[0].string(i);
          // a bytea's length is its bytes, two hex digits each after \x
          l[i] =
              a[0].type.kind() == TypeKind.BYTEA
                  ? (v.length() - 2) / 2
                  : v.codePointCount(0, v.length());
        }
        case "SUBSTRING" -> s[i] = substring(a, i);
        case "TEXTCAT" -> {
          StringBuilder sb = new StringBuilder();
          boolean bytes = type.kind() == TypeKind.BYTEA;
          for (Vec v : a) {
            String part = v.type.kind().isStringBased() ? v.string(i) : v.type.format(v.get(i));
            // bytea || bytea: the bytes after the first \x
            sb.append(bytes && sb.length() > 0 ? part.substring(2) : part);
          }
          s[i] = sb.toString();
        }
        case "REPLACE" -> s[i] = a[0].string(i).replace(a[1].string(i), a[2].string(i));
        case "POSITION" -> l[i] = position(a[0], a[1], i);
        case "TRIM_BOTH", "TRIM_LEADING", "TRIM_TRAILING" ->
            s[i] = trim(a[0].string(i), a[1].string(i));
        case "ABS", "SIGN", "FLOOR", "CEIL" -> numeric1(a[0], i, l, d, s);
        case "ROUND" -> round(a, i, l, d, s);
        case "MOD" -> {
          long y = a[1].longs[i];
          if (y == 0) {
            throw VecMath.divisionByZero();
          }
          l[i] = a[0].longs[i] % y;
        }
        case "POWER", "SQRT" -> {
          if (x == null) {
            x = VecMath.doubles(a[0]);
          }
          double r =
              name.equals("SQRT") ? Math.sqrt(x[i]) : Math.pow(x[i], VecMath.doubles(a[1])[i]);
          if (Double.isNaN(r)) {
            throw new SqlException(
                SqlException.INVALID_PARAMETER, "cannot take " + name + " of " + x[i]);
          }
          d[i] = r;
        }
        case "GREATEST", "LEAST" -> {
          if (!extreme(a, i, l, d, s)) {
            extremeNulls[i] = true;
            anyExtremeNull = true;
          }
        }
        default ->
            throw new SqlException(SqlException.FEATURE_NOT_SUPPORTED, name + " is not supported");
      }
    }
    if (name.equals("GREATEST") || name.equals("LEAST")) {
      nulls = anyExtremeNull ? extremeNulls : null;
    }
    return switch (form) {
      case LONG -> Vec.ofLongs(type, l, nulls, n);
      case DOUBLE -> Vec.ofDoubles(type, d, nulls, n);
      default -> Vec.ofStrings(type, s, nulls, n);
    };
  }

  /**
   * upper()/lower() a character at a time, as PostgreSQL does: a character whose case has no
   * single-character form (German ß) stays as it is rather than becoming two ("SS").
   */
  static String caseMapped(String s, boolean upper) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints()
        .forEach(
            c -> b.appendCodePoint(upper ? Character.toUpperCase(c) : Character.toLowerCase(c)));
    return b.toString();
  }

  /** Sets row i to the greatest/least non-null argument; answers false when all are NULL. */
  private boolean extreme(Vec[] a, int i, long[] l, double[] d, String[] s) {
    Object best = null;
    for (Vec c : a) {
      Object o = c.get(i);
      if (o == null) {
        continue;
      }
      if (best == null) {
        best = o;
      } else {
        @SuppressWarnings({"unchecked", "rawtypes"})
        int cmp =
            type.kind() == TypeKind.NUMERIC
                ? Numeric.compare((String) o, (String) best)
                : ((Comparable) o).compareTo(best);
        if (name.equals("GREATEST") ? cmp > 0 : cmp < 0) {
          best = o;
        }
      }
    }
    if (best == null) {
      return false;
    }
    if (l != null) {
      l[i] = (Long) best;
    } else if (d != null) {
      d[i] = (Double) best;
    } else {
      s[i] = (String) best;
    }
    return true;
  }

  private String substring(Vec[] a, int i) {
    String v = a[0].string(i);
    boolean bytes = a[0].type.kind() == TypeKind.BYTEA;
    if (bytes) {
      v = v.substring(2); // a bytea's bytes are the pairs of hex digits after its \x
    }
    long from = a[1].longs[i];
    long len = a.length > 2 ? a[2].longs[i] : Long.MAX_VALUE / 4;
    if (len < 0) {
      throw new SqlException(
          SqlException.INVALID_PARAMETER, "negative substring length not allowed");
    }
    long start = from - 1;
    long end = start + len;
    int cps = bytes ? v.length() / 2 : v.codePointCount(0, v.length());
    start = Math.max(0, Math.min(start, cps));
    end = Math.max(start, Math.min(end, cps));
    if (bytes) {
      return "\\x" + v.substring((int) start * 2, (int) end * 2);
    }
    int bs = v.offsetByCodePoints(0, (int) start);
    int be = v.offsetByCodePoints(0, (int) end);
    return v.substring(bs, be);
  }

  /** Where {@code what} first stands in {@code in}, from 1, in characters or (bytea) bytes. */
  private static long position(Vec what, Vec in, int i) {
    String w = what.string(i);
    String v = in.string(i);
    if (in.type.kind() != TypeKind.BYTEA) {
      int at = v.indexOf(w);
      return at < 0 ? 0 : v.codePointCount(0, at) + 1;
    }
    String needle = w.substring(2);
    for (int at = v.indexOf(needle, 2); at >= 0; at = v.indexOf(needle, at + 1)) {
      if (at % 2 == 0) {
        return (at - 2) / 2 + 1; // on a byte's boundary
      }
    }
    return 0;
  }

  private String trim(String chars, String v) {
    int st = 0;
    int en = v.length();
    if (!name.equals("TRIM_TRAILING")) {
      while (st < en && chars.indexOf(v.charAt(st)) >= 0) st++;
    }
    if (!name.equals("TRIM_LEADING")) {
      while (en > st && chars.indexOf(v.charAt(en - 1)) >= 0) en--;
    }
    return v.substring(st, en);
  }

  private void numeric1(Vec v, int i, long[] l, double[] d, String[] s) {
    if (s != null) {
      BigDecimal x = VecMath.decimal(v, i);
      BigDecimal r =
          switch (name) {
            case "ABS" -> x.abs();
            case "SIGN" -> BigDecimal.valueOf(x.signum());
            case "FLOOR" -> x.setScale(0, RoundingMode.FLOOR);
            default -> x.setScale(0, RoundingMode.CEILING);
          };
      s[i] = Numeric.text(r);
      return;
    }
    if (d != null) {
      double x = VecMath.doubles(v)[i];
      d[i] =
          switch (name) {
            case "ABS" -> Math.abs(x);
            case "SIGN" -> Math.signum(x);
            case "FLOOR" -> Math.floor(x);
            default -> Math.ceil(x);
          };
      return;
    }
    long x = v.longs[i];
    int scale = VecMath.scaleOf(v.type);
    int outScale = VecMath.scaleOf(type);
    switch (name) {
      case "ABS" -> {
        if (x == Long.MIN_VALUE) throw VecMath.overflow(type);
        l[i] = Math.abs(x);
      }
      case "SIGN" -> l[i] = Long.signum(x) * ColumnType.pow10(outScale);
      default -> {
        long m = ColumnType.pow10(scale);
        long q = name.equals("FLOOR") ? Math.floorDiv(x, m) : -Math.floorDiv(-x, m);
        l[i] = q * ColumnType.pow10(outScale);
      }
    }
  }

  private void round(Vec[] a, int i, long[] l, double[] d, String[] s) {
    int digits =
        a.length > 1
            ? (int)
                Math.max(
                    -Numeric.MAX_RESULT_SCALE, Math.min(Numeric.MAX_RESULT_SCALE, a[1].longs[i]))
            : 0;
    if (s != null) {
      // a numeric rounded half away from zero to that many digits (before the point if negative)
      BigDecimal r = VecMath.decimal(a[0], i).setScale(digits, RoundingMode.HALF_UP);
      s[i] = Numeric.text(r.scale() < 0 ? r.setScale(0) : r);
      return;
    }
    if (d != null) {
      double x = VecMath.doubles(a[0])[i];
      d[i] = BigDecimal.valueOf(x).setScale(digits, RoundingMode.HALF_UP).doubleValue();
      return;
    }
    BigDecimal x = BigDecimal.valueOf(a[0].longs[i], VecMath.scaleOf(a[0].type));
    BigDecimal r = x.setScale(digits, RoundingMode.HALF_UP);
    l[i] = type.kind() == TypeKind.DECIMAL ? type.decimalToUnscaled(r) : r.longValueExact();
  }

  /** Casts used by GREATEST/LEAST. */
  static final class CastExprs {
    static Vec to(Vec v, ColumnType t) {
      return ExprCompiler.CastExpr.convert(v, t);
    }
  }
}
