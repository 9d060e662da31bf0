package io.citadel.engine.internal.storage;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The dictionary of a text column: every distinct string gets a code, in the order first seen.
 * Codes never change, so stored fragments keep codes only. Writers add under the object's lock;
 * readers look codes up without locking (an entry is written before the size that covers it is
 * published).
 */
public final class Dictionary {
  private final Map<String, Integer> codes = new HashMap<>();
  private volatile String[] values = new String[16];
  private volatile int size;

  /** The code of {@code value}, adding it if new. */
  public int encode(String value) {
    synchronized (this) {
      Integer code = codes.get(value);
      if (code != null) {
        return code;
      }
      int c = size;
      String[] v = values;
      if (c == v.length) {
        v = Arrays.copyOf(v, c * 2);
      }
      v[c] = value;
      values = v;
      codes.put(value, c);
      size = c + 1;
      return c;
    }
  }

  /** The code of {@code value}, or -1 when the dictionary does not hold it. */
  public int find(String value) {
    synchronized (this) {
      Integer code = codes.get(value);
      return code == null ? -1 : code;
    }
  }

  public String decode(int code) {
    return values[code];
  }

  public int size() {
    return size;
  }

  /** The entries from {@code from} (inclusive) to {@code to} (exclusive). */
  public String[] slice(int from, int to) {
    return Arrays.copyOfRange(values, from, to);
  }
}
