package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.storage.Dictionary;
import io.citadel.engine.internal.types.Numeric;
import io.citadel.engine.internal.types.TypeKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns key columns into {@code long}s for hashing: numbers as themselves (doubles by their bits),
 * text as ids shared by every worker of one operator, so text keys from different tables'
 * dictionaries compare correctly. Dictionary-coded text is mapped code by code, once per dictionary
 * entry.
 */
final class Keys {
  private final Map<String, Integer> ids = new ConcurrentHashMap<>();
  private final List<String> strings = new ArrayList<>();
  private final Map<Dictionary, int[]> codeMaps = new ConcurrentHashMap<>();

  /** The string a text key id stands for. */
  synchronized String string(long id) {
    return strings.get((int) id);
  }

  /**
   * The id of the key {@code s}, a value of {@code kind} (see {@link #valueKey}); the id keeps the
   * first text it was seen as.
   */
  private int id(String s, TypeKind kind, boolean insert) {
    String key = valueKey(kind, s);
    Integer id = ids.get(key);
    if (id != null || !insert) {
      return id == null ? -1 : id;
    }
    synchronized (this) {
      id = ids.get(key);
      if (id == null) {
        id = strings.size();
        strings.add(s);
        ids.put(key, id);
      }
      return id;
    }
  }

  private int[] codeMap(Dictionary d, int maxCode, TypeKind kind, boolean insert) {
    int[] m = codeMaps.get(d);
    if (m != null && m.length > maxCode) {
      return m;
    }
    synchronized (d) {
      m = codeMaps.get(d);
      if (m != null && m.length > maxCode) {
        return m;
      }
      int size = d.size();
      int[] n = new int[size];
      for (int c = 0; c < size; c++) {
        n[c] = id(d.decode(c), kind, insert);
      }
      codeMaps.put(d, n);
      return n;
    }
  }

  /**
   * The key values of {@code v}. With {@code insert} false (a join's probe side), text never seen
   * on the build side becomes -1, which no build key equals... unless the build side also had none
   * (-1 is never an id), so it never matches.
   */
  long[] keys(Vec v, boolean insert) {
    int n = v.size;
    TypeKind kind = v.type.kind();
    switch (v.form) {
      case LONG:
        return v.longs;
      case DOUBLE:
        {
          long[] k = new long[n];
          for (int i = 0; i < n; i++) {
            double d = v.doubles[i];
            k[i] = d == 0.0 ? 0L : Double.doubleToLongBits(d);
          }
          return k;
        }
      case DICT:
        {
          int max = -1;
          for (int i = 0; i < n; i++) {
            max = Math.max(max, v.codes[i]);
          }
          int[] map = max < 0 ? new int[0] : codeMap(v.dict, max, kind, insert);
          long[] k = new long[n];
          for (int i = 0; i < n; i++) {
            int c = v.codes[i];
            k[i] = c < 0 ? -1 : map[c];
          }
          return k;
        }
      default:
        {
          long[] k = new long[n];
          for (int i = 0; i < n; i++) {
            String s = v.strings[i];
            k[i] = s == null ? -1 : id(s, kind, insert);
          }
          return k;
        }
    }
  }

  /**
   * What decides whether two values of {@code kind} are one key: a numeric's and a jsonb's value,
   * each in a namespace of its own (1.0 and 1.00 are one key; 1.0's key is not the text "1"); any
   * other text as it is.
   */
  static String valueKey(TypeKind kind, String s) {
    return switch (kind) {
      case NUMERIC -> "\0N" + Numeric.key(s);
      case JSONB -> "\0J" + io.citadel.engine.internal.types.JsonText.comparisonKey(s);
      default -> s;
    };
  }

  static long hash(long h, long k) {
    long x = (h ^ k) * 0x9E3779B97F4A7C15L;
    return x ^ (x >>> 29);
  }
}
