package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.Numeric;
import io.citadel.engine.internal.types.SqlException;
import io.citadel.engine.internal.types.TimeZones;
import io.citadel.engine.internal.types.TypeKind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.util.TimeUnitRange;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlLikeOperator;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Compiles Calcite row expressions ({@link RexNode}) into vectorised {@link Expr}s. What it does
 * not know fails at compile time with SQLSTATE 0A000 and the operator's name, never at run time.
 */
public final class ExprCompiler {
  private final RexBuilder rexBuilder;
  private final long statementMillis;

  /**
   * @param statementMillis the statement's clock: CURRENT_DATE and CURRENT_TIMESTAMP are fixed to
   *     it for the whole statement
   */
  public ExprCompiler(RexBuilder rexBuilder, long statementMillis) {
    this.rexBuilder = rexBuilder;
    this.statementMillis = statementMillis;
  }

  /** The user the statement runs as: CURRENT_USER, SESSION_USER. */
  private String user = "citadel";

  /** The session's time zone: local dates and times of a timestamp with time zone are in it. */
  private java.time.ZoneId zone = java.time.ZoneOffset.UTC;

  public ExprCompiler withZone(java.time.ZoneId zone) {
    this.zone = zone;
    return this;
  }

  /** A cast of a compiled expression, in the session's time zone where that matters. */
  private Expr cast(Expr arg, ColumnType type) {
    return ZonedCast.needed(arg.type(), type, zone)
        ? new ZonedCast(arg, type, zone)
        : new CastExpr(arg, type);
  }

  /** The statement's clock as the session's local date and time. */
  private long localNow() {
    return TimeZones.local(statementMillis, zone);
  }

  public ExprCompiler withUser(String user) {
    this.user = user;
    return this;
  }

  /** The catalog's index and constraint definitions by oid, for pg_get_indexdef and the like. */
  private java.util.function.Supplier<java.util.Map<Long, String>> catalogDefinitions =
      java.util.Map::of;

  /** Relations' oids by {@code schema.name}, for {@code ::regclass}. */
  private java.util.function.Supplier<java.util.Map<String, Long>> catalogRelations =
      java.util.Map::of;

  /**
   * Where pg_get_indexdef, pg_get_constraintdef and {@code ::regclass} look the catalog up (each
   * map built when first used, once per statement).
   */
  public ExprCompiler withCatalog(
      java.util.function.Supplier<java.util.Map<Long, String>> definitions,
      java.util.function.Supplier<java.util.Map<String, Long>> relations) {
    this.catalogDefinitions = once(definitions);
    this.catalogRelations = once(relations);
    return this;
  }

  private static <T> java.util.function.Supplier<T> once(java.util.function.Supplier<T> s) {
    Object[] value = new Object[1];
    return () -> {
      synchronized (value) {
        if (value[0] == null) {
          value[0] = s.get();
        }
        @SuppressWarnings("unchecked")
        T t = (T) value[0];
        return t;
      }
    };
  }

  public Expr compile(RexNode node) {
    if (node instanceof RexInputRef ref) {
      return new InputRef(ref.getIndex(), Types.of(ref.getType()));
    }
    if (node instanceof RexLiteral lit) {
      if (lit.getType().getSqlTypeName() == SqlTypeName.SYMBOL) {
        // a keyword operand (JSON's NULL ON NULL, a time unit) of a function compiled here only
        // when it knows the keyword: any other such function is one the executor lacks
        throw unsupported("the keyword argument " + lit);
      }
      return literal(lit);
    }
    if (node instanceof RexCall call) {
      if (!(call.getOperator() instanceof org.apache.calcite.sql.SqlFunction)) {
        return call(call);
      }
      for (RexNode op : call.getOperands()) {
        if (op instanceof RexLiteral l
            && l.getType().getSqlTypeName() == SqlTypeName.SYMBOL
            && !KEYWORD_FUNCTIONS.contains(call.getKind())) {
          throw unsupported("function " + call.getOperator().getName());
        }
      }
      return call(call);
    }
    throw unsupported(node.getKind().toString());
  }

  /** The functions whose keyword (symbol) operands {@link #call} reads itself. */
  private static final java.util.Set<org.apache.calcite.sql.SqlKind> KEYWORD_FUNCTIONS =
      java.util.EnumSet.of(
          org.apache.calcite.sql.SqlKind.TRIM,
          org.apache.calcite.sql.SqlKind.EXTRACT,
          org.apache.calcite.sql.SqlKind.FLOOR,
          org.apache.calcite.sql.SqlKind.CEIL);

  private static SqlException unsupported(String what) {
    return new SqlException(SqlException.FEATURE_NOT_SUPPORTED, what + " is not supported");
  }

  /**
   * A numeric constant. One Calcite made by casting a constant to numeric without a type modifier
   * carries that type's nominal scale (see CitadelTypeSystem), not its own: its trailing zeros are
   * Calcite's and are dropped.
   */
  private static String numericLiteral(RexLiteral lit) {
    BigDecimal v = lit.getValueAs(BigDecimal.class);
    if ((lit.getType().getPrecision() >= Numeric.MAX_PRECISION
            || lit.getType().getScale() >= Numeric.MAX_PRECISION / 2)
        && v.scale() > 0) {
      v = v.stripTrailingZeros();
      if (v.scale() < 0) {
        v = v.setScale(0);
      }
    }
    return Numeric.text(v);
  }

  static Literal literal(RexLiteral lit) {
    ColumnType t =
        lit.getType().getSqlTypeName() == SqlTypeName.NULL
            ? ColumnType.TEXT
            : Types.of(lit.getType());
    if (lit.isNull()) {
      return new Literal(t, null);
    }
    Object v =
        switch (t.kind()) {
          case BOOLEAN -> Boolean.TRUE.equals(lit.getValueAs(Boolean.class)) ? 1L : 0L;
          case SMALLINT, INTEGER, BIGINT -> lit.getValueAs(Long.class);
          case FLOAT, DOUBLE -> lit.getValueAs(Double.class);
          case DECIMAL -> t.decimalToUnscaled(lit.getValueAs(BigDecimal.class));
          case NUMERIC -> numericLiteral(lit);
          case TEXT -> lit.getValueAs(String.class);
          case DATE -> (long) lit.getValueAs(Integer.class);
          case TIMESTAMP, TIMESTAMPTZ -> lit.getValueAs(Long.class);
          case TIME -> (long) lit.getValueAs(Integer.class);
          // months, or milliseconds, as Calcite keeps an interval
          case INTERVAL -> lit.getValueAs(BigDecimal.class).longValue();
          case JSON, JSONB -> t.parse(lit.getValueAs(String.class));
          case UUID -> t.parse(String.valueOf(lit.getValue()));
          case BYTEA ->
              t.parse(
                  "\\x"
                      + lit.getValueAs(org.apache.calcite.avatica.util.ByteString.class)
                          .toString());
        };
    if (lit.getType().getSqlTypeName().getFamily() != null
        && lit.getTypeName().getName().startsWith("INTERVAL")) {
      v = lit.getValueAs(BigDecimal.class).longValue();
      if (t.kind() == TypeKind.INTERVAL && t.scale() == 0) {
        v = ColumnType.packInterval((Long) v, 0); // months, packed (see INTERVAL_MONTHS)
      }
    }
    return new Literal(t, v);
  }

