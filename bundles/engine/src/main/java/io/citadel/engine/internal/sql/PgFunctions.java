package io.citadel.engine.internal.sql;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlOperandTypeChecker;
import org.apache.calcite.sql.type.SqlReturnTypeInference;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.util.ListSqlOperatorTable;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.validate.SqlNameMatcher;
import org.apache.calcite.sql.validate.SqlNameMatchers;

/**
 * PostgreSQL's string and numeric functions that BI tools and ORMs generate, declared for Calcite's
 * validator with PostgreSQL's argument and result types; the executor evaluates them by name
 * ({@code exec.TextFunctions}). They come before Calcite's own libraries, so where a name exists in
 * both PostgreSQL's meaning wins ({@code concat} skips NULLs, {@code trim} of two arguments).
 */
final class PgFunctions {
  private PgFunctions() {}

  private static final SqlReturnTypeInference TEXT = ReturnTypes.VARCHAR_NULLABLE;
  private static final SqlReturnTypeInference TEXT_NOT_NULL = ReturnTypes.VARCHAR;
  private static final SqlReturnTypeInference INT = ReturnTypes.INTEGER_NULLABLE;

  /** An interval of months (and what is under them, see ColumnType.INTERVAL_MONTHS). */
  private static final SqlReturnTypeInference YEAR_TO_MONTH =
      ReturnTypes.cascade(
          b ->
              b.getTypeFactory()
                  .createSqlIntervalType(
                      new org.apache.calcite.sql.SqlIntervalQualifier(
                          org.apache.calcite.avatica.util.TimeUnit.YEAR,
                          9,
                          org.apache.calcite.avatica.util.TimeUnit.MONTH,
                          -1,
                          org.apache.calcite.sql.parser.SqlParserPos.ZERO)),
          org.apache.calcite.sql.type.SqlTypeTransforms.TO_NULLABLE);

