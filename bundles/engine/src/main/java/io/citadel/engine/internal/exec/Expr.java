package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;

/** A compiled scalar expression: evaluates a whole batch at once. */
public interface Expr {
  Vec eval(Batch batch);

  ColumnType type();

  /** The input column this expression reads directly, or -1. */
  default int inputIndex() {
    return -1;
  }

  /** The boxed constant value when the expression is a literal; see {@link #isConstant()}. */
  default Object constant() {
    return null;
  }

  default boolean isConstant() {
    return false;
  }
}
