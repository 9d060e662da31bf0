package io.citadel.engine.internal.storage;

/**
 * What a fragment knows about one of its columns without reading it: how many NULLs, and the
 * smallest and largest non-null value (physical {@code long}s, or the bits of {@code double}s for
 * floating columns; text columns keep no range). Filters use the range to skip fragments.
 */
public record ColumnStats(int nullCount, boolean hasRange, long min, long max) {

  public static final ColumnStats EMPTY = new ColumnStats(0, false, 0, 0);

  public double minDouble() {
    return Double.longBitsToDouble(min);
  }

  public double maxDouble() {
    return Double.longBitsToDouble(max);
  }
}
