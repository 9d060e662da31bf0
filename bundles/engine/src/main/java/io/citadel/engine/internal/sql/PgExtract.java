package io.citadel.engine.internal.sql;

import org.apache.calcite.avatica.util.TimeUnitRange;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCallBinding;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlOperatorBinding;
import org.apache.calcite.sql.fun.SqlExtractFunction;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorScope;

/**
 * EXTRACT with PostgreSQL's result type for seconds: {@code extract(epoch ...)} and {@code
 * extract(second ...)} are numerics with six fractional digits ({@code 1704067201.250000}), where
 * Calcite's EXTRACT is a whole number. The other fields stay integers, which PostgreSQL shows the
 * same way. Put in place of Calcite's operator before validation (see SqlPlanner).
 */
final class PgExtract extends SqlExtractFunction {
  static final PgExtract INSTANCE = new PgExtract();

  private PgExtract() {
    super("EXTRACT", false);
  }

  @Override
  public RelDataType deriveType(SqlValidator validator, SqlValidatorScope scope, SqlCall call) {
    RelDataType t = super.deriveType(validator, scope, call);
    if (call.operand(0) instanceof SqlIntervalQualifier q && inSeconds(q.timeUnitRange)) {
      t = numeric(validator.getTypeFactory(), t);
      validator.setValidatedNodeType(call, t);
    }
    return t;
  }

  @Override
  public RelDataType inferReturnType(SqlOperatorBinding b) {
    RelDataType t = super.inferReturnType(b);
    TimeUnitRange unit =
        b instanceof SqlCallBinding c && c.operand(0) instanceof SqlIntervalQualifier q
            ? q.timeUnitRange
            : b.getOperandLiteralValue(0, TimeUnitRange.class);
    return inSeconds(unit) ? numeric(b.getTypeFactory(), t) : t;
  }

  private static boolean inSeconds(TimeUnitRange unit) {
    return unit == TimeUnitRange.EPOCH || unit == TimeUnitRange.SECOND;
  }

  private static RelDataType numeric(RelDataTypeFactory f, RelDataType t) {
    return f.createTypeWithNullability(CitadelTypeSystem.unboundedNumeric(f), t.isNullable());
  }
}