  private Expr call(RexCall call) {
    SqlKind kind = call.getKind();
    ColumnType type = kind == SqlKind.SEARCH ? ColumnType.BOOLEAN : Types.of(call.getType());
    List<RexNode> ops = call.getOperands();
    switch (kind) {
      case SEARCH:
        return compile(RexUtil.expandSearch(rexBuilder, null, call));
      case ITEM:
        if (ops.get(0).getType().getSqlTypeName() == SqlTypeName.ARRAY) {
          return ArrayText.element(compile(ops.get(0)), compile(ops.get(1)), type);
        }
        break;
      case SOME:
      case ALL:
        if (ops.size() == 2 && ops.get(1).getType().getSqlTypeName() == SqlTypeName.ARRAY) {
          return ArrayText.quantified(
              compile(ops.get(0)),
              compile(ops.get(1)),
              ((org.apache.calcite.sql.fun.SqlQuantifyOperator) call.getOperator()).comparisonKind,
              kind == SqlKind.ALL);
        }
        break;
      case ARRAY_VALUE_CONSTRUCTOR:
        {
          List<Expr> elements = new ArrayList<>();
          for (RexNode o : ops) {
            elements.add(compile(o));
          }
          return ArrayText.constructor(elements, type);
        }
      case PLUS:
      case MINUS:
      case TIMES:
      case DIVIDE:
      case MOD:
        if (isDatetime(ops.get(0)) || isDatetime(ops.get(1))) {
          return datetimeArith(kind, call, type);
        }
        return new Arith(kind, compile(ops.get(0)), compile(ops.get(1)), type);
      case MINUS_PREFIX:
        return new Arith(
            SqlKind.MINUS,
            new Literal(
                type,
                type.kind() == TypeKind.NUMERIC
                    ? (Object) "0"
                    : type.kind().isFloating() ? (Object) 0.0 : (Object) 0L),
            compile(ops.get(0)),
            type);
      case PLUS_PREFIX:
        return compile(ops.get(0));
      case EQUALS:
      case NOT_EQUALS:
      case LESS_THAN:
      case LESS_THAN_OR_EQUAL:
      case GREATER_THAN:
      case GREATER_THAN_OR_EQUAL:
      case IS_DISTINCT_FROM:
      case IS_NOT_DISTINCT_FROM:
        return new Compare(kind, compile(ops.get(0)), compile(ops.get(1)));
      case AND:
      case OR:
        {
          List<Expr> args = new ArrayList<>();
          for (RexNode o : ops) {
            args.add(compile(o));
          }
          return new Logic(kind == SqlKind.AND, args);
        }
      case NOT:
        return new Not(compile(ops.get(0)));
      case IS_NULL:
      case IS_NOT_NULL:
      case IS_TRUE:
      case IS_FALSE:
      case IS_NOT_TRUE:
      case IS_NOT_FALSE:
        return new Is(kind, compile(ops.get(0)));
      case CASE:
        {
          List<Expr> args = new ArrayList<>();
          for (RexNode o : ops) {
            args.add(compile(o));
          }
          return new Case(args, type);
        }
      case COALESCE:
        {
          List<Expr> args = new ArrayList<>();
          for (int i = 0; i < ops.size() - 1; i++) {
            args.add(new Is(SqlKind.IS_NOT_NULL, compile(ops.get(i))));
            args.add(cast(compile(ops.get(i)), type));
          }
          args.add(cast(compile(ops.get(ops.size() - 1)), type));
          return new Case(args, type);
        }
      case CAST:
        return cast(compile(ops.get(0)), type);
      case LIKE:
        {
          boolean negated = call.getOperator() instanceof SqlLikeOperator l && l.isNegated();
          boolean caseSensitive =
              !(call.getOperator() instanceof SqlLikeOperator l) || l.isCaseSensitive();
          if (!(ops.get(1) instanceof RexLiteral p)) {
            throw unsupported("LIKE with a pattern that is not a constant");
          }
          // PostgreSQL's default escape character is the backslash
          String escape =
              ops.size() > 2 ? ((RexLiteral) ops.get(2)).getValueAs(String.class) : "\\";
          Expr like =
              new Like(compile(ops.get(0)), p.getValueAs(String.class), escape, caseSensitive);
          return negated ? new Not(like) : like;
        }
      case POSIX_REGEX_CASE_SENSITIVE:
      case POSIX_REGEX_CASE_INSENSITIVE:
        {
          boolean negated =
              call.getOperator() instanceof org.apache.calcite.sql.fun.SqlPosixRegexOperator r
                  && r.isNegated();
          return new Regex(
              compile(ops.get(0)),
              compile(ops.get(1)),
              kind == SqlKind.POSIX_REGEX_CASE_INSENSITIVE,
              negated);
        }
      case EXTRACT:
        {
          if (!(ops.get(0) instanceof RexLiteral u)
              || u.getType().getSqlTypeName() != SqlTypeName.SYMBOL) {
            // date_part('year', ts): the field is text, perhaps not even a constant
            return new DateFunctions(
                "DATE_PART", List.of(compile(ops.get(0)), compile(ops.get(1))), type, zone);
          }
          TimeUnitRange unit = ((RexLiteral) ops.get(0)).getValueAs(TimeUnitRange.class);
          return new Extract(unit, compile(ops.get(1)), type, zone);
        }
      case FLOOR:
      case CEIL:
        if (ops.size() == 1) {
          return new Func(kind.name(), List.of(compile(ops.get(0))), type);
        }
        throw unsupported(kind + " of a date or time");
      case TRIM:
        {
          String flag =
              ((RexLiteral) ops.get(0))
                  .getValueAs(org.apache.calcite.sql.fun.SqlTrimFunction.Flag.class)
                  .name();
          return new Func("TRIM_" + flag, List.of(compile(ops.get(1)), compile(ops.get(2))), type);
        }
      case OTHER_FUNCTION:
      case OTHER:
      case POSITION:
      default:
        break;
    }
    String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
    switch (name) {
      case "CURRENT_DATE":
        return new Literal(ColumnType.DATE, Math.floorDiv(localNow(), 86_400_000L));
      case "CURRENT_TIMESTAMP", "LOCALTIMESTAMP":
        return new Literal(ColumnType.TIMESTAMP, localNow());
      case "NOW":
        return new Literal(ColumnType.TIMESTAMPTZ, statementMillis);
      case "CURRENT_USER", "SESSION_USER", "USER", "CURRENT_ROLE":
        return new Literal(ColumnType.TEXT, user);
      default:
        break;
    }
    List<Expr> args = new ArrayList<>();
    for (RexNode o : ops) {
      args.add(compile(o));
    }
    if (kind == SqlKind.OTHER && "||".equals(name)) {
      boolean arrays =
          ops.stream().anyMatch(o -> o.getType().getSqlTypeName() == SqlTypeName.ARRAY);
      // of text, strict, unlike concat(): NULL if either side is
      name = arrays ? "ARRAY_CAT" : "TEXTCAT";
    }
    if (name.equals("AGE") && args.size() == 1) {
      // age(x): from midnight of the statement's day
      args.add(
          0,
          new Literal(ColumnType.TIMESTAMP, Math.floorDiv(localNow(), 86_400_000L) * 86_400_000L));
    }
    if (name.equals("PG_INPUT")) {
      return cast(args.get(0), type);
    }
    if (name.equals("PG_AS_JSON") || name.equals("PG_AS_JSONB")) {
      // a document's text, already checked (and for jsonb in normal form): only its type changes
      return new CastExpr(args.get(0), name.endsWith("B") ? ColumnType.JSONB : ColumnType.JSON);
    }
    if (TextFunctions.supports(name)) {
      return new TextFunctions(name, args, type);
    }
    if (CatalogFunctions.supports(name)) {
      return new CatalogFunctions(name, args, type, catalogDefinitions, catalogRelations);
    }
    if (DateFunctions.supports(name)) {
      return new DateFunctions(name, args, type, zone);
    }
    if (!Func.supports(name)) {
      throw unsupported("function " + call.getOperator().getName());
    }
    return new Func(name, args, type);
  }

