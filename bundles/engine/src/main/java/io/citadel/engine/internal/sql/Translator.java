package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.exec.AggSpec;
import io.citadel.engine.internal.exec.AggregateNode;
import io.citadel.engine.internal.exec.Batch;
import io.citadel.engine.internal.exec.Expr;
import io.citadel.engine.internal.exec.ExprCompiler;
import io.citadel.engine.internal.exec.FilterNode;
import io.citadel.engine.internal.exec.HashJoinNode;
import io.citadel.engine.internal.exec.PhysicalNode;
import io.citadel.engine.internal.exec.ProjectNode;
import io.citadel.engine.internal.exec.ScanNode;
import io.citadel.engine.internal.exec.SetFunctionNode;
import io.citadel.engine.internal.exec.SortNode;
import io.citadel.engine.internal.exec.StarJoinNode;
import io.citadel.engine.internal.exec.Types;
import io.citadel.engine.internal.exec.UnionNode;
import io.citadel.engine.internal.exec.ValuesNode;
import io.citadel.engine.internal.exec.WindowNode;
import io.citadel.engine.internal.storage.TableVersion;
import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import io.citadel.engine.internal.types.TypeKind;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;

/** Turns Calcite's optimised logical plan into Citadel's physical operators. */
public final class Translator {
  private final SqlPlanner planner;
  private final ExprCompiler compiler;

  public Translator(SqlPlanner planner, long statementMillis) {
    this.planner = planner;
    this.compiler =
        new ExprCompiler(planner.rexBuilder(), statementMillis)
            .withCatalog(planner::catalogDefinitions, planner::catalogRelations)
            .withUser(planner.user())
            .withZone(planner.zone());
  }

  public Expr compile(RexNode n) {
    if (RexOver.containsOver(n)) {
      throw new SqlException(
          SqlException.FEATURE_NOT_SUPPORTED, "window functions are not supported");
    }
    return compiler.compile(n);
  }

