package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.storage.ColumnDef;
import io.citadel.engine.internal.storage.TableDef;
import io.citadel.engine.internal.types.SqlException;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ColumnStrategy;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql2rel.InitializerContext;
import org.apache.calcite.sql2rel.NullInitializerExpressionFactory;

/**
 * What an INSERT puts in a column it does not name (or names with DEFAULT): the column's DEFAULT
 * expression, evaluated with the statement (so {@code now()} is the statement's clock, the same on
 * every member of an HA group); NULL for an identity column, which the store numbers; NULL
 * otherwise, which a NOT NULL column refuses.
 */
final class ColumnDefaults extends NullInitializerExpressionFactory {
  private final TableDef def;

  ColumnDefaults(TableDef def) {
    this.def = def;
  }

  @Override
  public ColumnStrategy generationStrategy(RelOptTable table, int iColumn) {
    ColumnDef c = def.columns().get(iColumn);
    if (def.constraints().defaults().containsKey(c.id())
        || def.constraints().identity().contains(c.id())) {
      return ColumnStrategy.DEFAULT;
    }
    return c.notNull() ? ColumnStrategy.NOT_NULLABLE : ColumnStrategy.NULLABLE;
  }

  @Override
  public RexNode newColumnDefaultValue(RelOptTable table, int iColumn, InitializerContext context) {
    ColumnDef c = def.columns().get(iColumn);
    RexBuilder rex = context.getRexBuilder();
    RelDataType type = table.getRowType().getFieldList().get(iColumn).getType();
    RelDataType nullable = rex.getTypeFactory().createTypeWithNullability(type, true);
    String expr = def.constraints().defaults().get(c.id());
    if (expr == null) {
      return rex.makeNullLiteral(nullable);
    }
    SqlNode node;
    try {
      String text = PgCasts.present(expr) ? PgCasts.rewrite(expr) : expr;
      node = SqlParser.create(text, SqlPlanner.parserConfig()).parseExpression();
    } catch (SqlParseException e) {
      throw new SqlException(
          SqlException.SYNTAX_ERROR,
          "the default of column \""
              + c.name()
              + "\" ("
              + expr
              + ") does not parse: "
              + e.getMessage().lines().findFirst().orElse(""));
    }
    RexNode value = context.convertExpression(context.validateExpression(table.getRowType(), node));
    return rex.makeCast(type.isNullable() ? type : nullable, value, true, false);
  }
}
