package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.types.SqlException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.sql.JoinConditionType;
import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * Set-returning functions as PostgreSQL places them, in the shapes Calcite's validator knows:
 *
 * <ul>
 *   <li>A function in FROM may read the FROM items before it ({@code FROM pg_index i,
 *       generate_series(1, i.indnatts)}): PostgreSQL makes every function there LATERAL.
 *   <li>A set-returning function in a select list ({@code SELECT generate_series(1, 3)}, {@code
 *       SELECT (information_schema._pg_expandarray(i.indkey)).n FROM pg_index i}) repeats its row
 *       once per value: it becomes a LATERAL join of the function, and the call a reference to its
 *       column. The same call written twice is one join, as PostgreSQL runs such calls in step.
 *   <li>A composite result ({@code _pg_expandarray}'s (x, n)) named in a select list is carried as
 *       its fields, columns named {@code alias.x} and {@code alias.n}, and {@code (alias).x}
 *       elsewhere in the statement reads them: pgjdbc's key and index metadata work so.
 * </ul>
 */
final class SetReturningCalls {
  private SetReturningCalls() {}

  /** The functions that return sets, by lower-case name, with their result columns. */
  private static final Map<String, List<String>> COLUMNS =
      Map.of(
          "generate_series", List.of("generate_series"),
          "generate_subscripts", List.of("generate_subscripts"),
          "pg_unnest", List.of("unnest"),
          "_pg_expandarray", List.of("x", "n"));

  /** Aggregate functions by name: the parser leaves most calls unresolved. */
  private static final Set<String> AGGREGATES =
      Set.of(
          "count",
          "sum",
          "avg",
          "min",
          "max",
          "every",
          "bool_and",
          "bool_or",
          "string_agg",
          "array_agg",
          "stddev",
          "stddev_samp",
          "stddev_pop",
          "variance",
          "var_samp",
          "var_pop",
          "bit_and",
          "bit_or",
          "json_agg",
          "percentile_cont",
          "percentile_disc",
          "mode",
          "approx_count_distinct");

  static SqlNode rewrite(SqlNode statement) {
    Set<String> composites = new HashSet<>();
    SqlNode out = statement.accept(new Placement(composites));
    return composites.isEmpty() ? out : out.accept(new FieldReads(composites));
  }

  private static String functionName(SqlNode n) {
    if (n instanceof SqlBasicCall c
        && c.getKind() == SqlKind.OTHER_FUNCTION
        && c.getOperator().getNameAsId() != null) {
      List<String> names = c.getOperator().getNameAsId().names;
      String name = names.get(names.size() - 1).toLowerCase(Locale.ROOT);
      return COLUMNS.containsKey(name) ? name : null;
    }
    return null;
  }

  /** Moves set-returning calls out of select lists, and makes functions in FROM lateral. */
  private static final class Placement extends SqlShuttle {
    private final Set<String> composites;
    private int aliases;

    Placement(Set<String> composites) {
      this.composites = composites;
    }

    @Override
    public SqlNode visit(SqlCall call) {
      SqlNode visited = super.visit(call);
      if (visited instanceof SqlJoin join) {
        join.setRight(lateral(join.getRight()));
        return join;
      }
      if (visited instanceof SqlSelect select) {
        return select(select);
      }
      return visited;
    }

    /** {@code f(...) [AS a]} in FROM, as {@code LATERAL TABLE(f(...)) [AS a]}. */
    private static SqlNode lateral(SqlNode from) {
      from = named(from);
      if (from.getKind() == SqlKind.COLLECTION_TABLE) {
        return SqlStdOperatorTable.LATERAL.createCall(from.getParserPosition(), from);
      }
      if (from.getKind() == SqlKind.AS
          && from instanceof SqlBasicCall as
          && as.operand(0).getKind() == SqlKind.COLLECTION_TABLE) {
        SqlNode function = as.operand(0);
        as.setOperand(
            0, SqlStdOperatorTable.LATERAL.createCall(function.getParserPosition(), function));
      }
      return from;
    }

    /**
     * {@code f(...) AS a} of a function with one column: PostgreSQL names the column {@code a} too.
     */
    private static SqlNode named(SqlNode from) {
      if (from.getKind() != SqlKind.AS
          || !(from instanceof SqlBasicCall as)
          || as.operandCount() != 2
          || as.operand(0).getKind() != SqlKind.COLLECTION_TABLE) {
        return from;
      }
      SqlNode function = as.operand(0);
      String name = functionName(((SqlCall) function).operand(0));
      if (name == null || COLUMNS.get(name).size() != 1) {
        return from;
      }
      SqlNode alias = as.operand(1);
      return SqlStdOperatorTable.AS.createCall(from.getParserPosition(), function, alias, alias);
    }

    private SqlNode select(SqlSelect select) {
      if (select.getFrom() != null) {
        select.setFrom(named(select.getFrom()));
      }
      Map<String, SqlNode> misplaced = new LinkedHashMap<>();
      if (select.getWhere() != null) {
        collect(select.getWhere(), misplaced);
      }
      if (!misplaced.isEmpty()) {
        throw new SqlException(
            SqlException.FEATURE_NOT_SUPPORTED, "set-returning functions are not allowed in WHERE");
      }
      Map<String, SqlNode> calls = new LinkedHashMap<>();
      for (SqlNode item : select.getSelectList()) {
        collect(item, calls);
      }
      if (calls.isEmpty()) {
        return select;
      }
      if (select.getGroup() != null
          || select.isDistinct()
          || select.getHaving() != null
          || aggregates(select.getSelectList())) {
        throw new SqlException(
            SqlException.FEATURE_NOT_SUPPORTED,
            "a set-returning function in the select list of a grouped or DISTINCT query is not"
                + " supported; put it in FROM");
      }
      // one call: its own columns; several: run in step, their columns c0, c1, ... in order
      String alias = "srf$" + ++aliases;
      Map<String, List<SqlIdentifier>> columnsOf = new LinkedHashMap<>();
      SqlNode call;
      SqlParserPos pos = select.getParserPosition();
      if (calls.size() == 1) {
        call = calls.values().iterator().next();
        List<SqlIdentifier> ids = new ArrayList<>();
        for (String c : COLUMNS.get(functionName(call))) {
          ids.add(new SqlIdentifier(List.of(alias, c), pos));
        }
        columnsOf.put(call.toString(), ids);
      } else {
        StringBuilder spec = new StringBuilder();
        List<SqlNode> operands = new ArrayList<>();
        operands.add(null);
        int column = 0;
        for (Map.Entry<String, SqlNode> e : calls.entrySet()) {
          SqlBasicCall c = (SqlBasicCall) e.getValue();
          String name = functionName(c);
          spec.append(spec.length() == 0 ? "" : ",")
              .append(name)
              .append(':')
              .append(c.operandCount());
          operands.addAll(c.getOperandList());
          List<SqlIdentifier> ids = new ArrayList<>();
          for (int k = 0; k < COLUMNS.get(name).size(); k++) {
            ids.add(new SqlIdentifier(List.of(alias, "c" + column++), pos));
          }
          columnsOf.put(e.getKey(), ids);
        }
        operands.set(0, SqlLiteral.createCharString(spec.toString(), pos));
        call = PgFunctions.named("PG_ROWS_FROM").createCall(pos, operands);
      }
      SqlNode from = select.getFrom();
      SqlNode function = SqlStdOperatorTable.COLLECTION_TABLE.createCall(pos, call);
      SqlNode table =
          SqlStdOperatorTable.AS.createCall(
              pos,
              from == null ? function : SqlStdOperatorTable.LATERAL.createCall(pos, function),
              new SqlIdentifier(alias, pos));
      from =
          from == null
              ? table
              : new SqlJoin(
                  pos,
                  from,
                  SqlLiteral.createBoolean(false, pos),
                  JoinType.COMMA.symbol(pos),
                  table,
                  JoinConditionType.NONE.symbol(pos),
                  null);
      select.setFrom(from);
      SqlNodeList list = new SqlNodeList(select.getSelectList().getParserPosition());
      for (SqlNode item : select.getSelectList()) {
        String label = null;
        SqlNode expr = item;
        if (item.getKind() == SqlKind.AS && item instanceof SqlBasicCall as) {
          expr = as.operand(0);
          label = ((SqlIdentifier) as.operand(1)).getSimple();
        }
        String name = functionName(expr);
        if (name != null && COLUMNS.get(name).size() > 1) {
          // a composite: its fields, as columns named label.field
          String base = label != null ? label : name;
          composites.add(base);
          List<String> fields = COLUMNS.get(name);
          for (int k = 0; k < fields.size(); k++) {
            list.add(
                SqlStdOperatorTable.AS.createCall(
                    pos,
                    columnsOf.get(expr.toString()).get(k),
                    new SqlIdentifier(base + "." + fields.get(k), pos)));
          }
          continue;
        }
        SqlNode replaced = expr.accept(new Replace(columnsOf));
        if (label == null && name != null) {
          label = COLUMNS.get(name).get(0); // PostgreSQL names the column after the function
        }
        list.add(
            label == null
                ? replaced
                : SqlStdOperatorTable.AS.createCall(
                    item.getParserPosition(),
                    replaced,
                    new SqlIdentifier(label, item.getParserPosition())));
      }
      select.setSelectList(list);
      return select;
    }

    /** Whether an aggregate function is called in {@code n} (outside subqueries). */
    private static boolean aggregates(SqlNode n) {
      if (n instanceof SqlNodeList l) {
        for (SqlNode e : l) {
          if (aggregates(e)) {
            return true;
          }
        }
        return false;
      }
      if (n instanceof SqlSelect || !(n instanceof SqlCall c)) {
        return false;
      }
      if (c.getOperator().isAggregator()
          || c.getKind() == SqlKind.OVER
          || AGGREGATES.contains(c.getOperator().getName().toLowerCase(Locale.ROOT))) {
        return true;
      }
      for (SqlNode o : c.getOperandList()) {
        if (o != null && aggregates(o)) {
          return true;
        }
      }
      return false;
    }

    /** The set-returning calls in {@code n}, by their text (outside subqueries). */
    private static void collect(SqlNode n, Map<String, SqlNode> calls) {
      if (functionName(n) != null) {
        calls.putIfAbsent(n.toString(), n);
        return;
      }
      if (n instanceof SqlSelect || !(n instanceof SqlCall c)) {
        return;
      }
      for (SqlNode o : c.getOperandList()) {
        if (o != null) {
          collect(o, calls);
        }
      }
    }
  }

  /** Each set-returning call replaced by its join's column; (call).field by that field. */
  private static final class Replace extends SqlShuttle {
    private final Map<String, List<SqlIdentifier>> columnsOf;

    Replace(Map<String, List<SqlIdentifier>> columnsOf) {
      this.columnsOf = columnsOf;
    }

    @Override
    public SqlNode visit(SqlCall call) {
      if (call.getKind() == SqlKind.DOT
          && functionName(call.operand(0)) != null
          && call.operand(1) instanceof SqlIdentifier field) {
        SqlNode function = call.operand(0);
        int k = COLUMNS.get(functionName(function)).indexOf(field.getSimple());
        if (k < 0) {
          throw new SqlException(
              "42703",
              "column \"" + field.getSimple() + "\" not found in data type of " + function);
        }
        return columnsOf.get(function.toString()).get(k);
      }
      if (functionName(call) != null && columnsOf.containsKey(call.toString())) {
        return columnsOf.get(call.toString()).get(0);
      }
      if (call instanceof SqlSelect) {
        return call;
      }
      return super.visit(call);
    }
  }

  /** {@code (alias).field}, and {@code (t.alias).field}, of a composite carried as its fields. */
  private static final class FieldReads extends SqlShuttle {
    private final Set<String> composites;

    FieldReads(Set<String> composites) {
      this.composites = composites;
    }

    /** The field {@code (record).field} reads of a composite carried as fields, or null. */
    private String fieldRead(SqlNode n) {
      if (n.getKind() == SqlKind.DOT
          && n instanceof SqlCall call
          && call.operand(0) instanceof SqlIdentifier record
          && call.operand(1) instanceof SqlIdentifier field
          && composites.contains(record.names.get(record.names.size() - 1))) {
        return field.getSimple();
      }
      return null;
    }

    @Override
    public SqlNode visit(SqlCall call) {
      if (call instanceof SqlSelect select) {
        // a select item (r.keys).x keeps the name PostgreSQL gives it: x
        SqlNodeList list = new SqlNodeList(select.getSelectList().getParserPosition());
        for (SqlNode item : select.getSelectList()) {
          String field = fieldRead(item);
          list.add(
              field == null
                  ? item
                  : SqlStdOperatorTable.AS.createCall(
                      item.getParserPosition(),
                      item,
                      new SqlIdentifier(field, item.getParserPosition())));
        }
        select.setSelectList(list);
        return super.visit(select);
      }
      String field = fieldRead(call);
      if (field != null) {
        SqlIdentifier record = call.operand(0);
        List<String> names = new ArrayList<>(record.names);
        names.set(names.size() - 1, names.get(names.size() - 1) + "." + field);
        return new SqlIdentifier(names, call.getParserPosition());
      }
      return super.visit(call);
    }
  }
}