  private static boolean isDatetime(RexNode n) {
    SqlTypeName t = n.getType().getSqlTypeName();
    return t == SqlTypeName.DATE
        || t == SqlTypeName.TIMESTAMP
        || t == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE
        || SqlTypeName.INTERVAL_TYPES.contains(t);
  }

  private Expr datetimeArith(SqlKind kind, RexCall call, ColumnType type) {
    RexNode a = call.getOperands().get(0);
    RexNode b = call.getOperands().get(1);
    SqlTypeName ta = a.getType().getSqlTypeName();
    SqlTypeName tb = b.getType().getSqlTypeName();
    if (SqlTypeName.INTERVAL_TYPES.contains(ta) && kind == SqlKind.PLUS) {
      RexNode t = a;
      a = b;
      b = t;
      SqlTypeName tt = ta;
      ta = tb;
      tb = tt;
    }
    if ((ta == SqlTypeName.DATE
            || ta == SqlTypeName.TIMESTAMP
            || ta == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE)
        && SqlTypeName.INTERVAL_TYPES.contains(tb)) {
      boolean months = SqlTypeName.YEAR_INTERVAL_TYPES.contains(tb);
      return new DateAdd(
          compile(a), compile(b), months, kind == SqlKind.MINUS, Types.of(a.getType()), zone);
    }
    if (ta == SqlTypeName.DATE && tb == SqlTypeName.DATE && kind == SqlKind.MINUS) {
      return new Arith(SqlKind.MINUS, compile(a), compile(b), type);
    }
    boolean ia = SqlTypeName.INTERVAL_TYPES.contains(ta);
    boolean ib = SqlTypeName.INTERVAL_TYPES.contains(tb);
    if (kind == SqlKind.DIVIDE && ia && SqlTypeName.YEAR_INTERVAL_TYPES.contains(ta)) {
      throw unsupported("dividing an interval of months");
    }
    if ((ia && ib && (kind == SqlKind.PLUS || kind == SqlKind.MINUS))
        || (ia && SqlTypeName.INT_TYPES.contains(tb) && kind != SqlKind.PLUS)
        || (ib && SqlTypeName.INT_TYPES.contains(ta) && kind == SqlKind.TIMES)) {
      // intervals of one kind added, or scaled by a whole number: months or milliseconds
      return new Arith(kind, compile(a), compile(b), type);
    }
    boolean exactB = tb == SqlTypeName.DECIMAL || SqlTypeName.APPROX_TYPES.contains(tb);
    boolean exactA = ta == SqlTypeName.DECIMAL || SqlTypeName.APPROX_TYPES.contains(ta);
    if (((ia && exactB && kind != SqlKind.PLUS && kind != SqlKind.MINUS)
            || (ib && exactA && kind == SqlKind.TIMES))
        && !SqlTypeName.YEAR_INTERVAL_TYPES.contains(ia ? ta : tb)) {
      // a span of days and time scaled by a fraction: interval '1 second' * extract(epoch ...)
      return new IntervalScale(
          compile(ia ? a : b), compile(ia ? b : a), kind == SqlKind.DIVIDE, type);
    }
    throw unsupported("arithmetic between " + ta + " and " + tb);
  }

  // =============================================================================== expressions

  /** A conjunct {@code column op constant} on whole numbers, as the inclusive range it admits. */
  public record ColumnRange(int column, long lo, long hi) {}

  /**
   * The range a conjunct admits when it compares a column stored as whole numbers (integers, dates,
   * timestamps, booleans; decimals at the same scale) with a constant of the same kind; null for
   * any other conjunct.
   */
  public static ColumnRange columnRange(Expr e) {
    if (!(e instanceof Compare c)) {
      return null;
    }
    SqlKind op = c.op;
    InputRef ref;
    Literal lit;
    if (c.left instanceof InputRef l && c.right instanceof Literal r) {
      ref = l;
      lit = r;
    } else if (c.right instanceof InputRef r && c.left instanceof Literal l) {
      ref = r;
      lit = l;
      op = op.reverse();
    } else {
      return null;
    }
    ColumnType ct = ref.type();
    ColumnType lt = lit.type();
    if (!(lit.value() instanceof Long v) || !ct.kind().isLongBased()) {
      return null;
    }
    boolean sameScale =
        ct.kind() == TypeKind.DECIMAL
            ? lt.kind() == TypeKind.DECIMAL && lt.scale() == ct.scale()
            : lt.kind().isIntegral() ? ct.kind().isIntegral() : lt.kind() == ct.kind();
    if (!sameScale) {
      return null;
    }
    return switch (op) {
      case EQUALS -> new ColumnRange(ref.index(), v, v);
      case LESS_THAN ->
          v == Long.MIN_VALUE
              ? new ColumnRange(ref.index(), 1, 0)
              : new ColumnRange(ref.index(), Long.MIN_VALUE, v - 1);
      case LESS_THAN_OR_EQUAL -> new ColumnRange(ref.index(), Long.MIN_VALUE, v);
      case GREATER_THAN ->
          v == Long.MAX_VALUE
              ? new ColumnRange(ref.index(), 1, 0)
              : new ColumnRange(ref.index(), v + 1, Long.MAX_VALUE);
      case GREATER_THAN_OR_EQUAL -> new ColumnRange(ref.index(), v, Long.MAX_VALUE);
      default -> null;
    };
  }

  /** A column of the input. */
  public record InputRef(int index, ColumnType type) implements Expr {
    @Override
    public Vec eval(Batch b) {
      return b.cols[index];
    }