  public PhysicalNode translate(RelNode rel) {
    if (rel instanceof TableScan scan) {
      return scan(scan, null, null);
    }
    if (rel instanceof Filter f) {
      if (f.getInput() instanceof TableScan scan) {
        return scan(scan, f.getCondition(), null);
      }
      return new FilterNode(translate(f.getInput()), compile(f.getCondition()));
    }
    if (rel instanceof Project p) {
      PhysicalNode input;
      if (p.getInput() instanceof TableScan scan) {
        input = scan(scan, null, p.getProjects());
      } else if (p.getInput() instanceof Filter f && f.getInput() instanceof TableScan scan) {
        input = scan(scan, f.getCondition(), p.getProjects());
      } else {
        input = translate(p.getInput());
      }
      List<Expr> exprs = new ArrayList<>();
      for (RexNode e : p.getProjects()) {
        exprs.add(compile(e));
      }
      return new ProjectNode(input, exprs);
    }
    if (rel instanceof Join j) {
      return join(j);
    }
    if (rel instanceof Aggregate a) {
      return aggregate(a);
    }
    if (rel instanceof Sort s) {
      List<SortNode.Key> keys = new ArrayList<>();
      for (RelFieldCollation fc : s.getCollation().getFieldCollations()) {
        boolean desc = fc.getDirection().isDescending();
        boolean nullsFirst =
            fc.nullDirection == RelFieldCollation.NullDirection.FIRST
                || (fc.nullDirection == RelFieldCollation.NullDirection.UNSPECIFIED && desc);
        keys.add(new SortNode.Key(fc.getFieldIndex(), desc, nullsFirst));
      }
      long offset = s.offset == null ? 0 : constantLong(s.offset, "OFFSET");
      long fetch = s.fetch == null ? -1 : constantLong(s.fetch, "LIMIT");
      return new SortNode(translate(s.getInput()), keys, offset, fetch);
    }
    if (rel instanceof Values v) {
      ColumnType[] types = rowTypes(v);
      List<List<Object>> rows = new ArrayList<>();
      for (List<RexLiteral> tuple : v.getTuples()) {
        List<Object> row = new ArrayList<>();
        for (int c = 0; c < tuple.size(); c++) {
          ExprCompiler.Literal lit = (ExprCompiler.Literal) compiler.compile(tuple.get(c));
          row.add(types[c].assign(lit.value(), lit.type()));
        }
        rows.add(row);
      }
      return new ValuesNode(types, rows);
    }
    if (rel instanceof org.apache.calcite.rel.core.Window w) {
      return window(w);
    }
    if (rel instanceof org.apache.calcite.rel.core.TableFunctionScan f
        && f.getInputs().isEmpty()
        && f.getCall() instanceof RexCall call
        && call.getOperator() instanceof PgFunctions.GenerateSeries
        && call.getOperands().stream().allMatch(org.apache.calcite.rex.RexUtil::isConstant)) {
      return series(call, rowTypes(f)[0]);
    }
    if (rel instanceof org.apache.calcite.rel.core.TableFunctionScan f && f.getInputs().isEmpty()) {
      // a set-returning function of constants: applied to the one row of no columns
      PhysicalNode one = new ValuesNode(new ColumnType[0], List.of(List.of()));
      return apply(one, f, null, false);
    }
    if (rel instanceof org.apache.calcite.rel.core.Collect collect) {
      return new io.citadel.engine.internal.exec.CollectNode(
          translate(collect.getInput()),
          Types.of(collect.getRowType().getFieldList().get(0).getType()));
    }
    if (rel instanceof org.apache.calcite.rel.core.Correlate c
        && c.getRight() instanceof org.apache.calcite.rel.core.Collect collect
        && overFunction(collect.getInput())) {
      return collectApply(translate(c.getLeft()), collect, c.getCorrelationId());
    }
    if (rel instanceof org.apache.calcite.rel.core.Correlate c && overFunction(c.getRight())) {
      return applyTo(
          translate(c.getLeft()),
          c.getRight(),
          c.getCorrelationId(),
          c.getJoinType() == org.apache.calcite.rel.core.JoinRelType.LEFT);
    }
    if (rel instanceof Union u) {
      List<PhysicalNode> inputs = new ArrayList<>();
      for (RelNode in : u.getInputs()) {
        inputs.add(translate(in));
      }
      // the first input's types, except where the union's is an exact number of another scale
      // or width (numeric(12,2) UNION numeric: each value as the union's numeric, unrounded)
      ColumnType[] types = inputs.get(0).types().clone();
      ColumnType[] declared = rowTypes(u);
      for (int i = 0; i < types.length; i++) {
        boolean exact = types[i].kind() == TypeKind.DECIMAL || types[i].kind() == TypeKind.NUMERIC;
        if (exact
            && (declared[i].kind() == TypeKind.NUMERIC || declared[i].kind() == TypeKind.DECIMAL)) {
          types[i] = declared[i];
        }
      }
      PhysicalNode all = new UnionNode(inputs, types);
      if (u.all) {
        return all;
      }
      int[] keys = new int[all.types().length];
      for (int i = 0; i < keys.length; i++) keys[i] = i;
      return new AggregateNode(all, keys, List.of());
    }
    throw new SqlException(
        SqlException.FEATURE_NOT_SUPPORTED,
        "this query needs a "
            + rel.getRelTypeName().replace("Logical", "").toLowerCase(Locale.ROOT)
            + " operator, which Citadel does not execute");
  }

  /** Whether values of {@code t} are exact numbers: integers, decimals, numerics. */
  private static boolean isExact(ColumnType t) {
    return t.kind().isIntegral() || t.kind() == TypeKind.DECIMAL || t.kind() == TypeKind.NUMERIC;
  }

  private static ColumnType[] rowTypes(RelNode r) {
    return r.getRowType().getFieldList().stream()
        .map(f -> Types.of(f.getType()))
        .toArray(ColumnType[]::new);
  }

  private static long constantLong(RexNode n, String what) {
    if (n instanceof RexLiteral l) {
      Long v = l.getValueAs(Long.class);
      if (v != null && v >= 0) {
        return v;
      }
    }
    throw new SqlException(
        SqlException.INVALID_PARAMETER, what + " must be a non-negative constant");
  }

