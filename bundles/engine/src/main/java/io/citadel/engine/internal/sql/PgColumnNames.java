package io.citadel.engine.internal.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.fun.SqlCase;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.fun.SqlTrimFunction;

/**
 * The names PostgreSQL gives a query's result columns, which clients read columns by: an alias as
 * written; a column's own name; a function's or an aggregate's name ({@code count}, {@code
 * coalesce}); a cast's type name ({@code int4}) when what it casts has no name of its own; {@code
 * case}; and {@code ?column?} for any other expression. Worked out from the statement as parsed,
 * before validation rewrites it (PostgreSQL's {@code FigureColname}).
 */
final class PgColumnNames {
  /** A name that only stands in for a better one: an expression with no name of its own. */
  static final String NONE = "?column?";

  private PgColumnNames() {}

  /**
   * The names of the top-level select list, one per item, null for a {@code *} item (whose columns
   * keep the names the validator gives them); null when the statement is not a plain query.
   */
  static List<String> of(SqlNode statement) {
    SqlNode q = statement;
    while (true) {
      if (q instanceof SqlOrderBy o) {
        q = o.query;
      } else if (q instanceof SqlWith w) {
        q = w.body;
      } else if (q instanceof SqlCall c
          && (q.getKind() == SqlKind.UNION
              || q.getKind() == SqlKind.INTERSECT
              || q.getKind() == SqlKind.EXCEPT)) {
        q = c.operand(0); // a set operation's columns are named by its first branch
      } else {
        break;
      }
    }
    if (q instanceof SqlCall c && q.getKind() == SqlKind.VALUES) {
      SqlNode row = c.getOperandList().isEmpty() ? null : c.operand(0);
      int n = row instanceof SqlCall r ? r.operandCount() : 1;
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        names.add("column" + i);
      }
      return names;
    }
    if (!(q instanceof SqlSelect select)) {
      return null;
    }
    List<String> names = new ArrayList<>();
    for (SqlNode item : select.getSelectList()) {
      if (item instanceof SqlIdentifier id && id.isStar()) {
        names.add(null);
      } else {
        names.add(name(item).name);
      }
    }
    return names;
  }

  /**
   * The statement with every unnamed expression of a nested query's select list named as PostgreSQL
   * names it, so that an outer query can refer to it by that name ({@code SELECT count FROM (SELECT
   * count(*) FROM t) s}, {@code SELECT * FROM (SELECT current_database(), ...)} as pgjdbc sends).
   * Names another item of the same list already has are left alone. The top-level list is named by
   * {@link #of} instead.
   */
  static SqlNode nameNested(SqlNode statement) {
    return statement.accept(
        new org.apache.calcite.sql.util.SqlShuttle() {
          private int depth;

          @Override
          public SqlNode visit(SqlCall call) {
            boolean select = call instanceof SqlSelect;
            if (select && depth > 0) {
              nameItems((SqlSelect) call);
            }
            if (select) {
              depth++;
            }
            try {
              return super.visit(call);
            } finally {
              if (select) {
                depth--;
              }
            }
          }
        });
  }

  private static void nameItems(SqlSelect select) {
    org.apache.calcite.sql.SqlNodeList list = select.getSelectList();
    java.util.Set<String> taken = new java.util.HashSet<>();
    for (SqlNode item : list) {
      if (item.getKind() == SqlKind.AS) {
        taken.add(((SqlIdentifier) ((SqlCall) item).operand(1)).getSimple());
      } else if (item instanceof SqlIdentifier id && !id.isStar()) {
        taken.add(id.names.get(id.names.size() - 1));
      }
    }
    for (int i = 0; i < list.size(); i++) {
      SqlNode item = list.get(i);
      if (item.getKind() == SqlKind.AS || item instanceof SqlIdentifier) {
        continue;
      }
      Named n = name(item);
      if (n.strength == 0 || !taken.add(n.name)) {
        continue;
      }
      list.set(
          i,
          SqlStdOperatorTable.AS.createCall(
              item.getParserPosition(), item, new SqlIdentifier(n.name, item.getParserPosition())));
    }
  }

  /** A name and how firmly it holds: 2 named, 1 a weak stand-in (a type, case), 0 none. */
  private record Named(String name, int strength) {}

  private static Named name(SqlNode node) {
    if (node instanceof org.apache.calcite.sql.SqlIntervalLiteral) {
      return new Named("interval", 1); // INTERVAL '1 day', as PostgreSQL names a typed constant
    }
    if (node instanceof SqlIdentifier id) {
      return new Named(id.names.get(id.names.size() - 1), 2);
    }
    if (node instanceof SqlCase c) {
      SqlNode otherwise = c.getElseOperand();
      if (otherwise != null && !(otherwise instanceof SqlLiteral l && l.getValue() == null)) {
        Named n = name(otherwise);
        if (n.strength > 1) {
          return n;
        }
      }
      return new Named("case", 1);
    }
    if (node instanceof SqlSelect || node instanceof SqlOrderBy) {
      // a scalar sub-query: named by its own first column
      List<String> inner = of(node);
      return inner == null || inner.isEmpty() || inner.get(0) == null || NONE.equals(inner.get(0))
          ? new Named(NONE, 0)
          : new Named(inner.get(0), 2);
    }
    if (!(node instanceof SqlCall call)) {
      return new Named(NONE, 0);
    }
    switch (call.getKind()) {
      case AS:
        return new Named(((SqlIdentifier) call.operand(1)).getSimple(), 2);
      case CAST:
        {
          Named inner = name(call.operand(0));
          if (inner.strength > 1) {
            return inner;
          }
          if (call.operand(1) instanceof SqlDataTypeSpec spec) {
            return new Named(typeName(spec), 1);
          }
          return new Named(NONE, 0);
        }
      case FILTER, WITHIN_GROUP, OVER, RESPECT_NULLS, IGNORE_NULLS:
        return name(call.operand(0));
      case SCALAR_QUERY:
        {
          List<String> inner = of(call.operand(0));
          return inner == null || inner.isEmpty() || inner.get(0) == null
              ? new Named(NONE, 0)
              : new Named(inner.get(0), NONE.equals(inner.get(0)) ? 0 : 2);
        }
      case ITEM:
        {
          // tags[1]: named by the array, as PostgreSQL names it
          Named array = name(call.operand(0));
          return array.strength > 1 ? array : new Named(NONE, 0);
        }
      case EXISTS:
        return new Named("exists", 2);
      case ROW:
        return new Named("row", 2);
      case ARRAY_VALUE_CONSTRUCTOR, ARRAY_QUERY_CONSTRUCTOR:
        return new Named("array", 2);
      default:
        break;
    }
    if (call.getOperator() instanceof SqlTrimFunction && call.operand(0) instanceof SqlLiteral f) {
      String flag = String.valueOf(f.getValue()).toUpperCase(Locale.ROOT);
      return new Named(
          switch (flag) {
            case "LEADING" -> "ltrim";
            case "TRAILING" -> "rtrim";
            default -> "btrim";
          },
          2);
    }
    if (call.getOperator() instanceof SqlFunction && call instanceof SqlBasicCall) {
      String n = call.getOperator().getName().toLowerCase(Locale.ROOT);
      if (n.equals("pg_interval")) {
        return new Named("interval", 1); // x::interval, as PgCasts rewrote it
      }
      if (n.startsWith("pg_json_get") || n.startsWith("pg_json_path")) {
        return new Named(NONE, 0); // an operator (->, ->>, #>, #>>) as PgCasts rewrote it
      }
      // Calcite's internal names of PostgreSQL's functions
      return new Named(n.equals("translate3") ? "translate" : n, 2);
    }
    return new Named(NONE, 0);
  }

  /** PostgreSQL's internal name of a type as it names a cast's column. */
  private static String typeName(SqlDataTypeSpec spec) {
    String t = spec.getTypeName().getSimple().toUpperCase(Locale.ROOT);
    return switch (t) {
      case "INTEGER", "INT" -> "int4";
      case "BIGINT" -> "int8";
      case "SMALLINT", "TINYINT" -> "int2";
      case "REAL" -> "float4";
      case "DOUBLE", "FLOAT" -> "float8";
      case "DECIMAL", "NUMERIC", "DEC" -> "numeric";
      case "BOOLEAN" -> "bool";
      case "CHAR", "CHARACTER" -> "bpchar";
      case "VARCHAR" -> "varchar";
      case "VARBINARY", "BINARY" -> "bytea";
      case "TIMESTAMP_WITH_LOCAL_TIME_ZONE" -> "timestamptz";
      default -> t.toLowerCase(Locale.ROOT);
    };
  }
}