    @Override
    public int inputIndex() {
      return index;
    }
  }

  /** A constant. */
  public record Literal(ColumnType type, Object value) implements Expr {
    @Override
    public Vec eval(Batch b) {
      return Vec.constant(type, value, b.size);
    }

    @Override
    public boolean isConstant() {
      return true;
    }

    @Override
    public Object constant() {
      return value;
    }
  }

  /** +, -, *, / and % on numbers (and day counts between dates). */
  static final class Arith implements Expr {
    private final SqlKind op;
    private final Expr left;
    private final Expr right;
    private final ColumnType type;

    Arith(SqlKind op, Expr left, Expr right, ColumnType type) {
      this.op = op;
      this.left = left;
      this.right = right;
      this.type = type;
    }

    @Override
    public ColumnType type() {
      return type;
    }

    @Override
    public Vec eval(Batch b) {
      Vec l = left.eval(b);
      Vec r = right.eval(b);
      int n = b.size;
      boolean[] nulls = VecMath.orNulls(l.nulls, r.nulls, n);
      if (type.kind().isFloating()) {
        double[] x = VecMath.doubles(l);
        double[] y = VecMath.doubles(r);
        double[] out = new double[n];
        switch (op) {
          case PLUS -> {
            for (int i = 0; i < n; i++) out[i] = x[i] + y[i];
          }
          case MINUS -> {
            for (int i = 0; i < n; i++) out[i] = x[i] - y[i];
          }
          case TIMES -> {
            for (int i = 0; i < n; i++) out[i] = x[i] * y[i];
          }
          case DIVIDE, MOD -> {
            for (int i = 0; i < n; i++) {
              if (y[i] == 0 && (nulls == null || !nulls[i])) {
                throw VecMath.divisionByZero();
              }
              out[i] = op == SqlKind.DIVIDE ? x[i] / y[i] : x[i] % y[i];
            }
          }
          default -> throw unsupported(op.toString());
        }
        if (type.kind() == TypeKind.FLOAT) {
          for (int i = 0; i < n; i++) out[i] = (float) out[i];
        }
        return Vec.ofDoubles(type, out, nulls, n);
      }
      if (type.kind() == TypeKind.NUMERIC) {
        return numeric(l, r, nulls, n);
      }
      if (l.type.kind() == TypeKind.NUMERIC || r.type.kind() == TypeKind.NUMERIC) {
        // a numeric operand with a result Calcite typed narrower (a remainder): computed exactly
        return CastExpr.convert(
            new Arith(op, left, right, ColumnType.NUMERIC).numeric(l, r, nulls, n), type);
      }
      if (type.kind() == TypeKind.DECIMAL
          && (op == SqlKind.TIMES || op == SqlKind.DIVIDE || op == SqlKind.MOD)) {
        return decimalMulDiv(l, r, nulls, n);
      }
      int scale = VecMath.scaleOf(type);
      long[] x = VecMath.scaled(l, scale);
      long[] y = VecMath.scaled(r, scale);
      long[] out = new long[n];
      switch (op) {
        case PLUS -> {
          for (int i = 0; i < n; i++) {
            long s = x[i] + y[i];
            if (((x[i] ^ s) & (y[i] ^ s)) < 0) throw VecMath.overflow(type);
            out[i] = s;
          }
        }
        case MINUS -> {
          for (int i = 0; i < n; i++) {
            long s = x[i] - y[i];
            if (((x[i] ^ y[i]) & (x[i] ^ s)) < 0) throw VecMath.overflow(type);
            out[i] = s;
          }
        }
        case TIMES -> {
          for (int i = 0; i < n; i++) {
            long hi = Math.multiplyHigh(x[i], y[i]);
            long lo = x[i] * y[i];
            if ((hi != 0 || lo < 0) && (hi != -1 || lo >= 0)) throw VecMath.overflow(type);
            out[i] = lo;
          }
        }
        case DIVIDE, MOD -> {
          for (int i = 0; i < n; i++) {
            if (nulls != null && nulls[i]) {
              continue;
            }
            if (y[i] == 0) {
              throw VecMath.divisionByZero();
            }
            if (x[i] == Long.MIN_VALUE && y[i] == -1) {
              throw VecMath.overflow(type);
            }
            out[i] = op == SqlKind.DIVIDE ? x[i] / y[i] : x[i] % y[i];
          }
        }
        default -> throw unsupported(op.toString());
      }
      VecMath.checkRange(type, out, nulls, n);
      return Vec.ofLongs(type, out, nulls, n);
    }

    /** Exact arithmetic, each value at its own scale, as PostgreSQL's numeric computes. */
    private Vec numeric(Vec l, Vec r, boolean[] nulls, int n) {
      String[] out = new String[n];
      for (int i = 0; i < n; i++) {
        if (nulls != null && nulls[i]) {
          continue;
        }
        BigDecimal x = VecMath.decimal(l, i);
        BigDecimal y = VecMath.decimal(r, i);
        BigDecimal z =
            switch (op) {
              case PLUS -> x.add(y);
              case MINUS -> x.subtract(y);
              case TIMES -> x.multiply(y);
              case DIVIDE -> Numeric.divide(x, y);
              case MOD -> {
                if (y.signum() == 0) {
                  throw VecMath.divisionByZero();
                }
                yield x.remainder(y);
              }
              default -> throw unsupported(op.toString());
            };
        out[i] = Numeric.text(z);
      }
      return Vec.ofStrings(type, out, nulls, n);
    }

    private Vec decimalMulDiv(Vec l, Vec r, boolean[] nulls, int n) {
      int sl = VecMath.scaleOf(l.type);
      int sr = VecMath.scaleOf(r.type);
      int rs = type.scale();
      long[] out = new long[n];
      for (int i = 0; i < n; i++) {
        if (nulls != null && nulls[i]) {
          continue;
        }
        BigDecimal x =
            l.form == Vec.Form.DOUBLE
                ? BigDecimal.valueOf(l.doubles[i])
                : BigDecimal.valueOf(l.longs[i], sl);
        BigDecimal y =
            r.form == Vec.Form.DOUBLE
                ? BigDecimal.valueOf(r.doubles[i])
                : BigDecimal.valueOf(r.longs[i], sr);
        BigDecimal z;
        if (op == SqlKind.TIMES) {
          z = x.multiply(y);
        } else {
          if (y.signum() == 0) {
            throw VecMath.divisionByZero();
          }
          z = op == SqlKind.DIVIDE ? x.divide(y, rs + 2, RoundingMode.HALF_UP) : x.remainder(y);
        }
        out[i] = type.decimalToUnscaled(z);
      }
      return Vec.ofLongs(type, out, nulls, n);
    }
  }

  /** A day-time interval (milliseconds) times or divided by a number, to the millisecond. */
  static final class IntervalScale implements Expr {
    private final Expr interval;
    private final Expr factor;
    private final boolean divide;
    private final ColumnType type;

    IntervalScale(Expr interval, Expr factor, boolean divide, ColumnType type) {
      this.interval = interval;
      this.factor = factor;
      this.divide = divide;
      this.type = type;
    }

