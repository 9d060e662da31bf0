package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import io.citadel.engine.internal.types.TypeKind;
import org.apache.calcite.rel.type.RelDataType;

/** Calcite's types mapped to Citadel's. */
public final class Types {
  private Types() {}

  public static ColumnType of(RelDataType t) {
    return switch (t.getSqlTypeName()) {
      case BOOLEAN -> ColumnType.BOOLEAN;
      case TINYINT, SMALLINT -> ColumnType.SMALLINT;
      case INTEGER -> ColumnType.INTEGER;
      case BIGINT -> ColumnType.BIGINT;
      case REAL -> ColumnType.FLOAT;
      case FLOAT, DOUBLE -> ColumnType.DOUBLE;
      case DECIMAL -> {
        int p = t.getPrecision();
        int s = Math.min(Math.max(t.getScale(), 0), Math.max(p, 1));
        // at Calcite's maximum precision: numeric without a type modifier (CitadelTypeSystem)
        yield p >= io.citadel.engine.internal.types.Numeric.MAX_PRECISION
                || s >= io.citadel.engine.internal.types.Numeric.MAX_PRECISION / 2
            ? ColumnType.NUMERIC
            : ColumnType.exact(Math.max(p, 1), s);
      }
      case CHAR, VARCHAR, NULL, SYMBOL -> ColumnType.TEXT;
      // an array is carried in PostgreSQL's text form ({1,2,3}) until arrays are values here
      case ARRAY -> {
        RelDataType e = t.getComponentType();
        ColumnType element;
        try {
          element = e == null ? ColumnType.TEXT : of(e);
        } catch (SqlException unsupported) {
          element = ColumnType.TEXT;
        }
        if (element.kind() == TypeKind.SMALLINT && e != null && !e.isNullable()) {
          yield ColumnType.INT2VECTOR;
        }
        yield element.isArray() ? ColumnType.TEXT : ColumnType.arrayOf(element);
      }
      case DATE -> ColumnType.DATE;
      case TIMESTAMP -> ColumnType.TIMESTAMP;
      // an instant, shown in UTC, the session's time zone
      case TIMESTAMP_WITH_LOCAL_TIME_ZONE, TIMESTAMP_TZ -> ColumnType.TIMESTAMPTZ;
      case TIME -> ColumnType.TIME;
      case UUID -> ColumnType.UUID;
      case BINARY, VARBINARY -> ColumnType.BYTEA;
      case INTERVAL_YEAR, INTERVAL_YEAR_MONTH, INTERVAL_MONTH -> ColumnType.INTERVAL_MONTHS;
      case INTERVAL_DAY, INTERVAL_DAY_HOUR, INTERVAL_DAY_MINUTE, INTERVAL_DAY_SECOND ->
          ColumnType.INTERVAL_DAYS;
      case INTERVAL_HOUR,
          INTERVAL_HOUR_MINUTE,
          INTERVAL_HOUR_SECOND,
          INTERVAL_MINUTE,
          INTERVAL_MINUTE_SECOND,
          INTERVAL_SECOND ->
          ColumnType.INTERVAL_TIME;
      default ->
          throw new SqlException(
              SqlException.FEATURE_NOT_SUPPORTED,
              "type " + t.getFullTypeString() + " is not supported");
    };
  }
}
