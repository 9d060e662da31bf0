package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ArrayForm;
import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A set-returning function run for each row of its input ({@code FROM t, LATERAL f(t.x)}, and what
 * a set-returning function in a select list becomes): every input row is repeated once per row the
 * function returns for that row's arguments, with the function's columns after the input's. An
 * outer apply keeps an input row the function returns nothing for, its columns NULL.
 */
public final class SetFunctionNode extends PhysicalNode {
  /** Most rows one output batch holds, so that a row that expands a lot streams. */
  private static final int MAX_BATCH = 4096;

  private final PhysicalNode input;
  private final SetFunction function;
  private final Expr[] args;
  private final boolean outer;

  /** For ARRAY(subquery over the function): what the subquery makes of one row's rows. */
  private final java.util.function.UnaryOperator<Batch> collected;

  public SetFunctionNode(PhysicalNode input, SetFunction function, Expr[] args, boolean outer) {
    super(concat(input.types(), function.types()));
    this.input = input;
    this.function = function;
    this.args = args;
    this.outer = outer;
    this.collected = null;
  }

  /**
   * {@code ARRAY(SELECT ... FROM f(t.x) ...)} for each row of {@code input}: the function's rows
   * for the row (after the input's columns), through {@code subquery} (its filters and
   * projections), whose first column after the input's is gathered into one array value.
   */
  public SetFunctionNode(
      PhysicalNode input,
      SetFunction function,
      Expr[] args,
      java.util.function.UnaryOperator<Batch> subquery,
      ColumnType arrayType) {
    super(concat(input.types(), new ColumnType[] {arrayType}));
    this.input = input;
    this.function = function;
    this.args = args;
    this.outer = true;
    this.collected = subquery;
  }