  private PhysicalNode scan(TableScan scan, RexNode condition, List<RexNode> projects) {
    List<String> name = scan.getTable().getQualifiedName();
    CitadelTable table = scan.getTable().unwrap(CitadelTable.class);
    if (table == null) {
      table = planner.table(name.get(name.size() - 1));
    }
    if (table == null) {
      throw new SqlException(
          SqlException.UNDEFINED_TABLE, "relation \"" + name + "\" does not exist");
    }
    TableVersion version = table.version();
    int width = version.def().columns().size();
    BitSet needed = new BitSet(width);
    if (projects == null) {
      needed.set(0, width);
    } else {
      for (RexNode p : projects) {
        for (int i : RelOptUtil.InputFinder.bits(p)) needed.set(i);
      }
    }
    List<Expr> conjuncts = new ArrayList<>();
    List<ScanNode.ZoneCheck> zones = new ArrayList<>();
    BitSet filterCols = new BitSet(width);
    double selectivity = 1;
    if (condition != null) {
      RexNode expanded = RexUtil.expandSearch(planner.rexBuilder(), null, condition);
      for (RexNode c : RelOptUtil.conjunctions(expanded)) {
        BitSet refs = new BitSet();
        for (int i : RelOptUtil.InputFinder.bits(c)) refs.set(i);
        filterCols.or(refs);
        Expr e = compile(c);
        if (refs.cardinality() == 1) {
          int col = refs.nextSetBit(0);
          ColumnType colType = version.def().columns().get(col).type();
          if (colType.kind().isStringBased()) {
            e = new ScanNode.DictPredicate(e, col, colType);
          }
        }
        conjuncts.add(e);
        ScanNode.ZoneCheck z = zoneCheck(c, version);
        if (z != null) {
          zones.add(z);
        }
        selectivity *= c.getKind() == SqlKind.EQUALS ? 0.1 : 0.5;
      }
    }
    return new ScanNode(version, needed, conjuncts, zones, filterCols, selectivity);
  }

  private static ScanNode.ZoneCheck zoneCheck(RexNode c, TableVersion version) {
    if (!(c instanceof RexCall call) || call.getOperands().size() != 2) {
      return null;
    }
    String op =
        switch (c.getKind()) {
          case EQUALS -> "=";
          case LESS_THAN -> "<";
          case LESS_THAN_OR_EQUAL -> "<=";
          case GREATER_THAN -> ">";
          case GREATER_THAN_OR_EQUAL -> ">=";
          default -> null;
        };
    if (op == null) {
      return null;
    }
    RexNode a = call.getOperands().get(0);
    RexNode b = call.getOperands().get(1);
    if (a instanceof RexLiteral && b instanceof RexInputRef) {
      RexNode t = a;
      a = b;
      b = t;
      op =
          switch (op) {
            case "<" -> ">";
            case "<=" -> ">=";
            case ">" -> "<";
            case ">=" -> "<=";
            default -> op;
          };
    }
    if (!(a instanceof RexInputRef ref) || !(b instanceof RexLiteral lit) || lit.isNull()) {
      return null;
    }
    ColumnType colType = version.def().columns().get(ref.getIndex()).type();
    ColumnType litType = Types.of(lit.getType());
    if (!colType.equals(litType) && !(colType.kind().isIntegral() && litType.kind().isIntegral())) {
      return null;
    }
    if (colType.kind().isStringBased() || colType.kind() == TypeKind.BOOLEAN) {
      return null;
    }
    Object v = ExprCompilerAccess.literalValue(lit);
    return v == null ? null : new ScanNode.ZoneCheck(ref.getIndex(), op, v);
  }

  private PhysicalNode join(Join j) {
    JoinRelType type = j.getJoinType();
    if (type == JoinRelType.RIGHT) {
      // a RIGHT join is a LEFT join with the sides swapped, then the columns put back in order
      int l = j.getLeft().getRowType().getFieldCount();
      int r = j.getRight().getRowType().getFieldCount();
      PhysicalNode swapped =
          hashJoin(j.getRight(), j.getLeft(), HashJoinNode.Kind.LEFT, swapCondition(j, l, r));
      List<Expr> order = new ArrayList<>();
      ColumnType[] t = swapped.types();
      for (int i = 0; i < l; i++) order.add(new ExprCompiler.InputRef(r + i, t[r + i]));
      for (int i = 0; i < r; i++) order.add(new ExprCompiler.InputRef(i, t[i]));
      return new ProjectNode(swapped, order);
    }
    HashJoinNode.Kind kind =
        switch (type) {
          case INNER -> HashJoinNode.Kind.INNER;
          case LEFT -> HashJoinNode.Kind.LEFT;
          case SEMI -> HashJoinNode.Kind.SEMI;
          case ANTI -> HashJoinNode.Kind.ANTI;
          default ->
              throw new SqlException(
                  SqlException.FEATURE_NOT_SUPPORTED, type + " JOIN is not supported");
        };
    return hashJoin(j.getLeft(), j.getRight(), kind, j.getCondition());
  }

