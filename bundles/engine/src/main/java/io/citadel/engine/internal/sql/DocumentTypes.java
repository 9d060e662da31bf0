package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.TypeKind;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlKind;

/**
 * json and jsonb in plans. Calcite has no document type: both are planned as text, which is right
 * for storing and moving them but not for two things PostgreSQL does by type. A jsonb value
 * compares by what it holds ({@code '{"a": 1.0}'} equals {@code '{"a":1}'}), and a client decodes a
 * result column by its type ({@code doc -> 'a'} is jsonb, not text). This class follows a value
 * back to where it came from, a json or jsonb column or a {@code ::json}/{@code ::jsonb} cast,
 * through the document operators that keep the type.
 */
final class DocumentTypes {
  private DocumentTypes() {}

  /** JSON or JSONB when field {@code i} of {@code rel} holds documents; else null. */
  static TypeKind kind(RelNode rel, int i) {
    if (rel instanceof Project p) {
      return kind(p.getInput(), p.getProjects().get(i));
    }
    ColumnType stored = passedColumn(rel, i);
    if (stored == null) {
      return null;
    }
    TypeKind k = stored.kind();
    return k == TypeKind.JSON || k == TypeKind.JSONB ? k : null;
  }

  /**
   * The stored type of the table column that field {@code i} of {@code rel} passes on unchanged,
   * through projections, filters, sorts, windows, joins and grouping keys; null when the field is
   * computed.
   */
  static ColumnType passedColumn(RelNode rel, int i) {
    if (rel instanceof Project p) {
      RexNode e = p.getProjects().get(i);
      if (e instanceof RexCall c
          && c.getKind() == SqlKind.CAST
          && c.getType().getSqlTypeName() == c.getOperands().get(0).getType().getSqlTypeName()
          && c.getType().getPrecision() == c.getOperands().get(0).getType().getPrecision()
          && c.getType().getScale() == c.getOperands().get(0).getType().getScale()) {
        e = c.getOperands().get(0); // nullability only
      }
      return e instanceof RexInputRef ref ? passedColumn(p.getInput(), ref.getIndex()) : null;
    }
    if (rel instanceof Filter || rel instanceof Sort) {
      return passedColumn(rel.getInput(0), i);
    }
    if (rel instanceof Window w) {
      int passed = w.getInput().getRowType().getFieldCount();
      return i < passed ? passedColumn(w.getInput(), i) : null;
    }
    if (rel instanceof Join j) {
      int left = j.getLeft().getRowType().getFieldCount();
      return i < left ? passedColumn(j.getLeft(), i) : passedColumn(j.getRight(), i - left);
    }
    if (rel instanceof Aggregate a) {
      return i < a.getGroupCount() ? passedColumn(a.getInput(), a.getGroupSet().nth(i)) : null;
    }
    if (rel instanceof TableScan scan) {
      CitadelTable table = scan.getTable().unwrap(CitadelTable.class);
      return table == null ? null : table.version().def().columns().get(i).type();
    }
    return null;
  }

  /** JSON or JSONB when {@code e}, over the rows of {@code input}, is a document; else null. */
  static TypeKind kind(RelNode input, RexNode e) {
    if (e instanceof RexInputRef ref) {
      return kind(input, ref.getIndex());
    }
    if (e instanceof RexCall call) {
      switch (call.getOperator().getName()) {
        case "PG_JSONB":
          return TypeKind.JSONB;
        case "PG_JSON", "JSON_BUILD_OBJECT", "PG_AS_JSON":
          return TypeKind.JSON;
        case "PG_AS_JSONB":
          return TypeKind.JSONB;
        case "PG_JSON_GET", "PG_JSON_PATH":
          return kind(input, call.getOperands().get(0));
        default:
          if (call.getKind() == SqlKind.CAST
              && call.getType().getSqlTypeName()
                  == call.getOperands().get(0).getType().getSqlTypeName()) {
            return kind(input, call.getOperands().get(0)); // a change of length or nullability
          }
          return null;
      }
    }
    return null;
  }

  /**
   * {@code rel} with every comparison of a jsonb value ({@code =}, {@code <>}, {@code IS [NOT]
   * DISTINCT FROM}) made between the two sides' comparison keys, and the documents among {@code
   * json_build_object}'s values marked as documents (PG_AS_JSON, PG_AS_JSONB), in filters,
   * projections and join conditions. Run on the plan as the converter makes it, before rules move
   * expressions around.
   */
  static RelNode compareByValue(RelNode rel) {
    return rel.accept(
        new RelHomogeneousShuttle() {
          @Override
          public RelNode visit(RelNode other) {
            RelNode r = super.visit(other);
            if (r instanceof LogicalFilter f) {
              RexNode c = rewrite(f.getInput(), f.getCondition());
              return c == f.getCondition() ? f : f.copy(f.getTraitSet(), f.getInput(), c);
            }
            if (r instanceof LogicalProject p) {
              List<RexNode> exprs = new ArrayList<>();
              boolean changed = false;
              for (RexNode e : p.getProjects()) {
                RexNode n = rewrite(p.getInput(), e);
                changed |= n != e;
                exprs.add(n);
              }
              return changed ? p.copy(p.getTraitSet(), p.getInput(), exprs, p.getRowType()) : p;
            }
            if (r instanceof LogicalJoin j) {
              RexNode c = rewrite(j, j.getCondition());
              return c == j.getCondition()
                  ? j
                  : j.copy(
                      j.getTraitSet(),
                      c,
                      j.getLeft(),
                      j.getRight(),
                      j.getJoinType(),
                      j.isSemiJoinDone());
            }
            return r;
          }
        });
  }

  /**
   * {@code e} with its jsonb comparisons rewritten; its input references are fields of {@code
   * input} (for a join condition, the join itself, whose fields are both sides').
   */
  private static RexNode rewrite(RelNode input, RexNode e) {
    RexBuilder rex = input.getCluster().getRexBuilder();
    return e.accept(
        new RexShuttle() {
          @Override
          public RexNode visitCall(RexCall call) {
            RexCall c = (RexCall) super.visitCall(call);
            if (c.getOperator().getName().equals("JSON_BUILD_OBJECT")) {
              // a document among the values goes in as the JSON it is, not as a string of it
              List<RexNode> args = new ArrayList<>();
              boolean changed = false;
              for (RexNode o : c.getOperands()) {
                TypeKind k = kind(input, o);
                if (k != null) {
                  o =
                      rex.makeCall(
                          PgFunctions.named(k == TypeKind.JSON ? "PG_AS_JSON" : "PG_AS_JSONB"), o);
                  changed = true;
                }
                args.add(o);
              }
              return changed ? c.clone(c.getType(), args) : c;
            }
            if (c.getOperands().size() == 2
                && c.getKind()
                    .belongsTo(
                        List.of(
                            SqlKind.EQUALS,
                            SqlKind.NOT_EQUALS,
                            SqlKind.IS_DISTINCT_FROM,
                            SqlKind.IS_NOT_DISTINCT_FROM))
                && (kind(input, c.getOperands().get(0)) == TypeKind.JSONB
                    || kind(input, c.getOperands().get(1)) == TypeKind.JSONB)) {
              List<RexNode> keys = new ArrayList<>();
              for (RexNode o : c.getOperands()) {
                keys.add(rex.makeCall(PgFunctions.named("PG_JSONB_KEY"), o));
              }
              return c.clone(c.getType(), keys);
            }
            return c;
          }
        });
  }
}
