package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.storage.Dictionary;
import io.citadel.engine.internal.types.ColumnType;
import java.util.Arrays;

/**
 * One column of a batch: {@code size} values of one SQL type, in one of four physical forms —
 * {@code long}s, {@code double}s, dictionary codes (text straight from storage) or strings. NULLs
 * are flagged in {@code nulls}, which is {@code null} when the vector has none. Operators switch on
 * the form once per vector, never per row.
 */
public final class Vec {
  /** The physical form. */
  public enum Form {
    LONG,
    DOUBLE,
    DICT,
    STRING
  }

  public final Form form;
  public final ColumnType type;
  public final int size;
  public final long[] longs;
  public final double[] doubles;
  public final int[] codes;
  public final Dictionary dict;
  public final String[] strings;
  public final boolean[] nulls;

  private Vec(
      Form form,
      ColumnType type,
      int size,
      long[] longs,
      double[] doubles,
      int[] codes,
      Dictionary dict,
      String[] strings,
      boolean[] nulls) {
    this.form = form;
    this.type = type;
    this.size = size;
    this.longs = longs;
    this.doubles = doubles;
    this.codes = codes;
    this.dict = dict;
    this.strings = strings;
    this.nulls = nulls;
  }

  public static Vec ofLongs(ColumnType type, long[] v, boolean[] nulls, int size) {
    return new Vec(Form.LONG, type, size, v, null, null, null, null, nulls);
  }

  public static Vec ofDoubles(ColumnType type, double[] v, boolean[] nulls, int size) {
    return new Vec(Form.DOUBLE, type, size, null, v, null, null, null, nulls);
  }

  /** Text as dictionary codes; a NULL has code -1 and is also flagged. */
  public static Vec ofCodes(
      ColumnType type, int[] codes, Dictionary dict, boolean[] nulls, int size) {
    return new Vec(Form.DICT, type, size, null, null, codes, dict, null, nulls);
  }

  public static Vec ofStrings(ColumnType type, String[] v, boolean[] nulls, int size) {
    return new Vec(Form.STRING, type, size, null, null, null, null, v, nulls);
  }

  /** The physical form values of {@code type} take when computed (not read from storage). */
  public static Form formOf(ColumnType type) {
    if (type.kind().isStringBased()) {
      return Form.STRING;
    }
    return type.kind().isFloating() ? Form.DOUBLE : Form.LONG;
  }

  /** A vector of {@code size} NULLs. */
  public static Vec nulls(ColumnType type, int size) {
    boolean[] n = new boolean[size];
    Arrays.fill(n, true);
    return switch (formOf(type)) {
      case LONG -> ofLongs(type, new long[size], n, size);
      case DOUBLE -> ofDoubles(type, new double[size], n, size);
      default -> ofStrings(type, new String[size], n, size);
    };
  }

  /** {@code size} copies of one boxed physical value. */
  public static Vec constant(ColumnType type, Object value, int size) {
    if (value == null) {
      return nulls(type, size);
    }
    return switch (formOf(type)) {
      case LONG -> {
        long[] v = new long[size];
        Arrays.fill(v, ((Number) value).longValue());
        yield ofLongs(type, v, null, size);
      }
      case DOUBLE -> {
        double[] v = new double[size];
        Arrays.fill(v, ((Number) value).doubleValue());
        yield ofDoubles(type, v, null, size);
      }
      default -> {
        String[] v = new String[size];
        Arrays.fill(v, (String) value);
        yield ofStrings(type, v, null, size);
      }
    };
  }

  public boolean isNull(int i) {
    return nulls != null && nulls[i];
  }

  /** Row {@code i} boxed (see {@link ColumnType}); null for SQL NULL. */
  public Object get(int i) {
    if (nulls != null && nulls[i]) {
      return null;
    }
    return switch (form) {
      case LONG -> longs[i];
      case DOUBLE -> doubles[i];
      case DICT -> dict.decode(codes[i]);
      case STRING -> strings[i];
    };
  }

  /** Text at row {@code i}, whichever text form. */
  public String string(int i) {
    return form == Form.DICT ? (codes[i] < 0 ? null : dict.decode(codes[i])) : strings[i];
  }

  /** This vector in string form (dictionary codes decoded). */
  public Vec decoded() {
    if (form != Form.DICT) {
      return this;
    }
    String[] s = new String[size];
    for (int i = 0; i < size; i++) {
      int c = codes[i];
      s[i] = c < 0 ? null : dict.decode(c);
    }
    return ofStrings(type, s, nulls, size);
  }