  private RexNode swapCondition(Join j, int l, int r) {
    int[] map = new int[l + r];
    for (int i = 0; i < l; i++) map[i] = r + i;
    for (int i = 0; i < r; i++) map[l + i] = i;
    return j.getCondition()
        .accept(
            new org.apache.calcite.rex.RexShuttle() {
              @Override
              public RexNode visitInputRef(RexInputRef ref) {
                return new RexInputRef(map[ref.getIndex()], ref.getType());
              }
            });
  }

  private PhysicalNode hashJoin(
      RelNode left, RelNode right, HashJoinNode.Kind kind, RexNode condition) {
    JoinInfo info = JoinInfo.of(left, right, condition);
    int[] lk = info.leftKeys.toIntArray();
    int[] rk = info.rightKeys.toIntArray();
    PhysicalNode l = translate(left);
    PhysicalNode r = translate(right);
    boolean[] numericKeys = null;
    for (int i = 0; i < lk.length; i++) {
      ColumnType a = l.types()[lk[i]];
      ColumnType b = r.types()[rk[i]];
      if (!a.equals(b)
          && isExact(a)
          && isExact(b)
          && !(a.kind().isIntegral() && b.kind().isIntegral())) {
        // a decimal with a numeric, or decimals of different scales: matched by value
        if (numericKeys == null) {
          numericKeys = new boolean[lk.length];
        }
        numericKeys[i] = true;
        continue;
      }
      if (!a.equals(b)
          && !(a.kind().isIntegral() && b.kind().isIntegral())
          && !(a.kind().isStringBased() && b.kind().isStringBased())) {
        throw new SqlException(
            SqlException.FEATURE_NOT_SUPPORTED,
            "joining " + a + " with " + b + " needs an explicit CAST");
      }
    }
    Expr residual = null;
    if (!info.nonEquiConditions.isEmpty()) {
      residual = compile(info.getRemaining(planner.rexBuilder()));
    }
    if (kind == HashJoinNode.Kind.INNER && residual == null) {
      StarJoinNode star = StarJoinNode.of(l, r, lk, rk);
      if (star != null) {
        return star;
      }
    }
    return new HashJoinNode(l, r, kind, lk, rk, residual, numericKeys);
  }

  /** A table function, under filters and projections of its own columns. */
  private static boolean overFunction(RelNode rel) {
    if (rel instanceof org.apache.calcite.rel.core.TableFunctionScan f) {
      return f.getInputs().isEmpty();
    }
    return (rel instanceof Filter || rel instanceof Project) && overFunction(rel.getInput(0));
  }