    @Override
    public ColumnType type() {
      return type;
    }

    @Override
    public Vec eval(Batch b) {
      Vec iv = interval.eval(b);
      Vec f = factor.eval(b);
      int n = b.size;
      boolean[] nulls = VecMath.orNulls(iv.nulls, f.nulls, n);
      long[] out = new long[n];
      for (int i = 0; i < n; i++) {
        if (nulls != null && nulls[i]) {
          continue;
        }
        BigDecimal x = BigDecimal.valueOf(iv.longs[i]);
        BigDecimal y = VecMath.decimal(f, i);
        if (divide && y.signum() == 0) {
          throw VecMath.divisionByZero();
        }
        BigDecimal r = divide ? x.divide(y, 0, RoundingMode.HALF_UP) : x.multiply(y);
        try {
          out[i] = r.setScale(0, RoundingMode.HALF_UP).longValueExact();
        } catch (ArithmeticException e) {
          throw new SqlException("22015", "interval out of range");
        }
      }
      return Vec.ofLongs(type, out, nulls, n);
    }
  }

  /** A date or timestamp moved by an interval (milliseconds, or months for year-month ones). */
  static final class DateAdd implements Expr {
    private final Expr datetime;
    private final Expr interval;
    private final boolean months;
    private final boolean subtract;
    private final ColumnType type;
    private final java.time.ZoneId zone;

    DateAdd(
        Expr datetime,
        Expr interval,
        boolean months,
        boolean subtract,
        ColumnType type,
        java.time.ZoneId zone) {
      this.datetime = datetime;
      this.interval = interval;
      this.months = months;
      this.subtract = subtract;
      this.type = type;
      this.zone = zone;
    }

    @Override
    public ColumnType type() {
      return type;
    }

    @Override
    public Vec eval(Batch b) {
      Vec d = datetime.eval(b);
      Vec iv = interval.eval(b);
      int n = b.size;
      boolean[] nulls = VecMath.orNulls(d.nulls, iv.nulls, n);
      long[] out = new long[n];
      boolean isDate = type.kind() == TypeKind.DATE;
      for (int i = 0; i < n; i++) {
        long amount = subtract ? -iv.longs[i] : iv.longs[i];
        long v = d.longs[i];
        if (months) {
          // months move the calendar date, what is under them the clock (see INTERVAL_MONTHS);
          // an instant's calendar is the session's time zone's
          long m = ColumnType.intervalMonths(amount);
          long under = ColumnType.intervalMillis(amount);
          if (isDate) {
            out[i] = LocalDate.ofEpochDay(v).plusMonths(m).toEpochDay();
          } else {
            boolean instant = type.kind() == TypeKind.TIMESTAMPTZ;
            long local = instant ? TimeZones.local(v, zone) : v;
            long day = Math.floorDiv(local, 86_400_000L);
            long ms = Math.floorMod(local, 86_400_000L);
            long moved = LocalDate.ofEpochDay(day).plusMonths(m).toEpochDay() * 86_400_000L + ms;
            out[i] = (instant ? TimeZones.instant(moved, zone) : moved) + under;
          }
        } else {
          out[i] = isDate ? v + Math.floorDiv(amount, 86_400_000L) : v + amount;
        }
      }
      return Vec.ofLongs(type, out, nulls, n);
    }
  }

  /** Comparisons, with SQL's NULL rules (IS [NOT] DISTINCT FROM treats NULLs as values). */
  static final class Compare implements Expr {
    private final SqlKind op;
    private final Expr left;
    private final Expr right;

    Compare(SqlKind op, Expr left, Expr right) {
      this.op = op;
      this.left = left;
      this.right = right;
    }

    @Override
    public ColumnType type() {
      return ColumnType.BOOLEAN;
    }

    @Override
    public Vec eval(Batch b) {
      int n = b.size;
      Vec l = left.eval(b);
      long[] out = new long[n];
      ColumnType lt = left.type();
      ColumnType rt = right.type();
      boolean numeric = lt.kind() == TypeKind.NUMERIC || rt.kind() == TypeKind.NUMERIC;
      boolean text = !numeric && (lt.kind().isStringBased() || rt.kind().isStringBased());
      if (text
          && right.isConstant()
          && l.form == Vec.Form.DICT
          && right.constant() != null
          && (op == SqlKind.EQUALS || op == SqlKind.NOT_EQUALS)) {
        int code = l.dict.find((String) right.constant());
        int[] c = l.codes;
        boolean eq = op == SqlKind.EQUALS;
        for (int i = 0; i < n; i++) {
          out[i] = (c[i] == code) == eq ? 1 : 0;
        }
        return Vec.ofLongs(ColumnType.BOOLEAN, out, l.nulls, n);
      }
      Vec r = right.eval(b);
      int[] cmp = new int[n];
      if (numeric) {
        // by value: 1.0 = 1.00; whichever side is not a numeric is read as one (a constant once)
        BigDecimal constant =
            right.isConstant() && right.constant() != null && n > 0 ? VecMath.decimal(r, 0) : null;
        for (int i = 0; i < n; i++) {
          BigDecimal x = VecMath.decimal(l, i);
          BigDecimal y = constant != null ? constant : VecMath.decimal(r, i);
          cmp[i] = x == null || y == null ? 0 : x.compareTo(y);
        }
      } else if (text) {
        for (int i = 0; i < n; i++) {
          String x = l.string(i);
          String y = r.string(i);
          cmp[i] = x == null || y == null ? 0 : x.compareTo(y);
        }
      } else if (lt.kind().isFloating() || rt.kind().isFloating()) {
        double[] x = VecMath.doubles(l);
        double[] y = VecMath.doubles(r);
        for (int i = 0; i < n; i++) cmp[i] = Double.compare(x[i], y[i]);
      } else {
        int scale = Math.max(VecMath.scaleOf(lt), VecMath.scaleOf(rt));
        long[] x = VecMath.scaled(l, scale);
        long[] y = VecMath.scaled(r, scale);
        for (int i = 0; i < n; i++) cmp[i] = Long.compare(x[i], y[i]);
      }
      boolean[] ln = l.nulls;
      boolean[] rn = r.nulls;
      if (op == SqlKind.IS_DISTINCT_FROM || op == SqlKind.IS_NOT_DISTINCT_FROM) {
        boolean distinct = op == SqlKind.IS_DISTINCT_FROM;
        for (int i = 0; i < n; i++) {
          boolean a = ln != null && ln[i];
          boolean c = rn != null && rn[i];
          boolean same = a && c || (!a && !c && cmp[i] == 0);
          out[i] = same != distinct ? 1 : 0;
        }
        return Vec.ofLongs(ColumnType.BOOLEAN, out, null, n);
      }
      switch (op) {
        case EQUALS -> {
          for (int i = 0; i < n; i++) out[i] = cmp[i] == 0 ? 1 : 0;
        }
        case NOT_EQUALS -> {
          for (int i = 0; i < n; i++) out[i] = cmp[i] != 0 ? 1 : 0;
        }
        case LESS_THAN -> {
          for (int i = 0; i < n; i++) out[i] = cmp[i] < 0 ? 1 : 0;
        }
        case LESS_THAN_OR_EQUAL -> {
          for (int i = 0; i < n; i++) out[i] = cmp[i] <= 0 ? 1 : 0;
        }
        case GREATER_THAN -> {
          for (int i = 0; i < n; i++) out[i] = cmp[i] > 0 ? 1 : 0;
        }
        default -> {
          for (int i = 0; i < n; i++) out[i] = cmp[i] >= 0 ? 1 : 0;
        }
      }
      return Vec.ofLongs(ColumnType.BOOLEAN, out, VecMath.orNulls(ln, rn, n), n);
    }
  }

