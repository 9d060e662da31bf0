package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.storage.ColumnDef;
import io.citadel.engine.internal.storage.TableVersion;
import io.citadel.engine.internal.types.ColumnType;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.List;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.linq4j.Queryable;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.logical.LogicalTableModify;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ModifiableTable;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A Citadel table as Calcite sees it: its row type, its row count for the planner, and modifiable
 * so INSERT, UPDATE and DELETE validate. The statement holds one snapshot of the table from
 * planning to execution.
 */
final class CitadelTable extends AbstractTable implements ModifiableTable {
  private final TableVersion version;

  CitadelTable(TableVersion version) {
    this.version = version;
  }

  TableVersion version() {
    return version;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory f) {
    RelDataTypeFactory.Builder b = f.builder();
    for (ColumnDef c : version.def().columns()) {
      b.add(c.name(), f.createTypeWithNullability(toRel(f, c.type()), !c.notNull()));
    }
    return b.build();
  }

  static RelDataType toRel(RelDataTypeFactory f, ColumnType t) {
    if (t.isVector()) {
      // an int2vector: told from int2[] by its elements, which are never NULL
      return f.createArrayType(toRel(f, t.element()), -1);
    }
    if (t.isArray()) {
      return f.createArrayType(f.createTypeWithNullability(toRel(f, t.element()), true), -1);
    }
    return switch (t.kind()) {
      case BOOLEAN -> f.createSqlType(SqlTypeName.BOOLEAN);
      case SMALLINT -> f.createSqlType(SqlTypeName.SMALLINT);
      case INTEGER -> f.createSqlType(SqlTypeName.INTEGER);
      case BIGINT -> f.createSqlType(SqlTypeName.BIGINT);
      case FLOAT -> f.createSqlType(SqlTypeName.REAL);
      case DOUBLE -> f.createSqlType(SqlTypeName.DOUBLE);
      case DECIMAL -> f.createSqlType(SqlTypeName.DECIMAL, t.precision(), t.scale());
      case NUMERIC ->
          t.precision() > 0
              ? f.createSqlType(SqlTypeName.DECIMAL, t.precision(), t.scale())
              : CitadelTypeSystem.unboundedNumeric(f);
      // char(n) has its length, so that a cast to text (which drops its padding) is a cast
      case TEXT ->
          t.isBlankPadded()
              ? f.createSqlType(SqlTypeName.VARCHAR, t.precision())
              : f.createSqlType(SqlTypeName.VARCHAR);
      case DATE -> f.createSqlType(SqlTypeName.DATE);
      case TIMESTAMP -> f.createSqlType(SqlTypeName.TIMESTAMP, 3);
      case TIMESTAMPTZ -> f.createSqlType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, 3);
      case TIME -> f.createSqlType(SqlTypeName.TIME, 3);
      case UUID -> f.createSqlType(SqlTypeName.UUID);
      case BYTEA -> f.createSqlType(SqlTypeName.VARBINARY);
      // Calcite has no JSON type: a document is its text (the scan's vectors keep the kind)
      case JSON, JSONB -> f.createSqlType(SqlTypeName.VARCHAR);
      case INTERVAL ->
          f.createSqlIntervalType(
              new org.apache.calcite.sql.SqlIntervalQualifier(
                  // the precisions IntervalText gives PostgreSQL's constants, so that a column
                  // and a constant compare without a cast between them
                  t.scale() == 0
                      ? org.apache.calcite.avatica.util.TimeUnit.YEAR
                      : org.apache.calcite.avatica.util.TimeUnit.DAY,
                  9,
                  t.scale() == 0
                      ? org.apache.calcite.avatica.util.TimeUnit.MONTH
                      : org.apache.calcite.avatica.util.TimeUnit.SECOND,
                  t.scale() == 0 ? -1 : 3,
                  org.apache.calcite.sql.parser.SqlParserPos.ZERO));
    };
  }

  /** The column defaults INSERT fills in, for Calcite's converter. */
  @Override
  public <C> C unwrap(Class<C> c) {
    if (c == org.apache.calcite.sql2rel.InitializerExpressionFactory.class) {
      return c.cast(new ColumnDefaults(version.def()));
    }
    return super.unwrap(c);
  }

  @Override
  public Statistic getStatistic() {
    return Statistics.of(version.liveRows(), List.of());
  }

  @Override
  public Collection<?> getModifiableCollection() {
    return null;
  }

  @Override
  public TableModify toModificationRel(
      RelOptCluster cluster,
      RelOptTable table,
      Prepare.CatalogReader catalogReader,
      RelNode child,
      TableModify.Operation operation,
      List<String> updateColumnList,
      List<RexNode> sourceExpressionList,
      boolean flattened) {
    return LogicalTableModify.create(
        table, catalogReader, child, operation, updateColumnList, sourceExpressionList, flattened);
  }

  @Override
  public <T> Queryable<T> asQueryable(
      QueryProvider queryProvider, SchemaPlus schema, String tableName) {
    throw new UnsupportedOperationException("Citadel tables are read by Citadel's executor");
  }

  @Override
  public Type getElementType() {
    return Object[].class;
  }

  @Override
  public Expression getExpression(SchemaPlus schema, String tableName, Class clazz) {
    throw new UnsupportedOperationException("Citadel tables are read by Citadel's executor");
  }
}