  /**
   * The right side of a lateral join over a table function, run for each row of {@code input}: the
   * function's rows after the input's columns, filtered and projected as {@code right} says (a
   * filter of an inner join only; an outer one keeps the row).
   */
  private PhysicalNode applyTo(
      PhysicalNode input,
      RelNode right,
      org.apache.calcite.rel.core.CorrelationId id,
      boolean outer) {
    if (right instanceof org.apache.calcite.rel.core.TableFunctionScan f) {
      return apply(input, f, id, outer);
    }
    if (outer) {
      throw new SqlException(
          SqlException.FEATURE_NOT_SUPPORTED,
          "a LEFT JOIN LATERAL of a filtered or computed function is not supported");
    }
    PhysicalNode below = applyTo(input, right.getInput(0), id, false);
    int width = input.types().length;
    org.apache.calcite.rex.RexShuttle shift = correlated(id, width);
    if (right instanceof Filter f) {
      return new FilterNode(below, compile(f.getCondition().accept(shift)));
    }
    Project p = (Project) right;
    List<Expr> exprs = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      exprs.add(new ExprCompiler.InputRef(i, input.types()[i]));
    }
    for (RexNode e : p.getProjects()) {
      exprs.add(compile(e.accept(shift)));
    }
    return new ProjectNode(below, exprs);
  }

  /**
   * {@code ARRAY(SELECT ... FROM f(t.x) ...)} for each row of {@code input}: the subquery's filters
   * and projections run over each row's function rows, its first column gathered.
   */
  private PhysicalNode collectApply(
      PhysicalNode input,
      org.apache.calcite.rel.core.Collect collect,
      org.apache.calcite.rel.core.CorrelationId id) {
    List<RelNode> chain = new ArrayList<>();
    RelNode r = collect.getInput();
    while (!(r instanceof org.apache.calcite.rel.core.TableFunctionScan)) {
      chain.add(0, r);
      r = r.getInput(0);
    }
    org.apache.calcite.rel.core.TableFunctionScan f =
        (org.apache.calcite.rel.core.TableFunctionScan) r;
    SetFunctionNode apply = (SetFunctionNode) apply(input, f, id, false);
    int width = input.types().length;
    org.apache.calcite.rex.RexShuttle shift = correlated(id, width);
    java.util.function.UnaryOperator<io.citadel.engine.internal.exec.Batch> subquery = b -> b;
    for (RelNode step : chain) {
      java.util.function.UnaryOperator<io.citadel.engine.internal.exec.Batch> before = subquery;
      if (step instanceof Filter filter) {
        Expr condition = compile(filter.getCondition().accept(shift));
        subquery = b -> FilterNode.filter(condition, before.apply(b));
      } else if (step instanceof Project p) {
        List<Expr> exprs = new ArrayList<>();
        for (RexNode e : p.getProjects()) {
          exprs.add(compile(e.accept(shift)));
        }
        subquery =
            b -> {
              io.citadel.engine.internal.exec.Batch in = before.apply(b);
              io.citadel.engine.internal.exec.Vec[] cols =
                  java.util.Arrays.copyOf(in.cols, width + exprs.size());
              for (int k = 0; k < exprs.size(); k++) {
                cols[width + k] = exprs.get(k).eval(in);
              }
              return new io.citadel.engine.internal.exec.Batch(cols, in.size);
            };
      } else {
        throw new SqlException(
            SqlException.FEATURE_NOT_SUPPORTED,
            "ARRAY(subquery) with " + step.getRelTypeName() + " over a function is not supported");
      }
    }
    return new SetFunctionNode(
        input,
        apply.function(),
        apply.arguments(),
        subquery,
        Types.of(collect.getRowType().getFieldList().get(0).getType()));
  }

  /**
   * Rewrites an expression of a lateral join's right side to read the joined row: the left row's
   * fields (through correlation variable {@code id}) at their places, the right side's own columns
   * after the {@code width} of the left.
   */
  private static org.apache.calcite.rex.RexShuttle correlated(
      org.apache.calcite.rel.core.CorrelationId id, int width) {
    return new org.apache.calcite.rex.RexShuttle() {
      @Override
      public RexNode visitInputRef(org.apache.calcite.rex.RexInputRef ref) {
        return new org.apache.calcite.rex.RexInputRef(ref.getIndex() + width, ref.getType());
      }

      @Override
      public RexNode visitFieldAccess(org.apache.calcite.rex.RexFieldAccess access) {
        if (access.getReferenceExpr() instanceof org.apache.calcite.rex.RexCorrelVariable v
            && v.id.equals(id)) {
          return new org.apache.calcite.rex.RexInputRef(
              access.getField().getIndex(), access.getType());
        }
        return super.visitFieldAccess(access);
      }
    };
  }

  /**
   * A set-returning function run for each row of {@code input}: its arguments may read the row
   * through the correlation variable {@code id} ({@code FROM t, LATERAL f(t.x)}).
   */
  private PhysicalNode apply(
      PhysicalNode input,
      org.apache.calcite.rel.core.TableFunctionScan f,
      org.apache.calcite.rel.core.CorrelationId id,
      boolean outer) {
    RexCall call = (RexCall) f.getCall();
    ColumnType[] types = rowTypes(f);
    List<RexNode> operands = call.getOperands();
    SetFunctionNode.SetFunction function;
    if (call.getOperator() instanceof PgFunctions.RowsFrom) {
      // several functions in step: the first operand names them and their argument counts
      String spec = ((org.apache.calcite.rex.RexLiteral) operands.get(0)).getValueAs(String.class);
      List<Map.Entry<String, Integer>> parts = PgFunctions.RowsFrom.parts(spec);
      List<SetFunctionNode.SetFunction> functions = new ArrayList<>();
      int[] arities = new int[parts.size()];
      int column = 0;
      for (int k = 0; k < parts.size(); k++) {
        String name = parts.get(k).getKey();
        arities[k] = parts.get(k).getValue();
        functions.add(setFunction(name, types[column]));
        column += name.equals("_pg_expandarray") ? 2 : 1;
      }
      function = SetFunctionNode.zip(functions, arities);
      operands = operands.subList(1, operands.size());
    } else {
      function =
          setFunction(call.getOperator().getName().toLowerCase(java.util.Locale.ROOT), types[0]);
    }
    org.apache.calcite.rex.RexShuttle rowRefs = correlated(id, 0);
    Expr[] args = new Expr[operands.size()];
    for (int i = 0; i < args.length; i++) {
      args[i] = compile(operands.get(i).accept(rowRefs));
    }
    return new SetFunctionNode(input, function, args, outer);
  }

  /** The set-returning function {@code name} (lower case), whose first column is {@code type}. */
  private static SetFunctionNode.SetFunction setFunction(String name, ColumnType type) {
    return switch (name) {
      case "generate_series" -> SetFunctionNode.generateSeries(type);
      case "pg_unnest" -> SetFunctionNode.ofArray("unnest", type);
      case "generate_subscripts", "_pg_expandarray" -> SetFunctionNode.ofArray(name, type);
      default ->
          throw new SqlException(
              SqlException.FEATURE_NOT_SUPPORTED,
              "the table function " + name + " is not supported");
    };
  }

  /** generate_series over bounds that are constants of the statement. */
  private PhysicalNode series(RexCall call, ColumnType type) {
    long[] args = new long[3];
    args[2] = 1;
    Batch one = new Batch(new io.citadel.engine.internal.exec.Vec[0], 1);
    for (int i = 0; i < call.getOperands().size(); i++) {
      RexNode op = call.getOperands().get(i);
      if (!org.apache.calcite.rex.RexUtil.isConstant(op)) {
        throw new SqlException(
            SqlException.FEATURE_NOT_SUPPORTED,
            "generate_series over another table's columns (LATERAL) is not supported yet");
      }
      Object v = compiler.compile(op).eval(one).get(0);
      if (v == null) {
        return new io.citadel.engine.internal.exec.ValuesNode(new ColumnType[] {type}, List.of());
      }
      args[i] = ((Number) v).longValue();
    }
    return new io.citadel.engine.internal.exec.SeriesNode(type, args[0], args[1], args[2]);
  }

  /** Window functions: each of Calcite's window groups with its calls. */
  private PhysicalNode window(org.apache.calcite.rel.core.Window w) {
    PhysicalNode input = translate(w.getInput());
    int fields = w.getInput().getRowType().getFieldCount();
    List<WindowNode.Window> windows = new ArrayList<>();
    for (org.apache.calcite.rel.core.Window.Group g : w.groups) {
      List<SortNode.Key> order = new ArrayList<>();
      for (RelFieldCollation fc : g.orderKeys.getFieldCollations()) {
        boolean desc = fc.getDirection().isDescending();
        boolean nullsFirst =
            fc.nullDirection == RelFieldCollation.NullDirection.FIRST
                || (fc.nullDirection == RelFieldCollation.NullDirection.UNSPECIFIED && desc);
        order.add(new SortNode.Key(fc.getFieldIndex(), desc, nullsFirst));
      }
      List<WindowNode.Call> calls = new ArrayList<>();
      for (org.apache.calcite.rel.core.Window.RexWinAggCall call : g.aggCalls) {
        if (call.distinct) {
          throw new SqlException(
              SqlException.FEATURE_NOT_SUPPORTED,
              "DISTINCT is not implemented for window functions");
        }
        ColumnType type = Types.of(call.getType());
        int[] args = new int[call.getOperands().size()];
        Object[] constants = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
          RexNode op = call.getOperands().get(i);
          int ref = op instanceof RexInputRef r ? r.getIndex() : -1;
          if (ref >= 0 && ref < fields) {
            args[i] = ref;
            continue;
          }
          args[i] = -1;
          RexLiteral lit =
              ref >= 0 ? w.constants.get(ref - fields) : op instanceof RexLiteral l ? l : null;
          if (lit == null) {
            throw new SqlException(
                SqlException.FEATURE_NOT_SUPPORTED,
                "an argument of " + call.getOperator().getName() + " must be a column or constant");
          }
          ExprCompiler.Literal value = (ExprCompiler.Literal) compiler.compile(lit);
          // lag and lead's default takes the call's type; offsets and ntile's count stay numbers
          constants[i] = i == 2 ? type.assign(value.value(), value.type()) : value.value();
        }
        String fn =
            call.getOperator().getKind() == SqlKind.SUM0 ? "$SUM0" : call.getOperator().getName();
        calls.add(new WindowNode.Call(fn, args, constants, type));
      }
      windows.add(
          new WindowNode.Window(
              g.keys.toArray(),
              order,
              g.isRows,
              bound(g.lowerBound, w.constants, fields),
              bound(g.upperBound, w.constants, fields),
              calls));
    }
    return new WindowNode(input, windows);
  }

  private static WindowNode.Bound bound(
      org.apache.calcite.rex.RexWindowBound b, List<RexLiteral> constants, int fields) {
    if (b.isUnbounded()) {
      return b.isPreceding()
          ? WindowNode.Bound.unboundedPreceding()
          : WindowNode.Bound.unboundedFollowing();
    }
    if (b.isCurrentRow()) {
      return WindowNode.Bound.current();
    }
    RexNode offset = b.getOffset();
    RexLiteral lit =
        offset instanceof RexInputRef r && r.getIndex() >= fields
            ? constants.get(r.getIndex() - fields)
            : offset instanceof RexLiteral l ? l : null;
    Long n = lit == null ? null : lit.getValueAs(Long.class);
    if (n == null || n < 0) {
      throw new SqlException(
          SqlException.FEATURE_NOT_SUPPORTED,
          "a frame's offset must be a constant integer of zero or more");
    }
    return WindowNode.Bound.rows(b.isPreceding() ? -n : n);
  }

  private PhysicalNode aggregate(Aggregate a) {
    if (a.getGroupSets().size() != 1) {
      throw new SqlException(
          SqlException.FEATURE_NOT_SUPPORTED, "GROUPING SETS, ROLLUP and CUBE are not supported");
    }
    PhysicalNode input = translate(a.getInput());
    int[] keys = a.getGroupSet().toArray();
    List<AggSpec> aggs = new ArrayList<>();
    for (AggregateCall call : a.getAggCallList()) {
      if (call.getArgList().size() > 1) {
        throw new SqlException(
            SqlException.FEATURE_NOT_SUPPORTED,
            call.getAggregation().getName() + " with several arguments");
      }
      int arg = call.getArgList().isEmpty() ? -1 : call.getArgList().get(0);
      String fn =
          call.getAggregation().getKind() == SqlKind.SUM0
              ? "$SUM0"
              : call.getAggregation().getName().toUpperCase(Locale.ROOT);
      Object constant = null;
      if (call.getAggregation().getKind() == SqlKind.LITERAL_AGG) {
        fn = "LITERAL_AGG";
        ExprCompiler.Literal lit = (ExprCompiler.Literal) compiler.compile(call.rexList.get(0));
        constant = Types.of(call.getType()).assign(lit.value(), lit.type());
      }
      aggs.add(
          new AggSpec(
              fn, arg, call.isDistinct(), call.filterArg, Types.of(call.getType()), constant));
    }
    return new AggregateNode(input, keys, aggs);
  }

  /** Access to literal conversion for zone checks. */
  static final class ExprCompilerAccess {
    static Object literalValue(RexLiteral lit) {
      try {
        ExprCompiler.Literal l = (ExprCompiler.Literal) new ExprCompiler(null, 0).compile(lit);
        return l.value();
      } catch (RuntimeException e) {
        return null;
      }
    }
  }
}
