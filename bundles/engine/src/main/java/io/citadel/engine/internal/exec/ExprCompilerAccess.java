package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;

/** Conversions the SQL layer applies to result columns. */
public final class ExprCompilerAccess {
  private ExprCompilerAccess() {}

  public static Vec cast(Vec v, ColumnType to) {
    if (v.form == Vec.Form.DICT && to.kind() == v.type.kind()) {
      return v;
    }
    return ExprCompiler.CastExpr.convert(v, to);
  }
}
