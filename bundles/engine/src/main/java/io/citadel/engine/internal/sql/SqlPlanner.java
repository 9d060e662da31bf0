package io.citadel.engine.internal.sql;

import io.citadel.engine.api.SqlLexer;
import io.citadel.engine.internal.storage.Store;
import io.citadel.engine.internal.storage.Table;
import io.citadel.engine.internal.types.SqlException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.config.NullCollation;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.hep.HepMatchOrder;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.metadata.DefaultRelMetadataProvider;
import org.apache.calcite.rel.metadata.ProxyingMetadataHandlerProvider;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlLibrary;
import org.apache.calcite.sql.fun.SqlLibraryOperatorTableFactory;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.sql2rel.RelDecorrelator;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;
import org.apache.calcite.tools.RelBuilder;

/**
 * Parses, validates and optimises one statement with Calcite, against a snapshot of every table
 * taken when the statement starts. Optimisation is rule-based: sub-queries become joins, filters
 * move into joins and scans, unused columns are trimmed so scans read only what the query uses.
 */
public final class SqlPlanner {
  private static final HepProgram SUBQUERIES =
      new HepProgramBuilder()
          .addRuleInstance(CoreRules.FILTER_SUB_QUERY_TO_CORRELATE)
          .addRuleInstance(CoreRules.PROJECT_SUB_QUERY_TO_CORRELATE)
          .addRuleInstance(CoreRules.JOIN_SUB_QUERY_TO_CORRELATE)
          .build();

  private static final HepProgram PUSH_DOWN =
      new HepProgramBuilder()
          .addMatchOrder(HepMatchOrder.BOTTOM_UP)
          // a safety net: rule sets that undo each other must not spin forever
          .addMatchLimit(5_000)
          .addRuleCollection(
              List.of(
                  CoreRules.FILTER_INTO_JOIN,
                  CoreRules.JOIN_CONDITION_PUSH,
                  CoreRules.FILTER_PROJECT_TRANSPOSE,
                  CoreRules.FILTER_AGGREGATE_TRANSPOSE,
                  CoreRules.FILTER_MERGE,
                  CoreRules.PROJECT_MERGE,
                  CoreRules.PROJECT_REMOVE,
                  CoreRules.AGGREGATE_PROJECT_MERGE))
          .build();

  /**
   * Join order: the inner joins of a query become one multi-way join, which is then ordered by
   * estimated cost (row counts from the tables, selectivity from the conditions) — a query that
   * lists its tables as {@code FROM dim1, dim2, fact} must not start with a cross product.
   */
  /**
   * What reads an empty relation is empty: the system catalog's empty tables (pg_policy,
   * pg_inherits, pg_publication ...) are replaced by empty values first, so that the parts of a
   * client's catalog query over them (often the parts using features Citadel does not execute) go
   * with them.
   */
  private static final HepProgram PRUNE_EMPTY =
      new HepProgramBuilder()
          .addMatchOrder(org.apache.calcite.plan.hep.HepMatchOrder.BOTTOM_UP)
          .addRuleCollection(
              List.of(
                  org.apache.calcite.rel.rules.PruneEmptyRules.PROJECT_INSTANCE,
                  org.apache.calcite.rel.rules.PruneEmptyRules.FILTER_INSTANCE,
                  org.apache.calcite.rel.rules.PruneEmptyRules.SORT_INSTANCE,
                  org.apache.calcite.rel.rules.PruneEmptyRules.AGGREGATE_INSTANCE,
                  org.apache.calcite.rel.rules.PruneEmptyRules.JOIN_LEFT_INSTANCE,
                  org.apache.calcite.rel.rules.PruneEmptyRules.JOIN_RIGHT_INSTANCE,
                  org.apache.calcite.rel.rules.PruneEmptyRules.CORRELATE_LEFT_INSTANCE,
                  org.apache.calcite.rel.rules.PruneEmptyRules.CORRELATE_RIGHT_INSTANCE,
                  org.apache.calcite.rel.rules.PruneEmptyRules.UNION_INSTANCE,
                  org.apache.calcite.rel.rules.PruneEmptyRules.INTERSECT_INSTANCE,
                  org.apache.calcite.rel.rules.PruneEmptyRules.MINUS_INSTANCE))
          .build();

  /** Scans of the system catalog's tables that hold no rows, as empty values. */
  private static final class EmptyCatalogTables extends org.apache.calcite.rel.RelShuttleImpl {
    @Override
    public RelNode visit(org.apache.calcite.rel.core.TableScan scan) {
      List<String> name = scan.getTable().getQualifiedName();
      boolean catalog =
          name.size() > 1
              && (name.get(name.size() - 2).equals("pg_catalog")
                  || name.get(name.size() - 2).equals("information_schema"));
      CitadelTable t = scan.getTable().unwrap(CitadelTable.class);
      if (catalog && t != null && t.version().liveRows() == 0) {
        return org.apache.calcite.rel.logical.LogicalValues.createEmpty(
            scan.getCluster(), scan.getRowType());
      }
      return scan;
    }
  }

  /**
   * {@code ARRAY(subquery)} over nothing (the subquery read only empty catalog tables, as psql's
   * {@code \du} does of pg_auth_members) is the empty array: the correlate that would run it per
   * row becomes a projection of '{}'.
   */
  private static final class EmptyArraySubqueries extends org.apache.calcite.rel.RelShuttleImpl {
    @Override
    public RelNode visit(org.apache.calcite.rel.logical.LogicalCorrelate correlate) {
      return rewrite(super.visit(correlate));
    }

    @Override
    public RelNode visit(RelNode other) {
      return rewrite(super.visit(other));
    }

    private static RelNode rewrite(RelNode rel) {
      if (!(rel instanceof org.apache.calcite.rel.core.Correlate c)
          || c.getJoinType() == org.apache.calcite.rel.core.JoinRelType.SEMI
          || c.getJoinType() == org.apache.calcite.rel.core.JoinRelType.ANTI
          || !(c.getRight() instanceof org.apache.calcite.rel.core.Collect collect)
          || !(collect.getInput() instanceof org.apache.calcite.rel.core.Values v)
          || !v.getTuples().isEmpty()) {
        return rel;
      }
      org.apache.calcite.rex.RexBuilder rex = c.getCluster().getRexBuilder();
      List<org.apache.calcite.rex.RexNode> exprs = new java.util.ArrayList<>();
      for (int i = 0; i < c.getLeft().getRowType().getFieldCount(); i++) {
        exprs.add(rex.makeInputRef(c.getLeft(), i));
      }
      for (org.apache.calcite.rel.type.RelDataTypeField f : collect.getRowType().getFieldList()) {
        exprs.add(rex.makeAbstractCast(f.getType(), rex.makeLiteral("{}")));
      }
      return org.apache.calcite.rel.logical.LogicalProject.create(
          c.getLeft(), List.of(), exprs, c.getRowType().getFieldNames(), java.util.Set.of());
    }
  }