  /** AND / OR with three-valued logic. */
  static final class Logic implements Expr {
    private final boolean and;
    private final List<Expr> args;

    Logic(boolean and, List<Expr> args) {
      this.and = and;
      this.args = args;
    }

    @Override
    public ColumnType type() {
      return ColumnType.BOOLEAN;
    }

    @Override
    public Vec eval(Batch b) {
      int n = b.size;
      long[] out = new long[n];
      boolean[] unknown = new boolean[n];
      java.util.Arrays.fill(out, and ? 1 : 0);
      for (Expr e : args) {
        Vec v = e.eval(b);
        long[] x = v.longs;
        boolean[] vn = v.nulls;
        for (int i = 0; i < n; i++) {
          if (vn != null && vn[i]) {
            unknown[i] = true;
          } else if (and ? x[i] == 0 : x[i] != 0) {
            out[i] = and ? 0 : 1;
          }
        }
      }
      boolean any = false;
      for (int i = 0; i < n; i++) {
        // the result is unknown only when no operand decided it
        unknown[i] &= and ? out[i] == 1 : out[i] == 0;
        any |= unknown[i];
      }
      return Vec.ofLongs(ColumnType.BOOLEAN, out, any ? unknown : null, n);
    }
  }

  static final class Not implements Expr {
    private final Expr arg;

    Not(Expr arg) {
      this.arg = arg;
    }

    @Override
    public ColumnType type() {
      return ColumnType.BOOLEAN;
    }

    @Override
    public Vec eval(Batch b) {
      Vec v = arg.eval(b);
      long[] out = new long[b.size];
      for (int i = 0; i < b.size; i++) {
        out[i] = v.longs[i] == 0 ? 1 : 0;
      }
      return Vec.ofLongs(ColumnType.BOOLEAN, out, v.nulls, b.size);
    }
  }

  /** IS [NOT] NULL / TRUE / FALSE: never NULL themselves. */
  static final class Is implements Expr {
    private final SqlKind op;
    private final Expr arg;

    Is(SqlKind op, Expr arg) {
      this.op = op;
      this.arg = arg;
    }

    @Override
    public ColumnType type() {
      return ColumnType.BOOLEAN;
    }

    @Override
    public Vec eval(Batch b) {
      Vec v = arg.eval(b);
      long[] out = new long[b.size];
      for (int i = 0; i < b.size; i++) {
        boolean isNull = v.nulls != null && v.nulls[i];
        boolean r =
            switch (op) {
              case IS_NULL -> isNull;
              case IS_NOT_NULL -> !isNull;
              case IS_TRUE -> !isNull && v.longs[i] != 0;
              case IS_FALSE -> !isNull && v.longs[i] == 0;
              case IS_NOT_TRUE -> isNull || v.longs[i] == 0;
              default -> isNull || v.longs[i] != 0;
            };
        out[i] = r ? 1 : 0;
      }
      return Vec.ofLongs(ColumnType.BOOLEAN, out, null, b.size);
    }
  }

  /** CASE WHEN c1 THEN v1 ... ELSE e END: operands alternate conditions and values. */
  static final class Case implements Expr {
    private final List<Expr> args;
    private final ColumnType type;

    Case(List<Expr> args, ColumnType type) {
      this.args = args;
      this.type = type;
    }

    @Override
    public ColumnType type() {
      return type;
    }

    @Override
    public Vec eval(Batch b) {
      int n = b.size;
      int[] chosen = new int[n];
      java.util.Arrays.fill(chosen, -1);
      int pairs = args.size() / 2;
      for (int k = 0; k < pairs; k++) {
        Vec c = args.get(2 * k).eval(b);
        for (int i = 0; i < n; i++) {
          if (chosen[i] < 0 && c.longs[i] != 0 && (c.nulls == null || !c.nulls[i])) {
            chosen[i] = 2 * k + 1;
          }
        }
      }
      boolean hasElse = args.size() % 2 == 1;
      Vec[] values = new Vec[args.size()];
      Vec.Form form = Vec.formOf(type);
      long[] l = form == Vec.Form.LONG ? new long[n] : null;
      double[] d = form == Vec.Form.DOUBLE ? new double[n] : null;
      String[] s = form == Vec.Form.STRING ? new String[n] : null;
      boolean[] nulls = new boolean[n];
      boolean anyNull = false;
      for (int i = 0; i < n; i++) {
        int a = chosen[i] >= 0 ? chosen[i] : (hasElse ? args.size() - 1 : -1);
        if (a < 0) {
          nulls[i] = true;
          anyNull = true;
          continue;
        }
        if (values[a] == null) {
          values[a] = CastExpr.convert(args.get(a).eval(b), type);
        }
        Vec v = values[a];
        if (v.isNull(i)) {
          nulls[i] = true;
          anyNull = true;
          continue;
        }
        switch (form) {
          case LONG -> l[i] = v.longs[i];
          case DOUBLE -> d[i] = v.doubles[i];
          default -> s[i] = v.string(i);
        }
      }
      boolean[] nn = anyNull ? nulls : null;
      return switch (form) {
        case LONG -> Vec.ofLongs(type, l, nn, n);
        case DOUBLE -> Vec.ofDoubles(type, d, nn, n);
        default -> Vec.ofStrings(type, s, nn, n);
      };
    }
  }

  /** CAST between Citadel's types. */
  static final class CastExpr implements Expr {
    private final Expr arg;
    private final ColumnType type;

    CastExpr(Expr arg, ColumnType type) {
      this.arg = arg;
      this.type = type;
    }

    @Override
    public ColumnType type() {
      return type;
    }

    @Override
    public int inputIndex() {
      boolean same =
          arg.type().equals(type)
              || (arg.type().kind() == TypeKind.TEXT && type.kind() == TypeKind.TEXT);
      return same ? arg.inputIndex() : -1;
    }

    @Override
    public Vec eval(Batch b) {
      return convert(arg.eval(b), type);
    }

    private static Vec mapLongs(Vec v, ColumnType to, java.util.function.LongUnaryOperator f) {
      long[] l = new long[v.size];
      for (int i = 0; i < v.size; i++) l[i] = f.applyAsLong(v.longs[i]);
      return Vec.ofLongs(to, l, v.nulls, v.size);
    }