  /** The rows at {@code sel[0..n)}, in that order. */
  public Vec gather(int[] sel, int n) {
    boolean[] nn = null;
    if (nulls != null) {
      nn = new boolean[n];
      for (int i = 0; i < n; i++) {
        nn[i] = nulls[sel[i]];
      }
    }
    switch (form) {
      case LONG:
        {
          long[] v = new long[n];
          long[] src = longs;
          for (int i = 0; i < n; i++) {
            v[i] = src[sel[i]];
          }
          return ofLongs(type, v, nn, n);
        }
      case DOUBLE:
        {
          double[] v = new double[n];
          double[] src = doubles;
          for (int i = 0; i < n; i++) {
            v[i] = src[sel[i]];
          }
          return ofDoubles(type, v, nn, n);
        }
      case DICT:
        {
          int[] v = new int[n];
          int[] src = codes;
          for (int i = 0; i < n; i++) {
            v[i] = src[sel[i]];
          }
          return ofCodes(type, v, dict, nn, n);
        }
      default:
        {
          String[] v = new String[n];
          for (int i = 0; i < n; i++) {
            v[i] = strings[sel[i]];
          }
          return ofStrings(type, v, nn, n);
        }
    }
  }

  /** Like {@link #gather}, but a negative index yields NULL (the missing side of an outer join). */
  public Vec gatherOrNull(int[] sel, int n) {
    boolean[] nn = new boolean[n];
    int[] safe = new int[n];
    boolean any = false;
    for (int i = 0; i < n; i++) {
      int s = sel[i];
      if (s < 0) {
        nn[i] = true;
        any = true;
      } else {
        safe[i] = s;
        nn[i] = nulls != null && nulls[s];
      }
    }
    if (size == 0) {
      return nulls(type, n);
    }
    Vec g = gather(safe, n);
    boolean[] merged = any || g.nulls != null ? nn : null;
    if (g.form == Form.DICT && merged != null) {
      for (int i = 0; i < n; i++) {
        if (merged[i]) {
          g.codes[i] = -1;
        }
      }
    }
    return g.withNulls(merged);
  }

  Vec withNulls(boolean[] n) {
    return new Vec(form, type, size, longs, doubles, codes, dict, strings, n);
  }

  /** Same values, seen as another type of the same form (e.g. after a no-op cast). */
  Vec retype(ColumnType t) {
    return new Vec(form, t, size, longs, doubles, codes, dict, strings, nulls);
  }

  /** Vectors of one column end to end. Dictionary-coded inputs sharing a dictionary stay coded. */
  public static Vec concat(ColumnType type, java.util.List<Vec> parts) {
    int n = 0;
    boolean anyNull = false;
    boolean sameDict = !parts.isEmpty();
    for (Vec p : parts) {
      n += p.size;
      anyNull |= p.nulls != null;
      sameDict &= p.form == Form.DICT && p.dict == parts.get(0).dict;
    }
    boolean[] nn = anyNull ? new boolean[n] : null;
    if (parts.isEmpty()) {
      return nulls(type, 0).withNulls(null);
    }
    Form f =
        sameDict ? Form.DICT : (parts.get(0).form == Form.DICT ? Form.STRING : parts.get(0).form);
    long[] l = f == Form.LONG ? new long[n] : null;
    double[] d = f == Form.DOUBLE ? new double[n] : null;
    int[] c = f == Form.DICT ? new int[n] : null;
    String[] s = f == Form.STRING ? new String[n] : null;
    int at = 0;
    for (Vec p : parts) {
      Vec q = f == Form.STRING ? p.decoded() : p;
      switch (f) {
        case LONG -> System.arraycopy(q.longs, 0, l, at, q.size);
        case DOUBLE -> System.arraycopy(q.doubles, 0, d, at, q.size);
        case DICT -> System.arraycopy(q.codes, 0, c, at, q.size);
        case STRING -> System.arraycopy(q.strings, 0, s, at, q.size);
      }
      if (q.nulls != null) {
        System.arraycopy(q.nulls, 0, nn, at, q.size);
      }
      at += q.size;
    }
    return new Vec(f, type, n, l, d, c, sameDict ? parts.get(0).dict : null, s, nn);
  }
}