  /** Window functions out of projections into window operators. */
  private static final HepProgram WINDOWS =
      new HepProgramBuilder()
          .addRuleInstance(CoreRules.PROJECT_TO_LOGICAL_PROJECT_AND_WINDOW)
          .addRuleInstance(CoreRules.PROJECT_REMOVE)
          .build();

  private static final HepProgram JOIN_ORDER =
      new HepProgramBuilder()
          .addMatchOrder(HepMatchOrder.BOTTOM_UP)
          .addRuleCollection(
              List.of(
                  CoreRules.JOIN_TO_MULTI_JOIN,
                  CoreRules.PROJECT_MULTI_JOIN_MERGE,
                  CoreRules.FILTER_MULTI_JOIN_MERGE))
          .addRuleInstance(CoreRules.MULTI_JOIN_OPTIMIZE)
          .build();

  /**
   * Character values are UTF-8 (PostgreSQL's server encoding here); Calcite's default, ISO-8859-1,
   * refuses a literal such as 'ü€' with an internal error.
   */
  private final RelDataTypeFactory typeFactory =
      new JavaTypeFactoryImpl(CitadelTypeSystem.INSTANCE) {
        @Override
        public java.nio.charset.Charset getDefaultCharset() {
          return java.nio.charset.StandardCharsets.UTF_8;
        }
      };

  private final Map<String, CitadelTable> tables = new HashMap<>();
  private final CalciteCatalogReader catalog;
  private final SqlValidator validator;
  private final RelOptCluster cluster;

  private final Map<String, String> views;
  private final SystemCatalog system;

  /** A view's columns, from planning its query; none if it cannot be planned now. */
  private static List<SystemCatalog.ViewColumn> viewColumns(
      Store store, io.citadel.engine.internal.auth.UserStore users, String view) {
    String stored = store.meta(Views.PREFIX + view);
    if (stored == null || stored.isEmpty()) {
      return List.of();
    }
    Views.Definition d = Views.Definition.decode(stored);
    try {
      SqlPlanner planner = new SqlPlanner(store, users);
      RelRoot root = planner.plan(parse(d.query()), d.query());
      List<String> names = d.columns().isEmpty() ? planner.columnNames(root) : d.columns();
      List<SystemCatalog.ViewColumn> out = new java.util.ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        out.add(
            new SystemCatalog.ViewColumn(
                names.get(i),
                io.citadel.engine.internal.exec.Types.of(
                    root.validatedRowType.getFieldList().get(i).getType())));
      }
      return out;
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  private String user = io.citadel.engine.internal.auth.UserStore.ADMIN;

  /** Plans for statements of this user (CURRENT_USER answers it). */
  SqlPlanner as(String user) {
    this.user = user;
    return this;
  }

  String user() {
    return user;
  }

  private java.time.ZoneId zone = java.time.ZoneOffset.UTC;

  /**
   * Plans for a session in this time zone (see {@link io.citadel.engine.internal.types.TimeZones}).
   */
  SqlPlanner inZone(java.time.ZoneId zone) {
    this.zone = zone;
    return this;
  }

  java.time.ZoneId zone() {
    return zone;
  }

  /** The catalog's index and constraint definitions by oid (see {@link SystemCatalog}). */
  Map<Long, String> catalogDefinitions() {
    return system.definitions();
  }

  /** Every relation's oid by {@code schema.name} (see {@link SystemCatalog}). */
  Map<String, Long> catalogRelations() {
    return system.relations();
  }

  public SqlPlanner(Store store) {
    this(store, null);
  }

  /**
   * A planner over the store's tables (schema {@code public}, the default) and the system catalog
   * ({@code pg_catalog}, whose names also resolve unqualified as PostgreSQL's search path has it,
   * and {@code information_schema}), built only if a statement reads it.
   */
  public SqlPlanner(Store store, io.citadel.engine.internal.auth.UserStore users) {
    views = Views.all(store);
    for (Table t : store.tables()) {
      tables.put(t.def().name(), new CitadelTable(t.version()));
    }
    SystemCatalog system =
        new SystemCatalog(store, users, views, view -> viewColumns(store, users, view));
    this.system = system;
    CalciteSchema root = CalciteSchema.createRootSchema(false, false);
    Map<String, org.apache.calcite.schema.Table> map = new HashMap<>(tables);
    Map<String, org.apache.calcite.schema.Table> pgCatalog =
        lazy(system.pgCatalogNames(), system::pgCatalog);
    Map<String, org.apache.calcite.schema.Table> informationSchema =
        lazy(system.informationSchemaNames(), system::informationSchema);
    Map<String, org.apache.calcite.schema.Table> withCatalog =
        new java.util.AbstractMap<>() {
          @Override
          public org.apache.calcite.schema.Table get(Object key) {
            org.apache.calcite.schema.Table t = map.get(key);
            return t != null ? t : pgCatalog.get(key);
          }

          @Override
          public boolean containsKey(Object key) {
            return map.containsKey(key) || pgCatalog.containsKey(key);
          }

          @Override
          public java.util.Set<Map.Entry<String, org.apache.calcite.schema.Table>> entrySet() {
            return map.entrySet();
          }
        };
    root.add("citadel", schema(withCatalog));
    root.add("public", schema(map));
    root.add("pg_catalog", schema(pgCatalog));
    root.add("information_schema", schema(informationSchema));
    TYPE_ALIASES.forEach((n, type) -> root.plus().add(n, type));
    Properties props = new Properties();
    props.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "true");
    CalciteConnectionConfig config = new CalciteConnectionConfigImpl(props);
    catalog = new CalciteCatalogReader(root, List.of("citadel"), typeFactory, config);
    validator =
        SqlValidatorUtil.newValidator(
            PgFunctions.table(
                SqlStdOperatorTable.instance(),
                SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(SqlLibrary.POSTGRESQL)),
            catalog,
            typeFactory,
            SqlValidator.Config.DEFAULT
                .withConformance(SqlConformanceEnum.LENIENT)
                .withDefaultNullCollation(NullCollation.HIGH)
                .withIdentifierExpansion(true)
                .withTypeCoercionFactory(PgTypeCoercion::new));
    HepPlanner hep = new HepPlanner(HepProgram.builder().build());
    cluster = RelOptCluster.create(hep, new PgRexBuilder(typeFactory));
    cluster.setMetadataQuerySupplier(
        () ->
            new RelMetadataQuery(
                new ProxyingMetadataHandlerProvider(DefaultRelMetadataProvider.INSTANCE)));
  }

