package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.types.ColumnType;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Calcite's type rules adjusted to Citadel's storage and to what PostgreSQL users expect: decimals
 * hold at most 18 digits (they are stored as {@code long}s); SUM of integers is a BIGINT; AVG is a
 * DOUBLE rather than Calcite's truncating integer average.
 */
final class CitadelTypeSystem extends RelDataTypeSystemImpl {
  static final CitadelTypeSystem INSTANCE = new CitadelTypeSystem();

  @Override
  public int getMaxPrecision(SqlTypeName typeName) {
    return typeName == SqlTypeName.DECIMAL
        ? ColumnType.MAX_DECIMAL_PRECISION
        : super.getMaxPrecision(typeName);
  }

  @Override
  public int getMaxScale(SqlTypeName typeName) {
    return typeName == SqlTypeName.DECIMAL
        ? ColumnType.MAX_DECIMAL_PRECISION
        : super.getMaxScale(typeName);
  }

  /** CASE 'a' ... 'abc' is VARCHAR, as in PostgreSQL, not a blank-padded CHAR. */
  @Override
  public boolean shouldConvertRaggedUnionTypesToVarying() {
    return true;
  }

  @Override
  public RelDataType deriveSumType(RelDataTypeFactory f, RelDataType arg) {
    RelDataType t =
        switch (arg.getSqlTypeName()) {
          case TINYINT, SMALLINT, INTEGER, BIGINT -> f.createSqlType(SqlTypeName.BIGINT);
          case DECIMAL ->
              f.createSqlType(
                  SqlTypeName.DECIMAL, ColumnType.MAX_DECIMAL_PRECISION, arg.getScale());
          case REAL, FLOAT, DOUBLE -> f.createSqlType(SqlTypeName.DOUBLE);
          default -> super.deriveSumType(f, arg);
        };
    return f.createTypeWithNullability(t, arg.isNullable());
  }

  @Override
  public RelDataType deriveAvgAggType(RelDataTypeFactory f, RelDataType arg) {
    return f.createTypeWithNullability(f.createSqlType(SqlTypeName.DOUBLE), arg.isNullable());
  }
}
