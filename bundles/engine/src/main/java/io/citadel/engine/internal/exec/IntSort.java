package io.citadel.engine.internal.exec;

/** A stable merge sort of {@code int}s by a comparator, without boxing. */
final class IntSort {
  interface IntComparator {
    int compare(int a, int b);
  }

  private IntSort() {}

  static void sort(int[] a, IntComparator c) {
    if (a.length < 2) {
      return;
    }
    int[] tmp = new int[a.length];
    sort(a, tmp, 0, a.length, c);
  }

  private static void sort(int[] a, int[] tmp, int lo, int hi, IntComparator c) {
    if (hi - lo <= 16) {
      for (int i = lo + 1; i < hi; i++) {
        int x = a[i];
        int j = i - 1;
        while (j >= lo && c.compare(a[j], x) > 0) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = x;
      }
      return;
    }
    int mid = (lo + hi) >>> 1;
    sort(a, tmp, lo, mid, c);
    sort(a, tmp, mid, hi, c);
    if (c.compare(a[mid - 1], a[mid]) <= 0) {
      return;
    }
    System.arraycopy(a, lo, tmp, lo, hi - lo);
    int i = lo;
    int j = mid;
    for (int k = lo; k < hi; k++) {
      if (j >= hi || (i < mid && c.compare(tmp[i], tmp[j]) <= 0)) {
        a[k] = tmp[i++];
      } else {
        a[k] = tmp[j++];
      }
    }
  }
}