  /** The names of every function and operator the validator knows, for tests that try them all. */
  public static java.util.SortedSet<String> functionNames() {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    for (org.apache.calcite.sql.SqlOperator op :
        PgFunctions.table(
                SqlStdOperatorTable.instance(),
                SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(SqlLibrary.POSTGRESQL))
            .getOperatorList()) {
      if (op instanceof org.apache.calcite.sql.SqlFunction
          && op.getName().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        out.add(op.getName().toLowerCase(java.util.Locale.ROOT));
      }
    }
    return out;
  }

  /** A name-to-table map whose tables are built from the catalog the first time one is read. */
  private static Map<String, org.apache.calcite.schema.Table> lazy(
      java.util.Set<String> names,
      java.util.function.Function<String, io.citadel.engine.internal.storage.TableVersion> make) {
    Map<String, org.apache.calcite.schema.Table> built = new HashMap<>();
    return new java.util.AbstractMap<>() {
      @Override
      public org.apache.calcite.schema.Table get(Object key) {
        if (!(key instanceof String name) || !names.contains(name)) {
          return null;
        }
        return built.computeIfAbsent(name, n -> new CitadelTable(make.apply(n)));
      }

      @Override
      public boolean containsKey(Object key) {
        return key instanceof String && names.contains(key);
      }

      @Override
      public java.util.Set<Map.Entry<String, org.apache.calcite.schema.Table>> entrySet() {
        java.util.Set<Map.Entry<String, org.apache.calcite.schema.Table>> out =
            new java.util.LinkedHashSet<>();
        for (String n : names) {
          out.add(Map.entry(n, get(n)));
        }
        return out;
      }
    };
  }

  /**
   * Calcite's conversion to relational expressions, but for a cast of an array to text: the
   * executor carries arrays in their text form already, so it is that text ({@code PG_ARRAY_TEXT}),
   * where Calcite would try to cast each element.
   */
  private static final org.apache.calcite.sql2rel.SqlRexConvertletTable CONVERTLETS =
      call -> {
        if (call.getOperator() instanceof DateArith arith) {
          return (cx, c) -> {
            org.apache.calcite.rel.type.RelDataType left =
                cx.getValidator().getValidatedNodeType(c.operand(0));
            org.apache.calcite.rel.type.RelDataType right =
                cx.getValidator().getValidatedNodeType(c.operand(1));
            String f = arith.function(left, right);
            List<org.apache.calcite.rex.RexNode> operands =
                List.of(cx.convertExpression(c.operand(0)), cx.convertExpression(c.operand(1)));
            if ((f.equals("PG_DATE_PLUS") || f.equals("PG_DATE_PLUS_INTERVAL"))
                && left.getSqlTypeName() != org.apache.calcite.sql.type.SqlTypeName.DATE) {
              operands = List.of(operands.get(1), operands.get(0)); // integer + date
            }
            return cx.getRexBuilder()
                .makeCall(
                    cx.getValidator().getValidatedNodeType(c), PgFunctions.named(f), operands);
          };
        }
        if (call.getOperator() == SqlStdOperatorTable.CAST) {
          org.apache.calcite.sql2rel.SqlRexConvertlet standard =
              StandardConvertletTable.INSTANCE.get(call);
          return (cx, c) -> {
            org.apache.calcite.rel.type.RelDataType from = sourceType(cx, c);
            org.apache.calcite.rel.type.RelDataType to = targetType(cx, c);
            if (from != null
                && to != null
                && (org.apache.calcite.sql.type.SqlTypeUtil.isCharacter(from)
                        && isInputCast(to.getSqlTypeName())
                    || isNumeric(to))) {
              // PostgreSQL's input rules, not Calcite's (which folds a constant by its own, and
              // would give '3.50'::numeric the unbounded numeric's nominal scale)
              return cx.getRexBuilder()
                  .makeCall(
                      to,
                      PgFunctions.named("PG_INPUT"),
                      List.of(cx.convertExpression(c.operand(0))));
            }
            if (from != null
                && to != null
                && org.apache.calcite.sql.type.SqlTypeUtil.isInterval(from)
                && org.apache.calcite.sql.type.SqlTypeUtil.isInterval(to)) {
              // one interval as another (an INSERT of INTERVAL '3 hours' into an interval
              // column): Calcite's own conversion rebuilds the type from its name and fails
              return cx.getRexBuilder().makeCast(to, cx.convertExpression(c.operand(0)));
            }
            return standard.convertCall(cx, c);
          };
        }
        if (call.getOperator() != TextCast.INSTANCE) {
          return StandardConvertletTable.INSTANCE.get(call);
        }
        org.apache.calcite.sql2rel.SqlRexConvertlet standard =
            StandardConvertletTable.INSTANCE.get(call);
        return (cx, c) -> {
          org.apache.calcite.rel.type.RelDataType from = sourceType(cx, c);
          org.apache.calcite.rel.type.RelDataType to = targetType(cx, c);
          if (ownCast(from)
              && to != null
              && org.apache.calcite.sql.type.SqlTypeUtil.isCharacter(to)) {
            boolean array = from.getSqlTypeName() == org.apache.calcite.sql.type.SqlTypeName.ARRAY;
            return cx.getRexBuilder()
                .makeCall(
                    to,
                    PgFunctions.named(array ? "PG_ARRAY_TEXT" : "PG_BOOL_TEXT"),
                    List.of(cx.convertExpression(c.operand(0))));
          }
          return standard.convertCall(cx, c);
        };
      };

