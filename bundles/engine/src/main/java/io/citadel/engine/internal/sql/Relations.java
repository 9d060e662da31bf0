package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.storage.Store;
import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import io.citadel.engine.internal.types.TypeKind;
import java.util.ArrayList;
import java.util.List;

/** The statements that make a relation from a query: CREATE VIEW, DROP VIEW, CREATE TABLE AS. */
final class Relations {
  private Relations() {}

  /** Whether {@code t} (at its start) is CREATE [OR REPLACE] VIEW. */
  static boolean isCreateView(Tokens t) {
    return t.peek(1).text().equals("view")
        || (t.peek(1).text().equals("or") && t.peek(3).text().equals("view"));
  }

  static QueryResult createView(Session session, Engine engine, String sql, Tokens t) {
    t.expect("create");
    boolean replace = false;
    if (t.accept("or")) {
      t.expect("replace");
      replace = true;
    }
    t.expect("view");
    String name = Ddl.tableName(t);
    List<String> columns = new ArrayList<>();
    if (t.accept("(")) {
      do {
        columns.add(t.identifier("a column name"));
      } while (t.accept(","));
      t.expect(")");
    }
    t.expect("as");
    String query = sql.substring(t.peek().pos() - 1).strip();
    Store store = engine.store();
    if (store.table(name) != null) {
      throw new SqlException(
          SqlException.DUPLICATE_TABLE, "relation \"" + name + "\" already exists");
    }
    if (!replace && Views.all(store).containsKey(name)) {
      throw new SqlException(
          SqlException.DUPLICATE_TABLE, "relation \"" + name + "\" already exists");
    }
    Session.Shape shape = session.shapeOf(query);
    if (shape == null) {
      throw new SqlException(SqlException.SYNTAX_ERROR, "a view is defined by a query");
    }
    if (columns.size() > shape.names().size()) {
      throw new SqlException(
          SqlException.SYNTAX_ERROR, "CREATE VIEW specifies more column names than columns");
    }
    store.putMeta(Views.PREFIX + name, new Views.Definition(columns, query).encode());
    return QueryResult.command("CREATE VIEW", List.of());
  }

  static QueryResult dropView(Engine engine, Tokens t) {
    t.expect("drop");
    t.expect("view");
    boolean ifExists = false;
    if (t.accept("if")) {
      t.expect("exists");
      ifExists = true;
    }
    List<String> names = new ArrayList<>();
    do {
      names.add(Ddl.tableName(t));
    } while (t.accept(","));
    t.accept("cascade");
    t.accept("restrict");
    t.expectEnd();
    Store store = engine.store();
    List<String> notices = new ArrayList<>();
    for (String name : names) {
      if (!Views.all(store).containsKey(name)) {
        if (!ifExists) {
          throw new SqlException(
              SqlException.UNDEFINED_TABLE, "view \"" + name + "\" does not exist");
        }
        notices.add("view \"" + name + "\" does not exist, skipping");
      }
    }
    for (String name : names) {
      if (Views.all(store).containsKey(name)) {
        store.putMeta(Views.PREFIX + name, "");
      }
    }
    return QueryResult.command("DROP VIEW", notices);
  }

  /**
   * CREATE TABLE name [(columns)] AS query [WITH [NO] DATA], when {@code t} holds one; null for any
   * other CREATE TABLE. The table takes the query's column names and types (all nullable) and its
   * rows; a failure to load them drops it again.
   */
  static QueryResult createTableAs(Session session, Engine engine, String sql, Tokens t, long now) {
    int k = 2; // after CREATE TABLE
    boolean ifNotExists = false;
    if (t.peek(k).text().equals("if")) {
      ifNotExists = true;
      k += 3;
    }
    k += t.peek(k + 1).text().equals(".") ? 3 : 1;
    List<String> columns = new ArrayList<>();
    int asAt = k;
    if (t.peek(k).text().equals("(")) {
      int j = k + 1;
      while (!t.peek(j).text().equals(")")
          && t.peek(j).kind() != io.citadel.engine.api.SqlLexer.Kind.END) {
        if (!t.peek(j).text().equals(",")) {
          columns.add(t.peek(j).text());
        }
        j++;
      }
      asAt = j + 1;
    }
    if (!t.peek(asAt).text().equals("as")
        || t.peek(asAt).kind() != io.citadel.engine.api.SqlLexer.Kind.WORD) {
      return null;
    }
    t.expect("create");
    t.expect("table");
    if (ifNotExists) {
      t.expect("if");
      t.expect("not");
      t.expect("exists");
    }
    String name = Ddl.tableName(t);
    while (!t.accept("as")) {
      t.next();
    }
    String query = sql.substring(t.peek().pos() - 1).strip();
    boolean withData = true;
    String lower = query.toLowerCase(java.util.Locale.ROOT);
    if (lower.matches("(?s).*\\bwith\\s+no\\s+data\\s*$")) {
      withData = false;
      query = query.substring(0, lower.lastIndexOf("with")).strip();
    } else if (lower.matches("(?s).*\\bwith\\s+data\\s*$")) {
      query = query.substring(0, lower.lastIndexOf("with")).strip();
    }
    Store store = engine.store();
    if (store.table(name) != null) {
      if (ifNotExists) {
        return QueryResult.command(
            "CREATE TABLE AS", List.of("relation \"" + name + "\" already exists, skipping"));
      }
      throw new SqlException(
          SqlException.DUPLICATE_TABLE, "relation \"" + name + "\" already exists");
    }
    Session.Shape shape = session.shapeOf(query);
    if (shape == null) {
      throw new SqlException(SqlException.SYNTAX_ERROR, "CREATE TABLE AS needs a query");
    }
    if (columns.size() > shape.names().size()) {
      throw new SqlException(SqlException.SYNTAX_ERROR, "too many column names were specified");
    }
    List<Store.NewColumn> cols = new ArrayList<>();
    for (int i = 0; i < shape.names().size(); i++) {
      String col = i < columns.size() ? columns.get(i) : shape.names().get(i);
      ColumnType type = shape.types()[i];
      if (type.kind() == TypeKind.DECIMAL && type.precision() <= 0) {
        type = ColumnType.decimal(18, Math.max(0, type.scale()));
      }
      if (shape.computed() != null && shape.computed()[i]) {
        // a decimal computed by the query (1.5, price * 2) is a numeric without a modifier, as
        // in PostgreSQL, not one of the precision Calcite derived
        type = ColumnType.NUMERIC;
      }
      cols.add(new Store.NewColumn(col, type, false));
    }
    store.createTable(name, cols, engine.options().fragmentSize(), false);
    if (!withData) {
      return QueryResult.command("CREATE TABLE AS", List.of());
    }
    try {
      QueryResult r =
          session.executeAt("INSERT INTO \"" + name.replace("\"", "\"\"") + "\" " + query, now);
      String tag = r.tag();
      return QueryResult.command("SELECT " + tag.substring(tag.lastIndexOf(' ') + 1), List.of());
    } catch (RuntimeException e) {
      store.dropTable(name, true);
      throw e;
    }
  }
}