    static Vec convert(Vec v, ColumnType to) {
      ColumnType from = v.type;
      if (from.equals(to)) {
        return v;
      }
      int n = v.size;
      TypeKind fk = from.kind();
      TypeKind tk = to.kind();
      if ((tk == TypeKind.NUMERIC || fk == TypeKind.NUMERIC) && !to.isArray()) {
        if (fk == TypeKind.NUMERIC && tk == TypeKind.NUMERIC && to.precision() == 0) {
          return v.retype(to); // numeric without a modifier takes any numeric as it is
        }
        // as an assignment converts: rounded half away from zero, range-checked, text parsed
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
          out[i] = to.assign(v.get(i), from);
        }
        return Vectors.fromBoxed(to, out, n);
      }
      if (fk == TypeKind.TEXT && tk == TypeKind.TEXT && to.isArray() && !from.isArray()) {
        // text read as an array: checked and in its normal form
        String[] s = new String[n];
        for (int i = 0; i < n; i++) {
          s[i] = v.isNull(i) ? null : (String) to.parse(v.string(i));
        }
        return Vec.ofStrings(to, s, v.nulls, n);
      }
      if (fk == TypeKind.TEXT && tk == TypeKind.TEXT) {
        return v.retype(to);
      }
      if (fk.isStringBased() && tk == TypeKind.TEXT) {
        return v.retype(to); // a uuid's, a document's or a bytea's text is its value
      }
      if (tk.isStringBased() && tk != TypeKind.TEXT) {
        // text (or another string-based type) read as a uuid, json, jsonb or bytea
        if (!fk.isStringBased()) {
          throw new SqlException(
              SqlException.CANNOT_COERCE,
              "cannot cast type " + from.pgName() + " to " + to.pgName());
        }
        String[] s = new String[n];
        for (int i = 0; i < n; i++) {
          s[i] = v.isNull(i) ? null : (String) to.parse(v.string(i));
        }
        return Vec.ofStrings(to, s, v.nulls, n);
      }
      if (tk == TypeKind.TEXT) {
        String[] s = new String[n];
        for (int i = 0; i < n; i++) {
          s[i] = v.isNull(i) ? null : from.format(v.get(i));
        }
        return Vec.ofStrings(to, s, v.nulls, n);
      }
      if (fk == TypeKind.TEXT) {
        Vec.Form f = Vec.formOf(to);
        long[] l = f == Vec.Form.LONG ? new long[n] : null;
        double[] d = f == Vec.Form.DOUBLE ? new double[n] : null;
        for (int i = 0; i < n; i++) {
          if (v.isNull(i)) {
            continue;
          }
          Object o = to.parse(v.string(i));
          if (l != null) {
            l[i] = (Long) o;
          } else {
            d[i] = (Double) o;
          }
        }
        return l != null ? Vec.ofLongs(to, l, v.nulls, n) : Vec.ofDoubles(to, d, v.nulls, n);
      }
      if (tk.isFloating()) {
        double[] d = VecMath.doubles(v);
        if (tk == TypeKind.FLOAT) {
          double[] f = new double[n];
          for (int i = 0; i < n; i++) f[i] = (float) d[i];
          d = f;
        }
        return Vec.ofDoubles(to, d == v.doubles ? d.clone() : d, v.nulls, n);
      }
      boolean fromInstant = fk == TypeKind.TIMESTAMP || fk == TypeKind.TIMESTAMPTZ;
      boolean toInstant = tk == TypeKind.TIMESTAMP || tk == TypeKind.TIMESTAMPTZ;
      if (toInstant && fromInstant) {
        return v.retype(to); // the session's time zone is UTC
      }
      if (tk == TypeKind.TIME && fromInstant) {
        return mapLongs(v, to, ms -> Math.floorMod(ms, 86_400_000L));
      }
      if (tk == TypeKind.DATE && fromInstant) {
        return mapLongs(v, to, ms -> Math.floorDiv(ms, 86_400_000L));
      }
      if (toInstant && fk == TypeKind.DATE) {
        return mapLongs(v, to, day -> day * 86_400_000L);
      }
      if (tk == TypeKind.BOOLEAN) {
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
          l[i] =
              v.form == Vec.Form.DOUBLE ? (v.doubles[i] != 0 ? 1 : 0) : (v.longs[i] != 0 ? 1 : 0);
        }
        return Vec.ofLongs(to, l, v.nulls, n);
      }
      // to an integral or decimal type
      int scale = VecMath.scaleOf(to);
      long[] out;
      if (v.form == Vec.Form.DOUBLE) {
        out = new long[n];
        double m = ColumnType.pow10(scale);
        for (int i = 0; i < n; i++) {
          if (v.isNull(i)) {
            continue;
          }
          double x = Math.rint(v.doubles[i] * m);
          if (Double.isNaN(x) || x >= 9.223372036854776E18 || x < -9.223372036854776E18) {
            throw VecMath.overflow(to);
          }
          out[i] = (long) x;
        }
      } else {
        out = VecMath.scaled(v, scale);
        if (out == v.longs) {
          out = out.clone();
        }
      }
      VecMath.checkRange(to, out, v.nulls, n);
      return Vec.ofLongs(to, out, v.nulls, n);
    }
  }

  /** LIKE with a constant pattern ({@code %}, {@code _}, optional escape). */
  static final class Like implements Expr {
    private final Expr arg;
    private final Pattern pattern;

    Like(Expr arg, String like, String escape, boolean caseSensitive) {
      this.arg = arg;
      this.pattern =
          Pattern.compile(
              toRegex(like, escape),
              caseSensitive
                  ? Pattern.DOTALL
                  : Pattern.DOTALL | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    static String toRegex(String like, String escape) {
      char esc = escape == null || escape.isEmpty() ? 0 : escape.charAt(0);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < like.length(); i++) {
        char c = like.charAt(i);
        if (esc != 0 && c == esc && i + 1 < like.length()) {
          sb.append(Pattern.quote(String.valueOf(like.charAt(++i))));
        } else if (c == '%') {
          sb.append(".*");
        } else if (c == '_') {
          sb.append('.');
        } else {
          sb.append(Pattern.quote(String.valueOf(c)));
        }
      }
      return sb.toString();
    }

    @Override
    public ColumnType type() {
      return ColumnType.BOOLEAN;
    }

    @Override
    public Vec eval(Batch b) {
      Vec v = arg.eval(b);
      long[] out = new long[b.size];
      for (int i = 0; i < b.size; i++) {
        if (!v.isNull(i)) {
          out[i] = pattern.matcher(v.string(i)).matches() ? 1 : 0;
        }
      }
      return Vec.ofLongs(ColumnType.BOOLEAN, out, v.nulls, b.size);
    }
  }

  /**
   * PostgreSQL's {@code ~}, {@code ~*}, {@code !~} and {@code !~*}: whether the text contains a
   * match of the pattern (a POSIX regular expression, read by Java's engine, which agrees on the
   * common syntax). A pattern that is not valid is an error naming it.
   */
  static final class Regex implements Expr {
    private final Expr text;
    private final Expr pattern;
    private final boolean insensitive;
    private final boolean negated;
    private String lastSource;
    private Pattern last;

    Regex(Expr text, Expr pattern, boolean insensitive, boolean negated) {
      this.text = text;
      this.pattern = pattern;
      this.insensitive = insensitive;
      this.negated = negated;
    }

    @Override
    public ColumnType type() {
      return ColumnType.BOOLEAN;
    }

    private Pattern compiled(String source) {
      if (!source.equals(lastSource)) {
        try {
          last =
              Pattern.compile(
                  source, insensitive ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
        } catch (java.util.regex.PatternSyntaxException e) {
          throw new SqlException("2201B", "invalid regular expression: " + e.getDescription());
        }
        lastSource = source;
      }
      return last;
    }

    @Override
    public Vec eval(Batch b) {
      Vec t = text.eval(b);
      Vec p = pattern.eval(b);
      long[] out = new long[b.size];
      boolean[] nulls = VecMath.orNulls(null, t.nulls, b.size);
      nulls = VecMath.orNulls(nulls, p.nulls, b.size);
      for (int i = 0; i < b.size; i++) {
        if (nulls != null && nulls[i]) {
          continue;
        }
        boolean found = compiled(p.string(i)).matcher(t.string(i)).find();
        out[i] = found != negated ? 1 : 0;
      }
      return Vec.ofLongs(ColumnType.BOOLEAN, out, nulls, b.size);
    }
  }

  /** EXTRACT(unit FROM date or timestamp). */
  static final class Extract implements Expr {
    private final TimeUnitRange unit;
    private final Expr arg;
    private final ColumnType type;
    private final java.time.ZoneId zone;

    Extract(TimeUnitRange unit, Expr arg, ColumnType type, java.time.ZoneId zone) {
      this.unit = unit;
      this.arg = arg;
      this.type = type;
      this.zone = zone;
    }

    @Override
    public ColumnType type() {
      return type;
    }

    @Override
    public Vec eval(Batch b) {
      Vec v = arg.eval(b);
      if (v.type.kind() == TypeKind.INTERVAL) {
        return intervalPart(v, b.size);
      }
      if (unit != TimeUnitRange.EPOCH) {
        v = ZonedCast.local(v, zone); // an instant's fields are the session's local ones
      }
      // a time of day is read as one on 1970-01-01
      boolean ts = v.type.kind().isDatetime() && v.type.kind() != TypeKind.DATE;
      if (v.type.kind() != TypeKind.DATE && !ts) {
        throw new SqlException(
            SqlException.DATATYPE_MISMATCH, "EXTRACT needs a date or timestamp, got " + v.type);
      }
      int n = b.size;
      if (type.kind() == TypeKind.NUMERIC) {
        // epoch and second, in seconds with PostgreSQL's six fractional digits (a date's epoch
        // has none)
        String[] s = new String[n];
        for (int i = 0; i < n; i++) {
          if (v.isNull(i)) {
            continue;
          }
          long x = v.longs[i];
          BigDecimal seconds =
              !ts
                  ? BigDecimal.valueOf(unit == TimeUnitRange.EPOCH ? x * 86_400L : 0)
                  : BigDecimal.valueOf(
                          unit == TimeUnitRange.EPOCH ? x : Math.floorMod(x, 60_000L), 3)
                      .setScale(6);
          s[i] = Numeric.text(seconds);
        }
        return Vec.ofStrings(type, s, v.nulls, n);
      }
      long[] out = new long[n];
      for (int i = 0; i < n; i++) {
        if (v.isNull(i)) {
          continue;
        }
        long x = v.longs[i];
        long day = ts ? Math.floorDiv(x, 86_400_000L) : x;
        long ms = ts ? Math.floorMod(x, 86_400_000L) : 0;
        out[i] =
            switch (unit) {
              case YEAR -> LocalDate.ofEpochDay(day).getYear();
              case MONTH -> LocalDate.ofEpochDay(day).getMonthValue();
              case DAY -> LocalDate.ofEpochDay(day).getDayOfMonth();
              case QUARTER -> (LocalDate.ofEpochDay(day).getMonthValue() + 2) / 3;
              case DOW -> LocalDate.ofEpochDay(day).getDayOfWeek().getValue() % 7;
              case ISODOW -> LocalDate.ofEpochDay(day).getDayOfWeek().getValue();
              case DOY -> LocalDate.ofEpochDay(day).getDayOfYear();
              case WEEK ->
                  LocalDate.ofEpochDay(day)
                      .get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR);
              case DECADE -> LocalDate.ofEpochDay(day).getYear() / 10;
              case CENTURY -> (LocalDate.ofEpochDay(day).getYear() + 99) / 100;
              case HOUR -> ms / 3_600_000L;
              case MINUTE -> ms / 60_000L % 60;
              case SECOND -> ms / 1000 % 60;
              case EPOCH -> ts ? Math.floorDiv(x, 1000) : x * 86_400L;
              default -> throw unsupported("EXTRACT(" + unit + ")");
            };
      }
      return Vec.ofLongs(type, out, v.nulls, n);
    }

    /** EXTRACT from an interval: its fields as PostgreSQL splits them. */
    private Vec intervalPart(Vec v, int n) {
      long[] out = new long[n];
      int flavor = v.type.scale();
      String[] exact = type.kind() == TypeKind.NUMERIC ? new String[n] : null;
      for (int i = 0; i < n; i++) {
        if (v.isNull(i)) {
          continue;
        }
        long x = v.longs[i];
        long months = flavor == 0 ? ColumnType.intervalMonths(x) : 0;
        long ms = flavor == 0 ? ColumnType.intervalMillis(x) : x;
        long days = flavor == 2 ? 0 : ms / 86_400_000L;
        long clock = flavor == 2 ? ms : ms % 86_400_000L;
        out[i] =
            switch (unit) {
              case YEAR -> months / 12;
              case MONTH -> months % 12;
              case DAY -> days;
              case HOUR -> clock / 3_600_000L;
              case MINUTE -> clock / 60_000L % 60;
              case SECOND -> clock / 1000 % 60;
              // PostgreSQL counts a month as 30 days, a year as 365.25
              case EPOCH -> (months / 12) * 31_557_600L + (months % 12) * 2_592_000L + ms / 1000;
              default -> throw unsupported("EXTRACT(" + unit + ") of an interval");
            };
        if (exact != null) {
          // with the milliseconds, and PostgreSQL's six fractional digits
          long sub = unit == TimeUnitRange.EPOCH ? ms % 1000 : clock % 1000;
          exact[i] = Numeric.text(BigDecimal.valueOf(out[i] * 1000 + sub, 3).setScale(6));
        }
      }
      if (exact != null) {
        return Vec.ofStrings(type, exact, v.nulls, n);
      }
      return Vec.ofLongs(type, out, v.nulls, n);
    }
  }
}
