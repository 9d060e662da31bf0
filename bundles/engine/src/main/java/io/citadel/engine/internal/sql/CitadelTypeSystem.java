package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.Numeric;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Calcite's type rules adjusted to Citadel's storage and to PostgreSQL's numeric rules.
 *
 * <p>Decimals of up to 18 digits are scaled {@code long}s; wider ones, and PostgreSQL's {@code
 * numeric} without a precision, are {@link io.citadel.engine.internal.types.TypeKind#NUMERIC}
 * values, each with its own scale. Calcite needs a precision and scale for every decimal: {@code
 * numeric} without them is {@code DECIMAL(1000, 500)} here ({@code CAST(x AS NUMERIC)}, Calcite's
 * default precision, is {@code DECIMAL(1000, 0)}; numeric(p) keeps scale 0), and any decimal
 * Calcite derives at the maximum precision, or with a scale of 500 or more, is taken to be that
 * (see {@code Types.of}). Division and the average are always such numerics, because PostgreSQL
 * chooses their scale from the values, not the types; the sum of a bigint or a decimal is one too,
 * as in PostgreSQL, so that it never overflows. A product of two decimals that are both scaled
 * {@code long}s stays one, capped at 18 digits, so that TPC-H's price arithmetic stays on the fast
 * path; one that does not fit fails with 22003 rather than wrap.
 */
final class CitadelTypeSystem extends RelDataTypeSystemImpl {
  static final CitadelTypeSystem INSTANCE = new CitadelTypeSystem();

  /** The scale Calcite is told an unbounded numeric has: half the digits. */
  static final int UNBOUNDED_SCALE = Numeric.MAX_PRECISION / 2;

  static RelDataType unboundedNumeric(RelDataTypeFactory f) {
    return f.createSqlType(SqlTypeName.DECIMAL, Numeric.MAX_PRECISION, UNBOUNDED_SCALE);
  }

  @Override
  public int getMaxPrecision(SqlTypeName typeName) {
    return typeName == SqlTypeName.DECIMAL
        ? Numeric.MAX_PRECISION
        : super.getMaxPrecision(typeName);
  }

  @Override
  public int getMaxScale(SqlTypeName typeName) {
    return typeName == SqlTypeName.DECIMAL ? Numeric.MAX_PRECISION : super.getMaxScale(typeName);
  }

  @Override
  public int getDefaultPrecision(SqlTypeName typeName) {
    return typeName == SqlTypeName.DECIMAL
        ? Numeric.MAX_PRECISION
        : super.getDefaultPrecision(typeName);
  }

  /** CASE 'a' ... 'abc' is VARCHAR, as in PostgreSQL, not a blank-padded CHAR. */
  @Override
  public boolean shouldConvertRaggedUnionTypesToVarying() {
    return true;
  }

  @Override
  public RelDataType deriveDecimalMultiplyType(RelDataTypeFactory f, RelDataType a, RelDataType b) {
    RelDataType t = super.deriveDecimalMultiplyType(f, a, b);
    if (t != null
        && t.getSqlTypeName() == SqlTypeName.DECIMAL
        && isLong(a)
        && isLong(b)
        && t.getScale() <= ColumnType.MAX_DECIMAL_PRECISION) {
      return f.createTypeWithNullability(
          f.createSqlType(SqlTypeName.DECIMAL, ColumnType.MAX_DECIMAL_PRECISION, t.getScale()),
          t.isNullable());
    }
    return t;
  }

  @Override
  public RelDataType deriveDecimalDivideType(RelDataTypeFactory f, RelDataType a, RelDataType b) {
    RelDataType t = super.deriveDecimalDivideType(f, a, b);
    return t == null
        ? null
        : f.createTypeWithNullability(unboundedNumeric(f), a.isNullable() || b.isNullable());
  }

  /** Whether values of {@code t} are exact numbers kept in a {@code long}. */
  private static boolean isLong(RelDataType t) {
    return switch (t.getSqlTypeName()) {
      case TINYINT, SMALLINT, INTEGER, BIGINT -> true;
      case DECIMAL -> t.getPrecision() <= ColumnType.MAX_DECIMAL_PRECISION;
      default -> false;
    };
  }

  @Override
  public RelDataType deriveSumType(RelDataTypeFactory f, RelDataType arg) {
    RelDataType t =
        switch (arg.getSqlTypeName()) {
          case TINYINT, SMALLINT, INTEGER -> f.createSqlType(SqlTypeName.BIGINT);
          case BIGINT, DECIMAL -> unboundedNumeric(f);
          case REAL, FLOAT, DOUBLE -> f.createSqlType(SqlTypeName.DOUBLE);
          default -> super.deriveSumType(f, arg);
        };
    return f.createTypeWithNullability(t, arg.isNullable());
  }

  /**
   * avg of exact numbers is a numeric (with PostgreSQL's quotient scale), of an interval an
   * interval, of floats a double.
   */
  @Override
  public RelDataType deriveAvgAggType(RelDataTypeFactory f, RelDataType arg) {
    RelDataType t =
        switch (arg.getSqlTypeName()) {
          case TINYINT, SMALLINT, INTEGER, BIGINT, DECIMAL -> unboundedNumeric(f);
          default -> SqlTypeUtil.isInterval(arg) ? arg : f.createSqlType(SqlTypeName.DOUBLE);
        };
    return f.createTypeWithNullability(t, arg.isNullable());
  }
}
