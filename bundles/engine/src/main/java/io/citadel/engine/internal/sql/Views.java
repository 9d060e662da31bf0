package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.storage.Store;
import io.citadel.engine.internal.types.SqlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Views: a name for a query, kept in the store's durable metadata ({@code view.<name>} = {@code
 * [(columns)] query}), so they replicate with the statement that makes them and survive restarts.
 * The planner expands a view where a query reads it, as a sub-query under the view's name.
 */
final class Views {
  static final String PREFIX = "view.";
  private static final int MAX_DEPTH = 32;

  private Views() {}

  /** The views' definitions by name. */
  static Map<String, String> all(Store store) {
    Map<String, String> out = new java.util.TreeMap<>();
    store.metaWithPrefix(PREFIX).forEach((k, v) -> out.put(k.substring(PREFIX.length()), v));
    return out;
  }

  /** A definition as stored: the column names (may be empty) and the query. */
  record Definition(List<String> columns, String query) {
    String encode() {
      return String.join(",", columns) + "\n" + query;
    }

    static Definition decode(String stored) {
      int nl = stored.indexOf('\n');
      String cols = stored.substring(0, nl);
      return new Definition(
          cols.isEmpty() ? List.of() : List.of(cols.split(",")), stored.substring(nl + 1));
    }
  }

  /** Replaces every view read in {@code node}'s FROM clauses by its query, in place. */
  static SqlNode expand(SqlNode node, Map<String, String> views) {
    if (views.isEmpty()) {
      return node;
    }
    return new Expander(views).walk(node, 0);
  }

  private static final class Expander {
    private final Map<String, String> views;

    Expander(Map<String, String> views) {
      this.views = views;
    }

    SqlNode walk(SqlNode node, int depth) {
      if (node instanceof SqlSelect s) {
        if (s.getFrom() != null) {
          s.setFrom(from(s.getFrom(), depth));
        }
        for (SqlNode n : s.getOperandList()) {
          if (n != null && n != s.getFrom()) {
            walk(n, depth);
          }
        }
        return s;
      }
      if (node instanceof SqlNodeList list) {
        for (int i = 0; i < list.size(); i++) {
          list.set(i, walk(list.get(i), depth));
        }
        return list;
      }
      if (node instanceof SqlCall call) {
        List<SqlNode> ops = call.getOperandList();
        for (int i = 0; i < ops.size(); i++) {
          SqlNode op = ops.get(i);
          if (op != null) {
            SqlNode w = walk(op, depth);
            if (w != op) {
              call.setOperand(i, w);
            }
          }
        }
      }
      return node;
    }

    private SqlNode from(SqlNode from, int depth) {
      if (from instanceof SqlIdentifier id) {
        SqlNode q = query(id, depth);
        return q == null
            ? id
            : SqlStdOperatorTable.AS.createCall(SqlParserPos.ZERO, aliased(q, id, depth));
      }
      if (from instanceof SqlJoin j) {
        j.setLeft(from(j.getLeft(), depth));
        j.setRight(from(j.getRight(), depth));
        if (j.getCondition() != null) {
          walk(j.getCondition(), depth);
        }
        return j;
      }
      if (from instanceof SqlBasicCall c && c.getKind() == SqlKind.AS) {
        if (c.operand(0) instanceof SqlIdentifier id) {
          SqlNode q = query(id, depth);
          if (q != null) {
            Definition d = Definition.decode(views.get(name(id)));
            c.setOperand(0, q);
            if (c.operandCount() == 2 && !d.columns().isEmpty()) {
              List<SqlNode> ops = new ArrayList<>(c.getOperandList());
              for (String col : d.columns()) {
                ops.add(new SqlIdentifier(col, SqlParserPos.ZERO));
              }
              return SqlStdOperatorTable.AS.createCall(SqlParserPos.ZERO, ops);
            }
          }
        } else {
          c.setOperand(0, walk(c.operand(0), depth));
        }
        return c;
      }
      return walk(from, depth);
    }

    /** [query, alias, columns...] for an AS call naming the expanded view. */
    private List<SqlNode> aliased(SqlNode query, SqlIdentifier id, int depth) {
      List<SqlNode> ops = new ArrayList<>();
      ops.add(query);
      ops.add(new SqlIdentifier(id.names.get(id.names.size() - 1), SqlParserPos.ZERO));
      for (String col : Definition.decode(views.get(name(id))).columns()) {
        ops.add(new SqlIdentifier(col, SqlParserPos.ZERO));
      }
      return ops;
    }

    private String name(SqlIdentifier id) {
      if (id.names.size() == 2 && id.names.get(0).equals("public")) {
        return id.names.get(1);
      }
      return id.names.size() == 1 ? id.names.get(0) : null;
    }

    private SqlNode query(SqlIdentifier id, int depth) {
      String n = name(id);
      String stored = n == null ? null : views.get(n);
      if (stored == null) {
        return null;
      }
      if (depth >= MAX_DEPTH) {
        throw new SqlException(
            SqlException.PROGRAM_LIMIT,
            "views nest more than " + MAX_DEPTH + " deep at \"" + n + "\"");
      }
      String q = Definition.decode(stored).query();
      SqlNode parsed = SqlPlanner.parse(PgCasts.present(q) ? PgCasts.rewrite(q) : q);
      return walk(parsed, depth + 1);
    }
  }
}
