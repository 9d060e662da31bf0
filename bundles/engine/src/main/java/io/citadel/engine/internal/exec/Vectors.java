package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;

/** Building vectors from boxed values. */
public final class Vectors {
  private Vectors() {}

  public static Vec fromBoxed(ColumnType type, Object[] vals, int n) {
    boolean[] nulls = null;
    for (int i = 0; i < n; i++) {
      if (vals[i] == null) {
        if (nulls == null) {
          nulls = new boolean[n];
        }
        nulls[i] = true;
      }
    }
    switch (Vec.formOf(type)) {
      case LONG:
        {
          long[] v = new long[n];
          for (int i = 0; i < n; i++) {
            if (vals[i] != null) {
              v[i] = ((Number) vals[i]).longValue();
            }
          }
          return Vec.ofLongs(type, v, nulls, n);
        }
      case DOUBLE:
        {
          double[] v = new double[n];
          for (int i = 0; i < n; i++) {
            if (vals[i] != null) {
              v[i] = ((Number) vals[i]).doubleValue();
            }
          }
          return Vec.ofDoubles(type, v, nulls, n);
        }
      default:
        {
          String[] v = new String[n];
          for (int i = 0; i < n; i++) {
            v[i] = (String) vals[i];
          }
          return Vec.ofStrings(type, v, nulls, n);
        }
    }
  }
}
