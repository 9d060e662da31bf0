package io.citadel.engine.internal.exec;

import java.util.Arrays;

/**
 * Open-addressing hash table from a tuple of {@code long} keys (plus which of them are NULL) to a
 * dense group number.
 */
final class GroupTable {
  private final int width;
  long[][] keys;
  long[] nullMasks;
  private int[] slots;
  private int mask;
  int size;

  GroupTable(int width, int expected) {
    this.width = width;
    int cap = Math.max(16, Integer.highestOneBit(Math.max(expected, 8) * 2));
    keys = new long[width][cap / 2];
    nullMasks = new long[cap / 2];
    slots = new int[cap];
    Arrays.fill(slots, -1);
    mask = cap - 1;
  }

  /** Group numbers of {@code n} rows whose key columns are {@code cols}. */
  int[] groups(long[][] cols, boolean[][] nulls, int n) {
    int[] out = new int[n];
    long[] row = new long[width];
    for (int i = 0; i < n; i++) {
      long nm = 0;
      for (int k = 0; k < width; k++) {
        boolean isNull = nulls[k] != null && nulls[k][i];
        row[k] = isNull ? 0 : cols[k][i];
        if (isNull) {
          nm |= 1L << k;
        }
      }
      out[i] = findOrAdd(row, nm);
    }
    return out;
  }

  int findOrAdd(long[] row, long nullMask) {
    long h = nullMask;
    for (int k = 0; k < width; k++) {
      h = Keys.hash(h, row[k]);
    }
    int s = (int) h & mask;
    while (true) {
      int g = slots[s];
      if (g < 0) {
        return add(row, nullMask, s);
      }
      if (nullMasks[g] == nullMask && same(g, row)) {
        return g;
      }
      s = (s + 1) & mask;
    }
  }

  private boolean same(int g, long[] row) {
    for (int k = 0; k < width; k++) {
      if (keys[k][g] != row[k]) {
        return false;
      }
    }
    return true;
  }

  private int add(long[] row, long nullMask, int slot) {
    int g = size++;
    if (g == nullMasks.length) {
      int cap = nullMasks.length * 2;
      for (int k = 0; k < width; k++) {
        keys[k] = Arrays.copyOf(keys[k], cap);
      }
      nullMasks = Arrays.copyOf(nullMasks, cap);
    }
    for (int k = 0; k < width; k++) {
      keys[k][g] = row[k];
    }
    nullMasks[g] = nullMask;
    slots[slot] = g;
    if (size * 2 > slots.length) {
      rehash();
    }
    return g;
  }

  private void rehash() {
    int cap = slots.length * 2;
    slots = new int[cap];
    Arrays.fill(slots, -1);
    mask = cap - 1;
    for (int g = 0; g < size; g++) {
      long h = nullMasks[g];
      for (int k = 0; k < width; k++) {
        h = Keys.hash(h, keys[k][g]);
      }
      int s = (int) h & mask;
      while (slots[s] >= 0) {
        s = (s + 1) & mask;
      }
      slots[s] = g;
    }
  }
}
