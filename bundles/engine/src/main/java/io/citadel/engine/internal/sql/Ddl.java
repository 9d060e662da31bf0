package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.storage.Store;
import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** CREATE TABLE, DROP TABLE and ALTER TABLE ADD COLUMN, parsed here (Calcite's core has no DDL). */
final class Ddl {
  private static final Set<String> TWO_WORD_TYPES = Set.of("double", "character", "timestamp");

  private Ddl() {}

  static QueryResult create(Engine engine, Tokens t) {
    t.expect("create");
    t.expect("table");
    boolean ifNotExists = false;
    if (t.accept("if")) {
      t.expect("not");
      t.expect("exists");
      ifNotExists = true;
    }
    String name = t.identifier("a table name");
    t.expect("(");
    List<Store.NewColumn> cols = new ArrayList<>();
    do {
      String col = t.identifier("a column name");
      ColumnType type = type(t);
      boolean notNull = false;
      while (true) {
        if (t.accept("not")) {
          t.expect("null");
          notNull = true;
        } else if (t.accept("null")) {
          notNull = false;
        } else if (t.accept("encoding")) {
          t.identifier("an encoding"); // MapD's ENCODING DICT(32) and the like: text is always
          // dictionary-encoded
          if (t.accept("(")) {
            t.integer("an encoding size");
            t.expect(")");
          }
        } else {
          break;
        }
      }
      cols.add(new Store.NewColumn(col, type, notNull));
    } while (t.accept(","));
    t.expect(")");
    int fragmentSize = engine.options().fragmentSize();
    if (t.accept("with")) {
      t.expect("(");
      do {
        String opt = t.identifier("a table option");
        t.expect("=");
        if (!opt.equals("fragment_size")) {
          throw new SqlException(SqlException.SYNTAX_ERROR, "unknown table option \"" + opt + "\"");
        }
        fragmentSize = t.integer("fragment_size");
      } while (t.accept(","));
      t.expect(")");
    }
    t.expectEnd();
    engine.store().createTable(name, cols, fragmentSize, ifNotExists);
    return QueryResult.command("CREATE TABLE", List.of());
  }

  static ColumnType type(Tokens t) {
    String name = t.identifier("a type name");
    if (TWO_WORD_TYPES.contains(name)) {
      if (t.accept("precision")) {
        name += " precision";
      } else if (t.accept("varying")) {
        name += " varying";
      } else if (t.accept("without")) {
        t.expect("time");
        t.expect("zone");
      } else if (t.peek().text().equals("with")) {
        // "timestamp with time zone" is not supported; WITH may also start table options
      }
    }
    int p = -1;
    int s = -1;
    if (t.accept("(")) {
      p = t.integer("a type precision");
      if (t.accept(",")) {
        s = t.integer("a type scale");
      }
      t.expect(")");
    }
    return ColumnType.named(name, p, s);
  }

  static QueryResult drop(Engine engine, Tokens t) {
    t.expect("drop");
    t.expect("table");
    boolean ifExists = false;
    if (t.accept("if")) {
      t.expect("exists");
      ifExists = true;
    }
    String name = t.identifier("a table name");
    t.expectEnd();
    engine.store().dropTable(name, ifExists);
    return QueryResult.command("DROP TABLE", List.of());
  }

  static QueryResult alter(Engine engine, Tokens t) {
    t.expect("alter");
    t.expect("table");
    String name = t.identifier("a table name");
    t.expect("add");
    t.accept("column");
    String col = t.identifier("a column name");
    ColumnType type = type(t);
    t.expectEnd();
    engine.store().addColumn(name, col, type);
    return QueryResult.command("ALTER TABLE", List.of());
  }
}