  /** A cast's source type, once validated; null when unknown. */
  private static org.apache.calcite.rel.type.RelDataType sourceType(
      org.apache.calcite.sql2rel.SqlRexContext cx, org.apache.calcite.sql.SqlCall cast) {
    return cx.getValidator().getValidatedNodeTypeIfKnown(cast.operand(0));
  }

  /** A cast's target type, once validated; null when unknown. */
  private static org.apache.calcite.rel.type.RelDataType targetType(
      org.apache.calcite.sql2rel.SqlRexContext cx, org.apache.calcite.sql.SqlCall cast) {
    return cx.getValidator().getValidatedNodeTypeIfKnown(cast);
  }

  /** A decimal type wider than a scaled long: a numeric (see CitadelTypeSystem). */
  private static boolean isNumeric(org.apache.calcite.rel.type.RelDataType t) {
    return t.getSqlTypeName() == org.apache.calcite.sql.type.SqlTypeName.DECIMAL
        && t.getPrecision() > io.citadel.engine.internal.types.ColumnType.MAX_DECIMAL_PRECISION;
  }

  /** Whether a cast from text to {@code t} reads by PostgreSQL's input rules (see PG_INPUT). */
  private static boolean isInputCast(org.apache.calcite.sql.type.SqlTypeName t) {
    return switch (t) {
      case UUID, BINARY, VARBINARY, TIME, TIMESTAMP_WITH_LOCAL_TIME_ZONE, ARRAY -> true;
      default -> false;
    };
  }

  /**
   * CAST to a character type that also takes an array (PostgreSQL prints it): Calcite's own cast
   * derives an array source's type element by element. Put in place of every such cast before
   * validation; once types are known, {@link #castsBack} restores Calcite's cast wherever the
   * source is not an array, and {@link #CONVERTLETS} turns the rest into PG_ARRAY_TEXT.
   */
  private static final class TextCast extends org.apache.calcite.sql.fun.SqlCastFunction {
    static final TextCast INSTANCE = new TextCast();

    /**
     * An array source: the target type. Any other: Calcite's cast, which also puts Calcite's
     * operator back in the call.
     */
    @Override
    public org.apache.calcite.rel.type.RelDataType deriveType(
        org.apache.calcite.sql.validate.SqlValidator validator,
        org.apache.calcite.sql.validate.SqlValidatorScope scope,
        org.apache.calcite.sql.SqlCall call) {
      org.apache.calcite.rel.type.RelDataType from = validator.deriveType(scope, call.operand(0));
      if (ownCast(from) && call.operand(1) instanceof org.apache.calcite.sql.SqlDataTypeSpec spec) {
        return validator
            .getTypeFactory()
            .createTypeWithNullability(spec.deriveType(validator), from.isNullable());
      }
      return super.deriveType(validator, scope, call);
    }
  }

  /**
   * {@code +} and {@code -} that also take PostgreSQL's date arithmetic: date + integer and date -
   * integer (a date), date - date (days, an integer). Put in place of Calcite's before validation;
   * for any other operands validating restores Calcite's operator, and {@link #CONVERTLETS} turns
   * the date cases into PG_DATE_PLUS, PG_DATE_MINUS and PG_DATE_DIFF.
   */
  private static final class DateArith extends org.apache.calcite.sql.SqlBinaryOperator {
    static final DateArith PLUS = new DateArith(SqlStdOperatorTable.PLUS);
    static final DateArith MINUS = new DateArith(SqlStdOperatorTable.MINUS);

    private DateArith(org.apache.calcite.sql.SqlBinaryOperator standard) {
      super(
          standard.getName(),
          standard.getKind(),
          standard.getLeftPrec(),
          true,
          standard.getReturnTypeInference(),
          standard.getOperandTypeInference(),
          standard.getOperandTypeChecker());
    }

    /** The PG_DATE_* function for these operand types, or null for Calcite's arithmetic. */
    String function(
        org.apache.calcite.rel.type.RelDataType left,
        org.apache.calcite.rel.type.RelDataType right) {
      boolean leftDate = left.getSqlTypeName() == org.apache.calcite.sql.type.SqlTypeName.DATE;
      boolean rightDate = right.getSqlTypeName() == org.apache.calcite.sql.type.SqlTypeName.DATE;
      boolean leftInt = org.apache.calcite.sql.type.SqlTypeUtil.isIntType(left);
      boolean rightInt = org.apache.calcite.sql.type.SqlTypeUtil.isIntType(right);
      if (this == PLUS && ((leftDate && rightInt) || (leftInt && rightDate))) {
        return "PG_DATE_PLUS";
      }
      if (this == MINUS && leftDate && rightInt) {
        return "PG_DATE_MINUS";
      }
      if (this == MINUS && isTimestamp(left) && isTimestamp(right)) {
        return "PG_TIMESTAMP_DIFF";
      }
      boolean rightInterval = SqlTypeName.INTERVAL_TYPES.contains(right.getSqlTypeName());
      if (leftDate && rightInterval) {
        return this == PLUS ? "PG_DATE_PLUS_INTERVAL" : "PG_DATE_MINUS_INTERVAL";
      }
      boolean leftInterval = SqlTypeName.INTERVAL_TYPES.contains(left.getSqlTypeName());
      if (this == PLUS && leftInterval && rightDate) {
        return "PG_DATE_PLUS_INTERVAL";
      }
      return this == MINUS && leftDate && rightDate ? "PG_DATE_DIFF" : null;
    }

    private static boolean isTimestamp(org.apache.calcite.rel.type.RelDataType t) {
      return t.getSqlTypeName() == SqlTypeName.TIMESTAMP
          || t.getSqlTypeName() == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE;
    }