  private static final SqlOperandTypeChecker STR_OPT_STR =
      OperandTypes.or(OperandTypes.STRING, OperandTypes.STRING_STRING);
  private static final SqlOperandTypeChecker STR_INT_OPT_STR =
      OperandTypes.or(
          OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER),
          OperandTypes.family(
              SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER, SqlTypeFamily.CHARACTER));
  private static final SqlOperandTypeChecker STR_INT =
      OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER);

  /** A document and a key: an object's field name or an array's position. */
  private static final SqlOperandTypeChecker JSON_KEY =
      OperandTypes.or(OperandTypes.STRING_STRING, STR_INT);

  private static SqlFunction fn(
      String name, SqlReturnTypeInference ret, SqlOperandTypeChecker operands) {
    return new SqlFunction(
        name, SqlKind.OTHER_FUNCTION, ret, null, operands, SqlFunctionCategory.STRING);
  }

  private static final SqlOperandTypeChecker ARRAY_AND_DIMENSION =
      OperandTypes.or(
          OperandTypes.family(SqlTypeFamily.ARRAY, SqlTypeFamily.INTEGER),
          OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER));

  /**
   * {@code generate_series(start, stop [, step])} in FROM: the integers from start to stop, one row
   * each, in a column named {@code generate_series} (PostgreSQL names it so; an alias list renames
   * it). The bounds must not depend on another table's rows (no LATERAL yet).
   */
  static final class GenerateSeries extends SqlFunction
      implements org.apache.calcite.sql.SqlTableFunction {
    GenerateSeries() {
      super(
          "GENERATE_SERIES",
          SqlKind.OTHER_FUNCTION,
          ReturnTypes.CURSOR,
          null,
          OperandTypes.or(
              OperandTypes.family(SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER),
              OperandTypes.family(
                  SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER)),
          SqlFunctionCategory.USER_DEFINED_TABLE_FUNCTION);
    }

    @Override
    public SqlReturnTypeInference getRowTypeInference() {
      return b -> rowType(b.getTypeFactory(), columns(getName(), b, 0, b.getOperandCount()));
    }
  }

  /**
   * The set-returning functions over an array (or an int2vector, as pg_index.indkey is): {@code
   * unnest}'s elements, {@code generate_subscripts(array, 1)}'s subscripts, and {@code
   * information_schema._pg_expandarray}'s elements with their 1-based positions (columns x and n),
   * which pgjdbc's key and index metadata read. In FROM, with LATERAL, and in a select list.
   */
  static final class ArrayRows extends SqlFunction
      implements org.apache.calcite.sql.SqlTableFunction {
    ArrayRows(String name, org.apache.calcite.sql.type.SqlOperandTypeChecker operands) {
      super(
          name,
          SqlKind.OTHER_FUNCTION,
          ReturnTypes.CURSOR,
          null,
          operands,
          SqlFunctionCategory.USER_DEFINED_TABLE_FUNCTION);
    }

    @Override
    public SqlReturnTypeInference getRowTypeInference() {
      return b -> rowType(b.getTypeFactory(), columns(getName(), b, 0, b.getOperandCount()));
    }
  }

  /**
   * The result columns of set-returning function {@code name} (upper case) over the operands {@code
   * from} (inclusive) to {@code to} (exclusive) of {@code b}: names and types.
   */
  static List<Map.Entry<String, org.apache.calcite.rel.type.RelDataType>> columns(
      String name, org.apache.calcite.sql.SqlOperatorBinding b, int from, int to) {
    org.apache.calcite.rel.type.RelDataTypeFactory f = b.getTypeFactory();
    org.apache.calcite.rel.type.RelDataType integer =
        f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.INTEGER);
    if (name.equals("GENERATE_SERIES")) {
      boolean wide = false;
      for (int i = from; i < to; i++) {
        wide |=
            b.getOperandType(i).getSqlTypeName() == org.apache.calcite.sql.type.SqlTypeName.BIGINT;
      }
      return List.of(
          Map.entry(
              "generate_series",
              wide ? f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.BIGINT) : integer));
    }
    org.apache.calcite.rel.type.RelDataType array = b.getOperandType(from);
    org.apache.calcite.rel.type.RelDataType element =
        f.createTypeWithNullability(
            array.getComponentType() != null
                ? array.getComponentType()
                : f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.VARCHAR),
            true);
    return switch (name) {
      case "_PG_EXPANDARRAY" -> List.of(Map.entry("x", element), Map.entry("n", integer));
      case "GENERATE_SUBSCRIPTS" -> List.of(Map.entry("generate_subscripts", integer));
      default -> List.of(Map.entry("unnest", element));
    };
  }

  private static org.apache.calcite.rel.type.RelDataType rowType(
      org.apache.calcite.rel.type.RelDataTypeFactory f,
      List<Map.Entry<String, org.apache.calcite.rel.type.RelDataType>> columns) {
    org.apache.calcite.rel.type.RelDataTypeFactory.Builder row = f.builder();
    for (Map.Entry<String, org.apache.calcite.rel.type.RelDataType> c : columns) {
      row.add(c.getKey(), c.getValue());
    }
    return row.build();
  }

  /**
   * Several set-returning functions run in step, as PostgreSQL runs those of one select list (and
   * {@code ROWS FROM}): as many rows as the longest gives, the others' columns NULL past their end.
   * The first operand names the functions and how many arguments each takes ({@code
   * "pg_unnest:1,generate_subscripts:2"}); the arguments follow. The columns are c0, c1, ... in
   * order.
   */
  static final class RowsFrom extends SqlFunction
      implements org.apache.calcite.sql.SqlTableFunction {
    RowsFrom() {
      super(
          "PG_ROWS_FROM",
          SqlKind.OTHER_FUNCTION,
          ReturnTypes.CURSOR,
          null,
          OperandTypes.VARIADIC,
          SqlFunctionCategory.USER_DEFINED_TABLE_FUNCTION);
    }

    /** The functions and their argument counts, from the first operand. */
    static List<Map.Entry<String, Integer>> parts(String spec) {
      List<Map.Entry<String, Integer>> out = new java.util.ArrayList<>();
      for (String p : spec.split(",")) {
        String[] nameArity = p.split(":");
        out.add(Map.entry(nameArity[0], Integer.parseInt(nameArity[1])));
      }
      return out;
    }

    @Override
    public SqlReturnTypeInference getRowTypeInference() {
      return b -> {
        List<Map.Entry<String, org.apache.calcite.rel.type.RelDataType>> all =
            new java.util.ArrayList<>();
        int at = 1;
        for (Map.Entry<String, Integer> part : parts(b.getOperandLiteralValue(0, String.class))) {
          for (Map.Entry<String, org.apache.calcite.rel.type.RelDataType> c :
              columns(part.getKey().toUpperCase(Locale.ROOT), b, at, at + part.getValue())) {
            all.add(
                Map.entry(
                    "c" + all.size(),
                    b.getTypeFactory().createTypeWithNullability(c.getValue(), true)));
          }
          at += part.getValue();
        }
        return rowType(b.getTypeFactory(), all);
      };
    }
  }

  /**
   * round and trunc: of a float a float, as in PostgreSQL; of an exact number a numeric, whose
   * scale is the digits asked for (round(1.2345, 2) is 1.23, not 1.2300 at the argument's scale).
   */
  private static final SqlReturnTypeInference ROUNDED =
      b -> {
        org.apache.calcite.rel.type.RelDataType arg = b.getOperandType(0);
        org.apache.calcite.rel.type.RelDataType t =
            org.apache.calcite.sql.type.SqlTypeUtil.isApproximateNumeric(arg)
                ? arg
                : CitadelTypeSystem.unboundedNumeric(b.getTypeFactory());
        return b.getTypeFactory().createTypeWithNullability(t, arg.isNullable());
      };

  static final List<SqlOperator> ALL =
      List.of(
          new GenerateSeries(),
          new RowsFrom(),
          new ArrayRows("_PG_EXPANDARRAY", OperandTypes.ANY),
          new ArrayRows("PG_UNNEST", OperandTypes.ANY),
          new ArrayRows(
              "GENERATE_SUBSCRIPTS",
              OperandTypes.or(
                  OperandTypes.family(SqlTypeFamily.ANY, SqlTypeFamily.INTEGER),
                  OperandTypes.family(
                      SqlTypeFamily.ANY, SqlTypeFamily.INTEGER, SqlTypeFamily.BOOLEAN))),
          fn("LENGTH", INT, OperandTypes.STRING),
          fn("OCTET_LENGTH", INT, OperandTypes.STRING),
          fn("BTRIM", TEXT, STR_OPT_STR),
          fn("LTRIM", TEXT, STR_OPT_STR),
          fn("RTRIM", TEXT, STR_OPT_STR),
          fn("INITCAP", TEXT, OperandTypes.STRING),
          fn("STRPOS", INT, OperandTypes.STRING_STRING),
          fn("LPAD", TEXT, STR_INT_OPT_STR),
          fn("RPAD", TEXT, STR_INT_OPT_STR),
          fn("LEFT", TEXT, STR_INT),
          fn("RIGHT", TEXT, STR_INT),
          fn(
              "SPLIT_PART",
              TEXT,
              OperandTypes.family(
                  SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER)),
          fn("REVERSE", TEXT, OperandTypes.STRING),
          fn("REPEAT", TEXT, STR_INT),
          fn("MD5", TEXT, OperandTypes.STRING),
          fn("ASCII", INT, OperandTypes.STRING),
          fn("CHR", TEXT, OperandTypes.INTEGER),
          fn(
              "REGEXP_REPLACE",
              TEXT,
              OperandTypes.or(
                  OperandTypes.STRING_STRING_STRING,
                  OperandTypes.family(
                      SqlTypeFamily.CHARACTER,
                      SqlTypeFamily.CHARACTER,
                      SqlTypeFamily.CHARACTER,
                      SqlTypeFamily.CHARACTER))),
          fn("STARTS_WITH", ReturnTypes.BOOLEAN_NULLABLE, OperandTypes.STRING_STRING),
          fn("TRANSLATE", TEXT, OperandTypes.STRING_STRING_STRING),
          fn(
              "SUBSTR",
              TEXT,
              OperandTypes.or(
                  STR_INT,
                  OperandTypes.family(
                      SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER))),
          // concat, concat_ws and format skip NULL arguments: never NULL themselves (but for a
          // NULL separator or format)
          fn("CONCAT", TEXT_NOT_NULL, OperandTypes.ONE_OR_MORE),
          fn("CONCAT_WS", TEXT, OperandTypes.ONE_OR_MORE),
          fn("FORMAT", TEXT, OperandTypes.ONE_OR_MORE),
          // the functions catalog queries call (psql, pgjdbc, SQLAlchemy, BI tools)
          fn("VERSION", TEXT_NOT_NULL, OperandTypes.NILADIC),
          fn("CURRENT_DATABASE", TEXT_NOT_NULL, OperandTypes.NILADIC),
          fn("CURRENT_SCHEMA", TEXT_NOT_NULL, OperandTypes.NILADIC),
          // name[]: the search path, with pg_catalog first when asked for the implicit schemas
          fn(
              "CURRENT_SCHEMAS",
              b ->
                  b.getTypeFactory()
                      .createArrayType(
                          b.getTypeFactory()
                              .createSqlType(org.apache.calcite.sql.type.SqlTypeName.VARCHAR),
                          -1),
              OperandTypes.BOOLEAN),
          fn(
              "CURRENT_SETTING",
              TEXT,
              OperandTypes.or(
                  OperandTypes.STRING,
                  OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.BOOLEAN))),
          fn("PG_TABLE_IS_VISIBLE", ReturnTypes.BOOLEAN_NULLABLE, OperandTypes.NUMERIC),
          fn("PG_TYPE_IS_VISIBLE", ReturnTypes.BOOLEAN_NULLABLE, OperandTypes.NUMERIC),
          fn("PG_FUNCTION_IS_VISIBLE", ReturnTypes.BOOLEAN_NULLABLE, OperandTypes.NUMERIC),
          fn("PG_GET_USERBYID", TEXT, OperandTypes.NUMERIC),
          // objects Citadel has none of: extended statistics, publications, partitions,
          // functions with arguments; asked about one, these answer as PostgreSQL does for an
          // oid it does not know (NULL) or for a table it cannot publish (false)
          fn(
              "PG_GET_STATISTICSOBJDEF_COLUMNS",
              ReturnTypes.VARCHAR_FORCE_NULLABLE,
              OperandTypes.NUMERIC),
          fn("PG_GET_PARTKEYDEF", ReturnTypes.VARCHAR_FORCE_NULLABLE, OperandTypes.NUMERIC),
          fn("PG_GET_FUNCTION_RESULT", ReturnTypes.VARCHAR_FORCE_NULLABLE, OperandTypes.NUMERIC),
          fn("PG_GET_FUNCTION_ARGUMENTS", ReturnTypes.VARCHAR_FORCE_NULLABLE, OperandTypes.NUMERIC),
          fn(
              "PG_GET_FUNCTION_IDENTITY_ARGUMENTS",
              ReturnTypes.VARCHAR_FORCE_NULLABLE,
              OperandTypes.NUMERIC),
          fn("PG_RELATION_IS_PUBLISHABLE", ReturnTypes.BOOLEAN_NULLABLE, OperandTypes.ANY),
          fn("PG_TABLESPACE_LOCATION", ReturnTypes.VARCHAR_FORCE_NULLABLE, OperandTypes.NUMERIC),
          fn(
              "PG_GET_SERIAL_SEQUENCE",
              ReturnTypes.VARCHAR_FORCE_NULLABLE,
              OperandTypes.STRING_STRING),
          fn("HAS_ANY_COLUMN_PRIVILEGE", ReturnTypes.BOOLEAN_NULLABLE, OperandTypes.VARIADIC),
          fn("HAS_FUNCTION_PRIVILEGE", ReturnTypes.BOOLEAN_NULLABLE, OperandTypes.VARIADIC),
          fn("QUOTE_IDENT", TEXT, OperandTypes.STRING),
          fn("REGPROC", TEXT, OperandTypes.ANY),
          fn(
              "MAKE_DATE",
              ReturnTypes.DATE_NULLABLE,
              OperandTypes.family(
                  SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER)),
          // date + integer, date - integer, date - date, as SqlPlanner converts them
          fn(
              "PG_DATE_PLUS",
              ReturnTypes.DATE_NULLABLE,
              OperandTypes.family(SqlTypeFamily.DATE, SqlTypeFamily.INTEGER)),
          fn(
              "PG_DATE_MINUS",
              ReturnTypes.DATE_NULLABLE,
              OperandTypes.family(SqlTypeFamily.DATE, SqlTypeFamily.INTEGER)),
          // timestamp - timestamp, as SqlPlanner converts it (the call carries its interval type)
          fn(
              "PG_TIMESTAMP_DIFF",
              ReturnTypes.ARG0_NULLABLE,
              OperandTypes.family(SqlTypeFamily.TIMESTAMP, SqlTypeFamily.TIMESTAMP)),
          // now(): the statement's start, a timestamptz as in PostgreSQL
          fn(
              "NOW",
              ReturnTypes.explicit(
                  org.apache.calcite.sql.type.SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, 3),
              OperandTypes.NILADIC),
          // text read as an interval of months and days (x::interval; a constant with both)
          fn("PG_INTERVAL", YEAR_TO_MONTH, OperandTypes.STRING),
          // age(a, b), age(b): years, months and days between them, as PostgreSQL counts them
          fn(
              "AGE",
              YEAR_TO_MONTH,
              OperandTypes.or(
                  OperandTypes.family(SqlTypeFamily.DATETIME),
                  OperandTypes.family(SqlTypeFamily.DATETIME, SqlTypeFamily.DATETIME))),
          // date ± interval, as SqlPlanner converts it (the call carries its type, a timestamp)
          fn(
              "PG_DATE_PLUS_INTERVAL",
              ReturnTypes.ARG0_NULLABLE,
              OperandTypes.family(SqlTypeFamily.DATE, SqlTypeFamily.DATETIME_INTERVAL)),
          fn(
              "PG_DATE_MINUS_INTERVAL",
              ReturnTypes.ARG0_NULLABLE,
              OperandTypes.family(SqlTypeFamily.DATE, SqlTypeFamily.DATETIME_INTERVAL)),
          fn(
              "PG_DATE_DIFF",
              ReturnTypes.INTEGER_NULLABLE,
              OperandTypes.family(SqlTypeFamily.DATE, SqlTypeFamily.DATE)),
          // array::text, as SqlPlanner converts it
          fn("PG_ARRAY_TEXT", TEXT, OperandTypes.ARRAY),
          // boolean::text, as SqlPlanner converts it: true and false, as PostgreSQL writes them
          fn("PG_BOOL_TEXT", TEXT, OperandTypes.BOOLEAN),
          // text read as a uuid, bytea, time or timestamptz by PostgreSQL's rules, for a CAST
          // SqlPlanner converts (the call carries the target type)
          fn("PG_INPUT", ReturnTypes.ARG0, OperandTypes.STRING),
          // x::json and x::jsonb: the document checked, and for jsonb in its normal form
          fn("PG_JSON", TEXT, OperandTypes.STRING),
          fn("PG_JSONB", TEXT, OperandTypes.STRING),
          // what jsonb values are compared by (see DocumentTypes)
          fn("PG_JSONB_KEY", TEXT, OperandTypes.STRING),
          // a value DocumentTypes knows to be a json or jsonb document, typed so for the executor
          fn("PG_AS_JSON", TEXT, OperandTypes.STRING),
          fn("PG_AS_JSONB", TEXT, OperandTypes.STRING),
          // ->, ->>, #> and #>>, as PgCasts rewrites them
          fn("PG_JSON_GET", TEXT, JSON_KEY),
          fn("PG_JSON_GET_TEXT", TEXT, JSON_KEY),
          fn("PG_JSON_PATH", TEXT, OperandTypes.STRING_STRING),
          fn("PG_JSON_PATH_TEXT", TEXT, OperandTypes.STRING_STRING),
          // x::int[]: an array of the type named by the second argument, from its text form
          fn(
              "PG_ARRAY_IN",
              b -> {
                org.apache.calcite.rel.type.RelDataTypeFactory f = b.getTypeFactory();
                String name =
                    b.isOperandLiteral(1, false) ? b.getOperandLiteralValue(1, String.class) : null;
                if ("TEXT".equalsIgnoreCase(name) || "NAME".equalsIgnoreCase(name)) {
                  name = "VARCHAR";
                }
                org.apache.calcite.sql.type.SqlTypeName element =
                    name == null
                        ? null
                        : org.apache.calcite.sql.type.SqlTypeName.get(
                            name.toUpperCase(Locale.ROOT));
                if (element == null
                    || element.getFamily() == null
                    || element == org.apache.calcite.sql.type.SqlTypeName.ARRAY) {
                  throw new io.citadel.engine.internal.types.SqlException(
                      "42704", "type \"" + name + "[]\" does not exist");
                }
                org.apache.calcite.rel.type.RelDataType e =
                    element == org.apache.calcite.sql.type.SqlTypeName.DECIMAL
                        ? f.createSqlType(element, 19, 6)
                        : f.createSqlType(element);
                return f.createTypeWithNullability(
                    f.createArrayType(f.createTypeWithNullability(e, true), -1),
                    b.getOperandType(0).isNullable());
              },
              OperandTypes.family(SqlTypeFamily.ANY, SqlTypeFamily.CHARACTER)),
          fn("JSON_BUILD_OBJECT", TEXT_NOT_NULL, OperandTypes.VARIADIC),
          // x::regclass: the oid of the relation x names (x an oid already, or a name)
          fn("REGCLASS", ReturnTypes.INTEGER_NULLABLE, OperandTypes.ANY),
          // over arrays, or arrays' text form: the length of dimension 1, its bounds
          fn("ARRAY_LENGTH", ReturnTypes.INTEGER_NULLABLE, ARRAY_AND_DIMENSION),
          fn("ARRAY_UPPER", ReturnTypes.INTEGER_NULLABLE, ARRAY_AND_DIMENSION),
          fn("ARRAY_LOWER", ReturnTypes.INTEGER_NULLABLE, ARRAY_AND_DIMENSION),
          // text[]: a qualified name's parts, unquoted
          fn(
              "PARSE_IDENT",
              b ->
                  b.getTypeFactory()
                      .createArrayType(
                          b.getTypeFactory()
                              .createSqlType(org.apache.calcite.sql.type.SqlTypeName.VARCHAR),
                          -1),
              OperandTypes.or(
                  OperandTypes.STRING,
                  OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.BOOLEAN))),
          // over an array, or an array's text form (the catalog's array columns, for now)
          fn(
              "ARRAY_TO_STRING",
              ReturnTypes.VARCHAR_FORCE_NULLABLE,
              OperandTypes.or(
                  OperandTypes.family(SqlTypeFamily.ARRAY, SqlTypeFamily.CHARACTER),
                  OperandTypes.family(
                      SqlTypeFamily.ARRAY, SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER),
                  OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER),
                  OperandTypes.family(
                      SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER))),
          fn(
              "PG_GET_INDEXDEF",
              TEXT,
              OperandTypes.or(
                  OperandTypes.NUMERIC,
                  OperandTypes.family(
                      SqlTypeFamily.NUMERIC, SqlTypeFamily.NUMERIC, SqlTypeFamily.BOOLEAN))),
          fn(
              "PG_GET_VIEWDEF",
              TEXT,
              OperandTypes.or(
                  OperandTypes.NUMERIC,
                  OperandTypes.family(SqlTypeFamily.NUMERIC, SqlTypeFamily.BOOLEAN),
                  OperandTypes.family(SqlTypeFamily.NUMERIC, SqlTypeFamily.INTEGER))),
          fn(
              "PG_GET_CONSTRAINTDEF",
              TEXT,
              OperandTypes.or(
                  OperandTypes.NUMERIC,
                  OperandTypes.family(SqlTypeFamily.NUMERIC, SqlTypeFamily.BOOLEAN))),
          fn("FORMAT_TYPE", TEXT, OperandTypes.NUMERIC_NUMERIC),
          fn(
              "PG_GET_EXPR",
              TEXT,
              OperandTypes.or(
                  OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.NUMERIC),
                  OperandTypes.family(
                      SqlTypeFamily.CHARACTER, SqlTypeFamily.NUMERIC, SqlTypeFamily.BOOLEAN))),
          fn(
              "OBJ_DESCRIPTION",
              ReturnTypes.VARCHAR_FORCE_NULLABLE,
              OperandTypes.or(
                  OperandTypes.NUMERIC,
                  OperandTypes.family(SqlTypeFamily.NUMERIC, SqlTypeFamily.CHARACTER))),
          fn("COL_DESCRIPTION", ReturnTypes.VARCHAR_FORCE_NULLABLE, OperandTypes.NUMERIC_NUMERIC),
          fn("SHOBJ_DESCRIPTION", ReturnTypes.VARCHAR_FORCE_NULLABLE, OperandTypes.ANY_ANY),
          fn("HAS_TABLE_PRIVILEGE", ReturnTypes.BOOLEAN_NULLABLE, OperandTypes.VARIADIC),
          fn("HAS_SCHEMA_PRIVILEGE", ReturnTypes.BOOLEAN_NULLABLE, OperandTypes.VARIADIC),
          fn("HAS_DATABASE_PRIVILEGE", ReturnTypes.BOOLEAN_NULLABLE, OperandTypes.VARIADIC),
          fn("PG_ENCODING_TO_CHAR", TEXT, OperandTypes.NUMERIC),
          fn("PG_BACKEND_PID", ReturnTypes.INTEGER, OperandTypes.NILADIC),
          new SqlFunction(
              "DATE_TRUNC",
              SqlKind.OTHER_FUNCTION,
              // a timestamp, or a timestamptz for one
              ReturnTypes.cascade(
                  b ->
                      b.getTypeFactory()
                          .createSqlType(
                              b.getOperandType(1).getSqlTypeName()
                                      == org.apache.calcite.sql.type.SqlTypeName
                                          .TIMESTAMP_WITH_LOCAL_TIME_ZONE
                                  ? org.apache.calcite.sql.type.SqlTypeName
                                      .TIMESTAMP_WITH_LOCAL_TIME_ZONE
                                  : org.apache.calcite.sql.type.SqlTypeName.TIMESTAMP,
                              3),
                  org.apache.calcite.sql.type.SqlTypeTransforms.TO_NULLABLE),
              null,
              OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.DATETIME),
              SqlFunctionCategory.TIMEDATE),
          new SqlFunction(
              "DATE_PART",
              SqlKind.OTHER_FUNCTION,
              ReturnTypes.cascade(
                  ReturnTypes.explicit(org.apache.calcite.sql.type.SqlTypeName.DOUBLE),
                  org.apache.calcite.sql.type.SqlTypeTransforms.TO_NULLABLE),
              null,
              OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.DATETIME),
              SqlFunctionCategory.TIMEDATE),
          new SqlFunction(
              "TRUNC",
              SqlKind.OTHER_FUNCTION,
              ROUNDED,
              null,
              OperandTypes.or(OperandTypes.NUMERIC, OperandTypes.NUMERIC_INTEGER),
              SqlFunctionCategory.NUMERIC),
          new SqlFunction(
              "ROUND",
              SqlKind.OTHER_FUNCTION,
              ROUNDED,
              null,
              OperandTypes.or(OperandTypes.NUMERIC, OperandTypes.NUMERIC_INTEGER),
              SqlFunctionCategory.NUMERIC));

  /** One of these functions by name. */
  static SqlOperator named(String name) {
    for (SqlOperator op : ALL) {
      if (op.getName().equals(name)) {
        return op;
      }
    }
    throw new IllegalArgumentException(name);
  }

  /**
   * The operator table the validator uses: these functions, then Calcite's standard operators and
   * its PostgreSQL library. Function names are matched without regard to case whatever the catalog
   * does (identifiers are case-sensitive, as in PostgreSQL, and the parser lower-cases unquoted
   * ones; Calcite registers its functions in upper case).
   */
  static SqlOperatorTable table(SqlOperatorTable... rest) {
    SqlOperatorTable[] all = new SqlOperatorTable[rest.length + 1];
    all[0] = new ListSqlOperatorTable(ALL);
    System.arraycopy(rest, 0, all, 1, rest.length);
    SqlOperatorTable chain = SqlOperatorTables.chain(all);
    return new SqlOperatorTable() {
      @Override
      public void lookupOperatorOverloads(
          SqlIdentifier opName,
          SqlFunctionCategory category,
          SqlSyntax syntax,
          List<SqlOperator> operatorList,
          SqlNameMatcher nameMatcher) {
        List<SqlOperator> found = new java.util.ArrayList<>();
        if (opName.names.size() == 2
            && (opName.names.get(0).equalsIgnoreCase("pg_catalog")
                || opName.names.get(0).equalsIgnoreCase("information_schema"))) {
          // pg_catalog.f(...) as catalog queries write it (and pgjdbc's
          // information_schema._pg_expandarray): the built-in f
          opName = new SqlIdentifier(opName.names.get(1), opName.getParserPosition());
        }
        chain.lookupOperatorOverloads(
            opName, category, syntax, found, SqlNameMatchers.withCaseSensitive(false));
        // The first table that knows a name decides it: PostgreSQL's meaning, not a library's.
        if (!found.isEmpty() && found.get(0) instanceof SqlFunction f && ALL.contains(f)) {
          for (SqlOperator op : found) {
            if (ALL.contains(op)) {
              operatorList.add(op);
            }
          }
          return;
        }
        operatorList.addAll(found);
      }

      @Override
      public List<SqlOperator> getOperatorList() {
        return chain.getOperatorList();
      }
    };
  }
}
