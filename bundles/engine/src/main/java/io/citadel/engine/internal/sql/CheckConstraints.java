package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.exec.Batch;
import io.citadel.engine.internal.exec.Expr;
import io.citadel.engine.internal.exec.ExprCompiler;
import io.citadel.engine.internal.exec.Vec;
import io.citadel.engine.internal.exec.Vectors;
import io.citadel.engine.internal.storage.Constraints;
import io.citadel.engine.internal.storage.Store;
import io.citadel.engine.internal.storage.TableDef;
import io.citadel.engine.internal.types.SqlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.rex.RexNode;

/**
 * Judges rows being written against their table's CHECK constraints, as PostgreSQL does: a row
 * passes when each expression is true or NULL, and the first that is false fails the whole write
 * with 23514 naming the constraint. Each table definition's checks are compiled once.
 */
final class CheckConstraints implements Store.RowCheck {
  private static final int MAX_CACHED = 256;

  private final Store store;
  private final Map<TableDef, List<Expr>> compiled = new ConcurrentHashMap<>();

  CheckConstraints(Store store) {
    this.store = store;
  }

  @Override
  public void check(TableDef def, Object[][] columns, int n) {
    List<Constraints.Check> checks = def.constraints().checks();
    if (checks.isEmpty() || n == 0) {
      return;
    }
    List<Expr> exprs = compiled.get(def);
    if (exprs == null) {
      exprs = compile(def);
      if (compiled.size() >= MAX_CACHED) {
        compiled.clear();
      }
      compiled.put(def, exprs);
    }
    Batch batch = batch(def, columns, n);
    for (int k = 0; k < exprs.size(); k++) {
      Vec v = exprs.get(k).eval(batch);
      for (int r = 0; r < n; r++) {
        if (!v.isNull(r) && v.longs[r] == 0) {
          throw new SqlException(
              "23514",
              "new row for relation \""
                  + def.name()
                  + "\" violates check constraint \""
                  + checks.get(k).name()
                  + "\"");
        }
      }
    }
  }

  private List<Expr> compile(TableDef def) {
    List<String> texts = new ArrayList<>();
    for (Constraints.Check c : def.constraints().checks()) {
      texts.add(c.expression());
    }
    SqlPlanner planner = new SqlPlanner(store);
    List<RexNode> rex = planner.expressionsOver(def.name(), texts);
    ExprCompiler compiler = new ExprCompiler(planner.rexBuilder(), System.currentTimeMillis());
    List<Expr> out = new ArrayList<>();
    for (RexNode r : rex) {
      out.add(compiler.compile(r));
    }
    return out;
  }

  /** The rows being written as a batch, column {@code c} the table's column {@code c}. */
  static Batch batch(TableDef def, Object[][] columns, int n) {
    Vec[] vecs = new Vec[columns.length];
    for (int c = 0; c < columns.length; c++) {
      vecs[c] = Vectors.fromBoxed(def.columns().get(c).type(), columns[c], n);
    }
    return new Batch(vecs, n);
  }
}