    @Override
    public org.apache.calcite.rel.type.RelDataType deriveType(
        org.apache.calcite.sql.validate.SqlValidator validator,
        org.apache.calcite.sql.validate.SqlValidatorScope scope,
        org.apache.calcite.sql.SqlCall call) {
      org.apache.calcite.rel.type.RelDataType left = validator.deriveType(scope, call.operand(0));
      org.apache.calcite.rel.type.RelDataType right = validator.deriveType(scope, call.operand(1));
      String f = function(left, right);
      if (f == null) {
        return super.deriveType(validator, scope, call);
      }
      org.apache.calcite.rel.type.RelDataTypeFactory types = validator.getTypeFactory();
      org.apache.calcite.rel.type.RelDataType type =
          switch (f) {
            case "PG_DATE_DIFF" -> types.createSqlType(SqlTypeName.INTEGER);
            // timestamp - timestamp: an interval in days and a time, as PostgreSQL shows it
            case "PG_TIMESTAMP_DIFF" ->
                types.createSqlIntervalType(
                    new org.apache.calcite.sql.SqlIntervalQualifier(
                        org.apache.calcite.avatica.util.TimeUnit.DAY,
                        9,
                        org.apache.calcite.avatica.util.TimeUnit.SECOND,
                        3,
                        org.apache.calcite.sql.parser.SqlParserPos.ZERO));
            // date + interval is a timestamp in PostgreSQL
            case "PG_DATE_PLUS_INTERVAL", "PG_DATE_MINUS_INTERVAL" ->
                types.createSqlType(SqlTypeName.TIMESTAMP, 3);
            default -> types.createSqlType(SqlTypeName.DATE);
          };
      return types.createTypeWithNullability(type, left.isNullable() || right.isNullable());
    }
  }

  /**
   * The sources a cast to text is the engine's own for: an array (its text form) and a boolean
   * ({@code true}/{@code false} as PostgreSQL writes them, where Calcite writes TRUE/FALSE).
   */
  private static boolean ownCast(org.apache.calcite.rel.type.RelDataType from) {
    return from != null
        && (from.getSqlTypeName() == org.apache.calcite.sql.type.SqlTypeName.ARRAY
            || from.getSqlTypeName() == org.apache.calcite.sql.type.SqlTypeName.BOOLEAN);
  }

  /** Calcite's cast again wherever a {@link TextCast}'s source turned out not to be its own. */
  private void castsBack(SqlNode valid) {
    valid.accept(
        new org.apache.calcite.sql.util.SqlBasicVisitor<Void>() {
          @Override
          public Void visit(org.apache.calcite.sql.SqlCall call) {
            if (call.getOperator() == TextCast.INSTANCE
                && call instanceof org.apache.calcite.sql.SqlBasicCall b) {
              if (!ownCast(validator.getValidatedNodeTypeIfKnown(call.operand(0)))) {
                b.setOperator(SqlStdOperatorTable.CAST);
              }
            }
            return super.visit(call);
          }
        });
  }

