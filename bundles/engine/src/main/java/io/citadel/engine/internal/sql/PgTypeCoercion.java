package io.citadel.engine.internal.sql;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.implicit.TypeCoercionImpl;

/**
 * Calcite's implicit casts, with PostgreSQL's reading of a string compared with a uuid, a bytea or
 * an array: the string is a value of that type ({@code id = 'A0EE...'} compares uuids, whatever the
 * case of the digits; {@code scores = '{1, 2}'} arrays), where Calcite would compare both as text
 * or refuse.
 */
final class PgTypeCoercion extends TypeCoercionImpl {
  PgTypeCoercion(RelDataTypeFactory types, SqlValidator validator) {
    super(types, validator);
  }

  @Override
  public RelDataType commonTypeForBinaryComparison(RelDataType a, RelDataType b) {
    if (a != null && b != null) {
      if (SqlTypeUtil.isCharacter(a) && readsStrings(b)) {
        return b;
      }
      if (SqlTypeUtil.isCharacter(b) && readsStrings(a)) {
        return a;
      }
    }
    return super.commonTypeForBinaryComparison(a, b);
  }

  private static boolean readsStrings(RelDataType t) {
    SqlTypeName n = t.getSqlTypeName();
    return n == SqlTypeName.UUID
        || n == SqlTypeName.BINARY
        || n == SqlTypeName.VARBINARY
        || n == SqlTypeName.ARRAY;
  }
}
