package io.citadel.engine.internal.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's clauses on INSERT, UPDATE and DELETE that Calcite's grammar lacks, taken off the
 * statement so Calcite plans the rest: {@code ON CONFLICT [(columns)] DO NOTHING | DO UPDATE SET
 * ... [WHERE ...]} and {@code RETURNING expressions}. Found at the statement's top level only (not
 * inside parentheses or quotes).
 *
 * @param core the statement without them
 * @param conflictTarget the ON CONFLICT columns, empty when none are named; null without ON
 *     CONFLICT
 * @param doUpdate the SET list of DO UPDATE (null for DO NOTHING)
 * @param updateWhere the WHERE of DO UPDATE, or null
 * @param returning the RETURNING list as written, or null
 */
record DmlClauses(
    String core,
    List<String> conflictTarget,
    String doUpdate,
    String updateWhere,
    String returning) {

  boolean hasConflict() {
    return conflictTarget != null;
  }

  /** The clauses of {@code sql}, or null when it has neither. */
  static DmlClauses of(String sql) {
    return of(new Tokens(sql));
  }

  /** The clauses of the statement {@code tokens} are the cursor of, read from its first token. */
  static DmlClauses of(Tokens tokens) {
    Tokens t = tokens.fromStart();
    String sql = t.sql();
    String first = t.peek().text();
    if (!first.equals("insert") && !first.equals("update") && !first.equals("delete")) {
      return null;
    }
    int depth = 0;
    int conflictAt = -1;
    int returningAt = -1;
    int k = 0;
    for (Tokens.Token tok = t.peek(k);
        tok.kind() != io.citadel.engine.api.SqlLexer.Kind.END;
        tok = t.peek(++k)) {
      if (tok.kind() == io.citadel.engine.api.SqlLexer.Kind.SYMBOL) {
        depth += tok.text().equals("(") ? 1 : tok.text().equals(")") ? -1 : 0;
      } else if (depth == 0 && tok.kind() == io.citadel.engine.api.SqlLexer.Kind.WORD) {
        if (tok.text().equals("on")
            && t.peek(k + 1).text().equals("conflict")
            && first.equals("insert")
            && conflictAt < 0) {
          conflictAt = k;
        } else if (tok.text().equals("returning")) {
          returningAt = k;
        }
      }
    }
    if (conflictAt < 0 && returningAt < 0) {
      return null;
    }
    int coreEnd = t.peek(conflictAt >= 0 ? conflictAt : returningAt).pos() - 1;
    String returning =
        returningAt < 0 ? null : sql.substring(t.peek(returningAt + 1).pos() - 1).strip();
    List<String> target = null;
    String set = null;
    String where = null;
    if (conflictAt >= 0) {
      int end = returningAt < 0 ? sql.length() : t.peek(returningAt).pos() - 1;
      Tokens c = new Tokens(sql.substring(t.peek(conflictAt).pos() - 1, end));
      c.expect("on");
      c.expect("conflict");
      target = new ArrayList<>();
      if (c.accept("(")) {
        do {
          target.add(c.identifier("a column name"));
        } while (c.accept(","));
        c.expect(")");
      } else if (c.accept("on")) {
        c.expect("constraint");
        c.identifier("a constraint name"); // any key: Citadel checks every key anyway
      }
      c.expect("do");
      if (!c.accept("nothing")) {
        c.expect("update");
        c.expect("set");
        set = c.rawUntil(java.util.Set.of("where"));
        if (c.accept("where")) {
          where = c.rawUntil(java.util.Set.of());
        }
      }
      c.expectEnd();
    }
    return new DmlClauses(sql.substring(0, coreEnd).strip(), target, set, where, returning);
  }
}
