package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;

/**
 * One aggregate call: the function, its argument column (-1 for COUNT(*)), DISTINCT, the column of
 * its FILTER condition (-1 for none) and its result type.
 */
public record AggSpec(
    String function, int arg, boolean distinct, int filter, ColumnType type, Object constant) {

  public AggSpec(String function, int arg, boolean distinct, int filter, ColumnType type) {
    this(function, arg, distinct, filter, type, null);
  }
}