  /** PostgreSQL's type names that Calcite's grammar lacks, for CAST(x AS text) and the like. */
  private static final Map<String, org.apache.calcite.rel.type.RelProtoDataType> TYPE_ALIASES =
      Map.ofEntries(
          Map.entry("text", f -> f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.VARCHAR)),
          Map.entry("int2", f -> f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.SMALLINT)),
          Map.entry("int4", f -> f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.INTEGER)),
          Map.entry("int8", f -> f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.BIGINT)),
          Map.entry("float4", f -> f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.REAL)),
          Map.entry("float8", f -> f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.DOUBLE)),
          Map.entry("bool", f -> f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.BOOLEAN)),
          Map.entry("name", f -> f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.VARCHAR)),
          Map.entry("oid", f -> f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.INTEGER)),
          Map.entry(
              "regclass", f -> f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.INTEGER)),
          Map.entry(
              "regproc", f -> f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.VARCHAR)),
          Map.entry(
              "bytea", f -> f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.VARBINARY)),
          Map.entry(
              "timestamptz",
              f ->
                  f.createSqlType(
                      org.apache.calcite.sql.type.SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, 3)),
          Map.entry("json", f -> f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.VARCHAR)),
          Map.entry(
              "jsonb", f -> f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.VARCHAR)));

  private static AbstractSchema schema(Map<String, org.apache.calcite.schema.Table> tables) {
    return new AbstractSchema() {
      @Override
      protected Map<String, org.apache.calcite.schema.Table> getTableMap() {
        return tables;
      }

      @Override
      protected Map<String, org.apache.calcite.rel.type.RelProtoDataType> getTypeMap() {
        return TYPE_ALIASES;
      }
    };
  }

  public static SqlParser.Config parserConfig() {
    return SqlParser.config()
        .withParserFactory(org.apache.calcite.sql.parser.babel.SqlBabelParserImpl.FACTORY)
        .withQuoting(Quoting.DOUBLE_QUOTE)
        .withUnquotedCasing(Casing.TO_LOWER)
        .withQuotedCasing(Casing.UNCHANGED)
        .withCaseSensitive(true)
        .withConformance(SqlConformanceEnum.LENIENT);
  }

  public RexBuilder rexBuilder() {
    return cluster.getRexBuilder();
  }

  public CitadelTable table(String name) {
    return tables.get(name);
  }

  /** Parses one statement. */
  public static SqlNode parse(String sql) {
    try {
      // Calcite ends a block comment at the first "*/"; PostgreSQL's nest
      String text = sql.contains("/*") ? SqlLexer.blankComments(sql) : sql;
      return SqlParser.create(PgCasts.labels(text), parserConfig()).parseStmt();
    } catch (SqlParseException e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof StackOverflowError) {
          throw new SqlException(
              "54001", "stack depth limit exceeded: the statement is nested too deeply", 0, e);
        }
      }
      int pos = 0;
      if (e.getPos() != null) {
        pos = offset(sql, e.getPos().getLineNum(), e.getPos().getColumnNum());
      }
      String msg = e.getMessage();
      int nl = msg == null ? -1 : msg.indexOf('\n');
      String first = nl > 0 ? msg.substring(0, nl) : msg;
      throw new SqlException(SqlException.SYNTAX_ERROR, "syntax error: " + first, pos, e);
    }
  }

  /** 1-based character offset of a 1-based line and column. */
  static int offset(String sql, int line, int column) {
    if (line <= 0) {
      return 0;
    }
    int at = 0;
    for (int l = 1; l < line; l++) {
      int nl = sql.indexOf('\n', at);
      if (nl < 0) {
        break;
      }
      at = nl + 1;
    }
    return at + column;
  }

  /**
   * Expressions over a table's columns, validated and converted but not optimised: input {@code i}
   * of each is the table's column {@code i}. For CHECK constraints, judged on rows being written.
   */
  public List<org.apache.calcite.rex.RexNode> expressionsOver(String table, List<String> exprs) {
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < exprs.size(); i++) {
      list.append(i == 0 ? "" : ", ").append('(').append(exprs.get(i)).append(')');
    }
    return projectOver(table, list.toString()).getValue();
  }

  /**
   * A select list over a table's columns (input {@code i} is column {@code i}), validated and
   * converted but not optimised, with the names PostgreSQL gives its columns: what a RETURNING
   * clause or a CHECK constraint computes from a row being written.
   */
  public Map.Entry<List<String>, List<org.apache.calcite.rex.RexNode>> projectOver(
      String table, String selectList) {
    String list = PgCasts.present(selectList) ? PgCasts.rewrite(selectList) : selectList;
    String text = "SELECT " + list + " FROM \"" + table.replace("\"", "\"\"") + "\"";
    SqlNode parsed = parse(text);
    pgNames = PgColumnNames.of(parsed);
    SqlNode valid;
    try {
      valid = validator.validate(parsed);
    } catch (CalciteContextException e) {
      throw validationError(e, text);
    }
    SqlToRelConverter converter =
        new SqlToRelConverter(
            null,
            validator,
            catalog,
            cluster,
            CONVERTLETS,
            SqlToRelConverter.config().withExpand(false).withTrimUnusedFields(false));
    RelRoot root = converter.convertQuery(valid, false, true);
    List<org.apache.calcite.rex.RexNode> exprs = new java.util.ArrayList<>();
    if (root.rel instanceof org.apache.calcite.rel.core.Project p) {
      exprs.addAll(p.getProjects());
    } else {
      for (int i = 0; i < root.rel.getRowType().getFieldCount(); i++) {
        exprs.add(cluster.getRexBuilder().makeInputRef(root.rel, i));
      }
    }
    List<org.apache.calcite.rex.RexNode> out = new java.util.ArrayList<>();
    for (Map.Entry<Integer, String> f : root.fields) {
      out.add(exprs.get(f.getKey()));
    }
    return Map.entry(columnNames(root), out);
  }

  /** Validates and converts to an optimised relational plan. */
  public RelRoot plan(SqlNode parsed, String sql) {
    parsed = SetReturningCalls.rewrite(parsed);
    pgNames = PgColumnNames.of(parsed);
    parsed = Views.expand(parsed, views);
    parsed = PgColumnNames.nameNested(parsed);
    parsed = parsed.accept(new AnyArray());
    SqlNode valid;
    try {
      valid = validator.validate(parsed);
      castsBack(valid);
    } catch (CalciteContextException e) {
      throw validationError(e, sql);
    } catch (RuntimeException e) {
      if (e instanceof SqlException s) {
        throw s;
      }
      throw new SqlException(SqlException.SYNTAX_ERROR, String.valueOf(e.getMessage()), 0, e);
    }
    SqlToRelConverter converter =
        new SqlToRelConverter(
            null,
            validator,
            catalog,
            cluster,
            CONVERTLETS,
            SqlToRelConverter.config().withExpand(false).withTrimUnusedFields(true));
    RelRoot root = converter.convertQuery(valid, false, true);
    RelNode rel = DocumentTypes.compareByValue(root.rel);
    rel = run(SUBQUERIES, rel);
    rel = rel.accept(new OneRowLateral());
    RelBuilder builder = RelFactories.LOGICAL_BUILDER.create(cluster, catalog);
    rel = RelDecorrelator.decorrelateQuery(rel, builder);
    rel = converter.trimUnusedFields(true, rel);
    rel = run(PRUNE_EMPTY, rel.accept(new EmptyCatalogTables()));
    rel = run(PUSH_DOWN, rel);
    rel = run(JOIN_ORDER, rel);
    rel = run(PUSH_DOWN, rel);
    rel = run(WINDOWS, rel);
    // last: no rule after it may fold its casts, which Calcite cannot evaluate itself
    rel = rel.accept(new EmptyArraySubqueries());
    return root.withRel(rel);
  }

  /**
   * The result columns' names as PostgreSQL gives them (see {@link PgColumnNames}) for the
   * statement last planned; where a {@code *} stands, the validator's names for the columns it
   * expands to.
   */
  public List<String> columnNames(RelRoot root) {
    List<String> calcite = new java.util.ArrayList<>();
    for (Map.Entry<Integer, String> f : root.fields) {
      calcite.add(f.getValue());
    }
    List<String> pg = pgNames;
    if (pg == null) {
      return calcite;
    }
    int stars = 0;
    for (String n : pg) {
      if (n == null) {
        stars++;
      }
    }
    if (stars == 0 && pg.size() == calcite.size()) {
      return pg;
    }
    if (stars != 1) {
      return calcite; // several stars: which columns each gives is not known here
    }
    int starWidth = calcite.size() - (pg.size() - 1);
    List<String> out = new java.util.ArrayList<>();
    int at = 0;
    for (String n : pg) {
      if (n == null) {
        out.addAll(calcite.subList(at, at + starWidth));
        at += starWidth;
      } else {
        out.add(n);
        at++;
      }
    }
    return out;
  }

  private List<String> pgNames;

  /**
   * {@code x = ANY (ARRAY[a, b])} and {@code x <> ALL (ARRAY[a, b])}, as psycopg2 sends a Python
   * list and catalog queries filter by kinds, read as {@code x IN (a, b)} and {@code x NOT IN (a,
   * b)}: the executor has no array values, and these need none.
   */
  private static final class AnyArray extends org.apache.calcite.sql.util.SqlShuttle {
    /**
     * An escape string ({@code E'a\nb'}, which psql sends) comes from the grammar in another
     * character set than the other strings, and would not compare or concatenate with them: it is
     * made a plain string of the same characters.
     */
    @Override
    public SqlNode visit(org.apache.calcite.sql.SqlLiteral literal) {
      if (literal instanceof org.apache.calcite.sql.SqlCharStringLiteral c
          && c.getNlsString().getCharsetName() != null) {
        return org.apache.calcite.sql.SqlLiteral.createCharString(
            c.getNlsString().getValue(), c.getParserPosition());
      }
      return literal;
    }

    @Override
    public SqlNode visit(org.apache.calcite.sql.SqlCall call) {
      SqlNode visited = super.visit(call);
      if (visited instanceof org.apache.calcite.sql.SqlBasicCall infix
          && infix.getKind() == org.apache.calcite.sql.SqlKind.CAST
          && !(infix.getOperator() instanceof org.apache.calcite.sql.fun.SqlCastFunction)
          && infix.operandCount() == 2) {
        // x::type that PgCasts left to the grammar (ARRAY[1, 2]::text): the same CAST as the
        // rewritten ones, so that the rules below see it
        visited =
            SqlStdOperatorTable.CAST.createCall(
                infix.getParserPosition(), infix.operand(0), infix.operand(1));
      }
      if (visited instanceof org.apache.calcite.sql.SqlBasicCall extract
          && extract.getOperator() == SqlStdOperatorTable.EXTRACT) {
        extract.setOperator(PgExtract.INSTANCE); // see PgExtract: epoch and second are numerics
        return extract;
      }
      if (visited instanceof org.apache.calcite.sql.SqlCall cast
          && cast.getKind() == org.apache.calcite.sql.SqlKind.CAST
          && cast.operand(1) instanceof org.apache.calcite.sql.SqlDataTypeSpec spec
          && List.of("REGCLASS", "REGPROC", "JSON", "JSONB")
              .contains(spec.getTypeName().getSimple().toUpperCase(java.util.Locale.ROOT))) {
        // CAST(x AS regclass), x::regclass: a relation's oid from its name (or the oid itself);
        // x::regproc: a function's name; x::json, x::jsonb: the document, checked
        SqlNode operand = cast.operand(0);
        String type = spec.getTypeName().getSimple().toUpperCase(java.util.Locale.ROOT);
        if (type.startsWith("JSON")) {
          type = "PG_" + type;
        }
        return PgFunctions.named(type).createCall(cast.getParserPosition(), operand);
      }
      if (visited instanceof org.apache.calcite.sql.SqlBasicCall arith
          && (arith.getOperator() == SqlStdOperatorTable.PLUS
              || arith.getOperator() == SqlStdOperatorTable.MINUS)) {
        // see DateArith: the operands may be dates and integers
        arith.setOperator(
            arith.getOperator() == SqlStdOperatorTable.PLUS ? DateArith.PLUS : DateArith.MINUS);
        return arith;
      }
      if (visited instanceof org.apache.calcite.sql.SqlBasicCall cast
          && cast.getOperator() instanceof org.apache.calcite.sql.fun.SqlCastFunction
          && !(cast.getOperator() instanceof TextCast)
          && cast.operand(1) instanceof org.apache.calcite.sql.SqlDataTypeSpec spec
          && !(spec.getTypeNameSpec() instanceof org.apache.calcite.sql.SqlCollectionTypeNameSpec)
          && List.of("VARCHAR", "CHAR", "TEXT", "NAME")
              .contains(spec.getTypeName().getSimple().toUpperCase(java.util.Locale.ROOT))) {
        cast.setOperator(TextCast.INSTANCE); // see TextCast: the source may be an array
        return cast;
      }
      if (visited instanceof org.apache.calcite.sql.SqlCall cast
          && cast.getKind() == org.apache.calcite.sql.SqlKind.CAST
          && cast.operand(1) instanceof org.apache.calcite.sql.SqlDataTypeSpec spec
          && spec.getTypeNameSpec()
              instanceof org.apache.calcite.sql.SqlCollectionTypeNameSpec array
          && array.getTypeName().getSimple().equalsIgnoreCase("ARRAY")) {
        // '{1,2}'::int[]: the text form read as an array of the element type
        SqlNode operand = cast.operand(0);
        SqlNode element =
            org.apache.calcite.sql.SqlLiteral.createCharString(
                array.getElementTypeName().getTypeName().getSimple(), cast.getParserPosition());
        return PgFunctions.named("PG_ARRAY_IN")
            .createCall(cast.getParserPosition(), operand, element);
      }
      if (visited instanceof org.apache.calcite.sql.SqlBasicCall b
          && b.getOperator().getName().equalsIgnoreCase("DATE_PART")
          && !PgFunctions.ALL.contains(b.getOperator())) {
        // the grammar binds date_part to Calcite's (an integer EXTRACT): PostgreSQL's is double
        b.setOperator(PgFunctions.named("DATE_PART"));
        return b;
      }
      if (!(visited instanceof org.apache.calcite.sql.SqlCall c)
          || !(c.getOperator() instanceof org.apache.calcite.sql.fun.SqlQuantifyOperator q)
          || c.operandCount() != 2) {
        return visited;
      }
      SqlNode right = c.operand(1);
      if (right instanceof org.apache.calcite.sql.SqlNodeList l && l.size() == 1) {
        right = l.get(0); // ANY (ARRAY[...]) parses as a one-element list
      }
      if (right.getKind() != org.apache.calcite.sql.SqlKind.ARRAY_VALUE_CONSTRUCTOR) {
        if (c.operand(0) instanceof org.apache.calcite.sql.SqlCharStringLiteral text) {
          // 'a' = ANY (tags): the constant as text, which compares with an array of text
          c.setOperand(
              0,
              SqlStdOperatorTable.CAST.createCall(
                  text.getParserPosition(),
                  text,
                  new org.apache.calcite.sql.SqlDataTypeSpec(
                      new org.apache.calcite.sql.SqlBasicTypeNameSpec(
                          SqlTypeName.VARCHAR, text.getParserPosition()),
                      text.getParserPosition())));
        }
        return visited;
      }
      org.apache.calcite.sql.SqlCall array = (org.apache.calcite.sql.SqlCall) right;
      org.apache.calcite.sql.SqlNodeList list =
          new org.apache.calcite.sql.SqlNodeList(array.getOperandList(), array.getParserPosition());
      boolean some = q.getKind() == org.apache.calcite.sql.SqlKind.SOME;
      org.apache.calcite.sql.SqlKind cmp = q.comparisonKind;
      if (some && cmp == org.apache.calcite.sql.SqlKind.EQUALS) {
        return SqlStdOperatorTable.IN.createCall(c.getParserPosition(), c.operand(0), list);
      }
      if (!some && cmp == org.apache.calcite.sql.SqlKind.NOT_EQUALS) {
        return SqlStdOperatorTable.NOT_IN.createCall(c.getParserPosition(), c.operand(0), list);
      }
      return visited;
    }
  }

  /**
   * Folds casts of exact numeric literals as PostgreSQL rounds them, half away from zero ({@code
   * 3.7::int} is 4, {@code 12345.678::numeric(6,1)} is 12345.7); Calcite's own folding truncates. A
   * value the target cannot hold is left to the executor, which reports it.
   */
  private static final class PgRexBuilder extends RexBuilder {
    PgRexBuilder(RelDataTypeFactory typeFactory) {
      super(typeFactory);
    }

    @Override
    public org.apache.calcite.rex.RexNode makeCast(
        org.apache.calcite.sql.parser.SqlParserPos pos,
        org.apache.calcite.rel.type.RelDataType type,
        org.apache.calcite.rex.RexNode exp,
        boolean matchNullability,
        boolean safe,
        org.apache.calcite.rex.RexLiteral format) {
      if (exp instanceof org.apache.calcite.rex.RexLiteral lit
          && lit.getValue() instanceof java.math.BigDecimal v
          && org.apache.calcite.sql.type.SqlTypeUtil.isExactNumeric(lit.getType())
          && org.apache.calcite.sql.type.SqlTypeUtil.isExactNumeric(type)) {
        int scale = org.apache.calcite.sql.type.SqlTypeUtil.isDecimal(type) ? type.getScale() : 0;
        if (v.scale() > scale) {
          java.math.BigDecimal r = v.setScale(scale, java.math.RoundingMode.HALF_UP);
          boolean fits =
              org.apache.calcite.sql.type.SqlTypeUtil.isDecimal(type)
                  ? r.precision() - r.scale() <= type.getPrecision() - type.getScale()
                  : r.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
                      && r.compareTo(java.math.BigDecimal.valueOf(Long.MIN_VALUE)) >= 0;
          if (!fits) {
            return makeAbstractCast(pos, type, exp, safe, format);
          }
          org.apache.calcite.rex.RexNode folded = makeExactLiteral(r, type);
          return super.makeCast(pos, type, folded, matchNullability, safe, format);
        }
      }
      return super.makeCast(pos, type, exp, matchNullability, safe, format);
    }
  }

  /**
   * {@code CROSS JOIN LATERAL (SELECT sum(x) ... WHERE correlated)}: a sub-query that aggregates
   * with no GROUP BY gives exactly one row for every outer row, NULL where nothing matches, so the
   * inner correlation is a left one. Said so before decorrelation, whose join for the inner form
   * dropped the outer rows that matched nothing.
   */
  private static final class OneRowLateral extends org.apache.calcite.rel.RelShuttleImpl {
    @Override
    public RelNode visit(org.apache.calcite.rel.logical.LogicalCorrelate c) {
      RelNode visited = super.visit(c);
      if (!(visited instanceof org.apache.calcite.rel.logical.LogicalCorrelate corr)
          || corr.getJoinType() != org.apache.calcite.rel.core.JoinRelType.INNER
          || !oneRow(corr.getRight())) {
        return visited;
      }
      RelNode left =
          corr.copy(
              corr.getTraitSet(),
              corr.getLeft(),
              corr.getRight(),
              corr.getCorrelationId(),
              corr.getRequiredColumns(),
              org.apache.calcite.rel.core.JoinRelType.LEFT);
      // The left form's right columns are nullable where the inner form's were not (count(*)):
      // the row type the plan above expects is kept, as it holds (one row always matches).
      List<org.apache.calcite.rel.type.RelDataTypeField> want = corr.getRowType().getFieldList();
      List<org.apache.calcite.rel.type.RelDataTypeField> got = left.getRowType().getFieldList();
      if (want.equals(got)) {
        return left;
      }
      RexBuilder rex = corr.getCluster().getRexBuilder();
      List<org.apache.calcite.rex.RexNode> projects = new java.util.ArrayList<>();
      List<String> names = new java.util.ArrayList<>();
      for (int i = 0; i < want.size(); i++) {
        org.apache.calcite.rex.RexNode ref = rex.makeInputRef(left, i);
        RelDataType type = want.get(i).getType();
        projects.add(
            type.equals(got.get(i).getType()) ? ref : rex.makeAbstractCast(type, ref, false));
        names.add(want.get(i).getName());
      }
      return org.apache.calcite.rel.logical.LogicalProject.create(
          left, List.of(), projects, names, java.util.Set.of());
    }

    @Override
    public RelNode visit(RelNode other) {
      if (other instanceof org.apache.calcite.rel.logical.LogicalCorrelate c) {
        return visit(c);
      }
      return super.visit(other);
    }

    private static boolean oneRow(RelNode r) {
      while (r instanceof org.apache.calcite.rel.core.Project
          || r instanceof org.apache.calcite.plan.hep.HepRelVertex) {
        r =
            r instanceof org.apache.calcite.plan.hep.HepRelVertex v
                ? v.getCurrentRel()
                : r.getInput(0);
      }
      return r instanceof org.apache.calcite.rel.core.Aggregate a && a.getGroupSet().isEmpty();
    }
  }

  private static RelNode run(HepProgram program, RelNode rel) {
    HepPlanner p = new HepPlanner(program);
    p.setRoot(rel);
    return p.findBestExp();
  }

  private static SqlException validationError(CalciteContextException e, String sql) {
    String msg =
        e.getCause() != null && e.getCause().getMessage() != null
            ? e.getCause().getMessage()
            : e.getMessage();
    int pos = offset(sql, e.getPosLine(), e.getPosColumn());
    String state = SqlException.SYNTAX_ERROR;
    if (msg.startsWith("Object '") || msg.startsWith("Table '")) {
      state = SqlException.UNDEFINED_TABLE;
    } else if (msg.startsWith("Column '") && msg.contains("not found")) {
      state = SqlException.UNDEFINED_COLUMN;
    } else if (msg.startsWith("Cannot apply")
        || msg.contains("type")
        || msg.startsWith("Cannot assign")) {
      state = SqlException.DATATYPE_MISMATCH;
    } else if (msg.contains("does not allow NULLs")) {
      state = SqlException.NOT_NULL_VIOLATION;
    } else if (msg.startsWith("No match found for function")) {
      state = "42883";
    }
    return new SqlException(state, msg, pos, e);
  }

  /** Calcite's logical plan as text, for EXPLAIN. */
  public static String explain(RelNode rel) {
    return RelOptUtil.toString(rel);
  }
}