  private static ColumnType[] concat(ColumnType[] a, ColumnType[] b) {
    ColumnType[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Override
  public Source open(ExecContext ctx) {
    return input.open(ctx).flatMap((b, out) -> expand(b, out, ctx));
  }

  private void expand(Batch b, java.util.function.Consumer<Batch> out, ExecContext ctx) {
    Vec[] argVecs = new Vec[args.length];
    for (int a = 0; a < args.length; a++) {
      argVecs[a] = args[a].eval(b);
    }
    if (collected != null) {
      out.accept(collect(b, argVecs));
      return;
    }
    int width = input.types().length;
    ColumnType[] fnTypes = function.types();
    int[] sel = new int[MAX_BATCH];
    List<Object[]> produced = new ArrayList<>();
    Object[] values = new Object[args.length];
    for (int i = 0; i < b.size; i++) {
      for (int a = 0; a < args.length; a++) {
        values[a] = argVecs[a].isNull(i) ? null : argVecs[a].get(i);
      }
      List<Object[]> rows = function.rows(values);
      if (rows.isEmpty() && outer) {
        rows = List.<Object[]>of(new Object[fnTypes.length]);
      }
      for (Object[] row : rows) {
        sel[produced.size()] = i;
        produced.add(row);
        if (produced.size() == MAX_BATCH) {
          out.accept(batch(b, sel, produced, width, fnTypes));
          produced.clear();
          ctx.checkCancelled();
        }
      }
    }
    if (!produced.isEmpty()) {
      out.accept(batch(b, sel, produced, width, fnTypes));
    }
  }

  /** Each input row with the array of what the subquery made of its rows. */
  private Batch collect(Batch b, Vec[] argVecs) {
    int width = input.types().length;
    Object[] arrays = new Object[b.size];
    Object[] values = new Object[args.length];
    for (int i = 0; i < b.size; i++) {
      for (int a = 0; a < args.length; a++) {
        values[a] = argVecs[a].isNull(i) ? null : argVecs[a].get(i);
      }
      List<Object[]> rows = function.rows(values);
      int[] sel = new int[rows.size()];
      Arrays.fill(sel, i);
      Batch made = collected.apply(batch(b, sel, rows, width, function.types()));
      List<String> elements = new ArrayList<>(made.size);
      Vec v = made.cols[width];
      for (int r = 0; r < made.size; r++) {
        elements.add(v.isNull(r) ? null : v.type.format(v.get(r)));
      }
      arrays[i] = ArrayForm.format(elements);
    }
    Vec[] cols = Arrays.copyOf(b.cols, width + 1);
    cols[width] = Vectors.fromBoxed(types[width], arrays, b.size);
    return new Batch(cols, b.size);
  }

  private static Batch batch(
      Batch in, int[] sel, List<Object[]> rows, int width, ColumnType[] fnTypes) {
    int n = rows.size();
    Vec[] cols = new Vec[width + fnTypes.length];
    for (int c = 0; c < width; c++) {
      cols[c] = in.cols[c].gather(sel, n);
    }
    for (int c = 0; c < fnTypes.length; c++) {
      Object[] v = new Object[n];
      for (int r = 0; r < n; r++) {
        v[r] = rows.get(r)[c];
      }
      cols[width + c] = Vectors.fromBoxed(fnTypes[c], v, n);
    }
    return new Batch(cols, n);
  }

  public SetFunction function() {
    return function;
  }

  public Expr[] arguments() {
    return args;
  }

  @Override
  public double estimate() {
    return Math.max(1, input.estimate() * 10);
  }

  @Override
  public String describe() {
    return (collected != null ? "CollectApply " : outer ? "OuterApply " : "Apply ")
        + function.name();
  }

  @Override
  public List<PhysicalNode> children() {
    return List.of(input);
  }

  /** A set-returning function: its rows for one set of argument values. */
  public interface SetFunction {
    String name();

    ColumnType[] types();

    /** The rows for these arguments (null for a NULL argument). */
    List<Object[]> rows(Object[] args);
  }

  /**
   * Functions run in step, as PostgreSQL runs the set-returning functions of one select list: as
   * many rows as the longest gives, the others' columns NULL past their end. Function {@code k}
   * takes the next {@code arities[k]} arguments.
   */
  public static SetFunction zip(List<SetFunction> functions, int[] arities) {
    ColumnType[] types =
        functions.stream().flatMap(f -> Arrays.stream(f.types())).toArray(ColumnType[]::new);
    return new SetFunction() {
      @Override
      public String name() {
        return "rows from " + functions.stream().map(SetFunction::name).toList();
      }

      @Override
      public ColumnType[] types() {
        return types;
      }

      @Override
      public List<Object[]> rows(Object[] args) {
        List<List<Object[]>> each = new ArrayList<>();
        int at = 0;
        int longest = 0;
        for (int k = 0; k < functions.size(); k++) {
          List<Object[]> rows =
              functions.get(k).rows(Arrays.copyOfRange(args, at, at + arities[k]));
          at += arities[k];
          each.add(rows);
          longest = Math.max(longest, rows.size());
        }
        List<Object[]> out = new ArrayList<>(longest);
        for (int r = 0; r < longest; r++) {
          Object[] row = new Object[types.length];
          int c = 0;
          for (int k = 0; k < functions.size(); k++) {
            int width = functions.get(k).types().length;
            if (r < each.get(k).size()) {
              System.arraycopy(each.get(k).get(r), 0, row, c, width);
            }
            c += width;
          }
          out.add(row);
        }
        return out;
      }
    };
  }

  /**
   * {@code generate_series(start, stop [, step])} over integers: no rows when a bound is NULL.
   *
   * @param type INTEGER or BIGINT
   */
  public static SetFunction generateSeries(ColumnType type) {
    return new SetFunction() {
      @Override
      public String name() {
        return "generate_series";
      }

      @Override
      public ColumnType[] types() {
        return new ColumnType[] {type};
      }

      @Override
      public List<Object[]> rows(Object[] args) {
        for (Object a : args) {
          if (a == null) {
            return List.of();
          }
        }
        long start = ((Number) args[0]).longValue();
        long stop = ((Number) args[1]).longValue();
        long step = args.length > 2 ? ((Number) args[2]).longValue() : 1;
        if (step == 0) {
          throw new SqlException(SqlException.INVALID_PARAMETER, "step size cannot equal zero");
        }
        List<Object[]> out = new ArrayList<>();
        for (long v = start; step > 0 ? v <= stop : v >= stop; v += step) {
          out.add(new Object[] {v});
          if (out.size() > 100_000_000) {
            throw new SqlException(
                "54000", "generate_series over another table's columns made too many rows");
          }
        }
        return out;
      }
    };
  }

  /**
   * {@code unnest(array)}, {@code generate_subscripts(array, 1)} and {@code
   * information_schema._pg_expandarray(array)} (each element with its 1-based position, as {@code
   * x} and {@code n}): over an array's text form or an {@code int2vector}'s.
   */
  public static SetFunction ofArray(String name, ColumnType element) {
    ColumnType[] types =
        switch (name) {
          case "unnest" -> new ColumnType[] {element};
          case "generate_subscripts" -> new ColumnType[] {ColumnType.INTEGER};
          case "_pg_expandarray" -> new ColumnType[] {element, ColumnType.INTEGER};
          default -> throw new IllegalArgumentException(name);
        };
    return new SetFunction() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public ColumnType[] types() {
        return types;
      }

      @Override
      public List<Object[]> rows(Object[] args) {
        if (args[0] == null) {
          return List.of();
        }
        List<String> elements = ArrayForm.parse(args[0].toString());
        int base = ArrayForm.lowerBound(args[0].toString());
        List<Object[]> out = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
          if (name.equals("generate_subscripts")) {
            out.add(new Object[] {(long) (base + i)});
            continue;
          }
          String e = elements.get(i);
          Object v = e == null ? null : element.parse(e);
          out.add(name.equals("unnest") ? new Object[] {v} : new Object[] {v, (long) (i + 1)});
        }
        return out;
      }
    };
  }
}
