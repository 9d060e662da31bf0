package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.storage.ColumnDef;
import io.citadel.engine.internal.storage.Constraints;
import io.citadel.engine.internal.storage.Store;
import io.citadel.engine.internal.storage.Table;
import io.citadel.engine.internal.storage.TableDef;
import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.SqlException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * CREATE TABLE (with the constraints and defaults schemas and ORMs declare), DROP TABLE, ALTER
 * TABLE, TRUNCATE, CREATE/DROP INDEX, parsed here (Calcite's core has no DDL).
 */
final class Ddl {
  private static final Set<String> TWO_WORD_TYPES =
      Set.of("double", "character", "timestamp", "time");

  /** Words that end a DEFAULT expression: the next column constraint. */
  private static final Set<String> AFTER_DEFAULT =
      Set.of(
          ",",
          ")",
          "not",
          "null",
          "primary",
          "unique",
          "check",
          "references",
          "constraint",
          "generated",
          "collate");

  private Ddl() {}

  /** A table being declared: its columns, then what its constraints say about them. */
  private static final class Declared {
    final String table;
    final List<Store.NewColumn> columns = new ArrayList<>();
    final List<Boolean> notNull = new ArrayList<>();
    Constraints.Key primaryKey;
    final List<Constraints.Key> unique = new ArrayList<>();
    final List<Constraints.Check> checks = new ArrayList<>();
    final Map<Integer, String> defaults = new LinkedHashMap<>();
    final Set<Integer> identity = new TreeSet<>();
    final List<String> notices = new ArrayList<>();

    Declared(String table) {
      this.table = table;
    }

    int column(String name, Tokens t) {
      for (int i = 0; i < columns.size(); i++) {
        if (columns.get(i).name().equals(name)) {
          return i;
        }
      }
      throw new SqlException(
          SqlException.UNDEFINED_COLUMN,
          "column \"" + name + "\" named in key does not exist",
          t.peek().pos());
    }

    void primaryKey(String name, List<Integer> cols, Tokens t) {
      if (primaryKey != null) {
        throw new SqlException(
            "42P16",
            "multiple primary keys for table \"" + table + "\" are not allowed",
            t.peek().pos());
      }
      primaryKey = new Constraints.Key(name != null ? name : table + "_pkey", cols);
      for (int c : cols) {
        notNull.set(c, true);
      }
    }

    void unique(String name, List<Integer> cols) {
      if (name == null) {
        StringBuilder n = new StringBuilder(table);
        for (int c : cols) {
          n.append('_').append(columns.get(c).name());
        }
        name = n + "_key";
      }
      unique.add(new Constraints.Key(name, cols));
    }

    /**
     * A CHECK constraint, named as PostgreSQL names one left unnamed: the table, the column it is
     * on (for a table's constraint, the first column its expression names), "check", and a number
     * when that name is taken.
     */
    void check(String name, String expression, Integer column) {
      if (name == null) {
        String on = column != null ? columns.get(column).name() : firstColumnIn(expression);
        String base = table + (on != null ? "_" + on : "") + "_check";
        name = base;
        for (int n = 1; taken(name); n++) {
          name = base + n;
        }
      }
      checks.add(new Constraints.Check(name, expression));
    }

    private boolean taken(String name) {
      return checks.stream().anyMatch(c -> c.name().equals(name))
          || unique.stream().anyMatch(k -> k.name().equals(name));
    }

    private String firstColumnIn(String expression) {
      try {
        Tokens t = new Tokens(expression);
        for (int k = 0; t.peek(k).kind() != io.citadel.engine.api.SqlLexer.Kind.END; k++) {
          Tokens.Token tok = t.peek(k);
          if (tok.kind() == io.citadel.engine.api.SqlLexer.Kind.WORD
              || tok.kind() == io.citadel.engine.api.SqlLexer.Kind.QUOTED_IDENT) {
            for (Store.NewColumn c : columns) {
              if (c.name().equals(tok.text())) {
                return c.name();
              }
            }
          }
        }
      } catch (SqlException e) {
        // the expression's own error is reported when it is checked
      }
      return null;
    }

    List<Store.NewColumn> finalColumns() {
      List<Store.NewColumn> out = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        Store.NewColumn c = columns.get(i);
        out.add(new Store.NewColumn(c.name(), c.type(), notNull.get(i)));
      }
      return out;
    }

    Constraints constraints() {
      return new Constraints(primaryKey, unique, checks, defaults, identity);
    }
  }

  static QueryResult create(Engine engine, Tokens t) {
    t.expect("create");
    if (t.peek().text().equals("unique") || t.peek().text().equals("index")) {
      return createIndex(engine, t);
    }
    t.expect("table");
    boolean ifNotExists = false;
    if (t.accept("if")) {
      t.expect("not");
      t.expect("exists");
      ifNotExists = true;
    }
    String name = tableName(t);
    t.expect("(");
    Declared d = new Declared(name);
    do {
      if (!tableConstraint(d, t)) {
        column(d, t);
      }
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
    if (ifNotExists && engine.store().table(name) != null) {
      return QueryResult.command(
          "CREATE TABLE", List.of("relation \"" + name + "\" already exists, skipping"));
    }
    engine.store().createTable(name, d.finalColumns(), fragmentSize, ifNotExists, d.constraints());
    return QueryResult.command("CREATE TABLE", d.notices);
  }

  /** A table name, optionally qualified by the {@code public} schema. */
  static String tableName(Tokens t) {
    String name = t.identifier("a table name");
    if (t.accept(".")) {
      if (!name.equals("public")) {
        throw new SqlException("3F000", "schema \"" + name + "\" does not exist", t.peek().pos());
      }
      name = t.identifier("a table name");
    }
    return name;
  }

  private static void column(Declared d, Tokens t) {
    String col = t.identifier("a column name");
    int index = d.columns.size();
    ColumnType type;
    String typeWord = t.peek().text();
    switch (typeWord) {
      case "serial", "serial4", "bigserial", "serial8", "smallserial", "serial2" -> {
        t.next();
        type =
            switch (typeWord) {
              case "bigserial", "serial8" -> ColumnType.BIGINT;
              case "smallserial", "serial2" -> ColumnType.SMALLINT;
              default -> ColumnType.INTEGER;
            };
        d.identity.add(index);
      }
      default -> type = type(t);
    }
    d.columns.add(new Store.NewColumn(col, type, false));
    d.notNull.add(d.identity.contains(index));
    while (true) {
      String constraintName = null;
      if (t.accept("constraint")) {
        constraintName = t.identifier("a constraint name");
      }
      if (t.accept("not")) {
        t.expect("null");
        d.notNull.set(index, true);
      } else if (t.accept("null")) {
        d.notNull.set(index, d.identity.contains(index));
      } else if (t.accept("primary")) {
        t.expect("key");
        d.primaryKey(constraintName, List.of(index), t);
      } else if (t.accept("unique")) {
        d.unique(constraintName, List.of(index));
      } else if (t.accept("check")) {
        t.expect("(");
        String expr = t.rawUntil(Set.of(")"));
        t.expect(")");
        d.check(constraintName, expr, index);
      } else if (t.accept("default")) {
        d.defaults.put(index, t.rawUntil(AFTER_DEFAULT));
      } else if (t.accept("generated")) {
        if (!t.accept("always")) {
          t.expect("by");
          t.expect("default");
        }
        t.expect("as");
        t.expect("identity");
        if (t.accept("(")) {
          t.rawUntil(Set.of(")")); // sequence options: the counter starts at 1, steps by 1
          t.expect(")");
        }
        d.identity.add(index);
        d.notNull.set(index, true);
      } else if (t.accept("references")) {
        references(d, t);
      } else if (t.accept("collate")) {
        t.next(); // one collation for all text here: byte order, as PostgreSQL's "C"
      } else if (t.accept("encoding")) {
        t.identifier("an encoding"); // MapD's ENCODING DICT(32): text is always dictionary-encoded
        if (t.accept("(")) {
          t.integer("an encoding size");
          t.expect(")");
        }
      } else if (constraintName != null) {
        throw t.error("expected a constraint after CONSTRAINT " + constraintName);
      } else {
        break;
      }
    }
  }

  /**
   * A table constraint, if one is next: PRIMARY KEY (...), UNIQUE (...), CHECK (...), FOREIGN KEY.
   */
  private static boolean tableConstraint(Declared d, Tokens t) {
    String word = t.peek().text();
    if (t.peek().kind() != io.citadel.engine.api.SqlLexer.Kind.WORD
        || !Set.of("constraint", "primary", "unique", "check", "foreign").contains(word)) {
      return false;
    }
    // "unique" and friends are also possible column names: a constraint is followed by "(" or KEY
    if (!word.equals("constraint")
        && !t.peek(1).text().equals("(")
        && !t.peek(1).text().equals("key")) {
      return false;
    }
    String name = null;
    if (t.accept("constraint")) {
      name = t.identifier("a constraint name");
    }
    if (t.accept("primary")) {
      t.expect("key");
      d.primaryKey(name, columnList(d, t), t);
    } else if (t.accept("unique")) {
      d.unique(name, columnList(d, t));
    } else if (t.accept("check")) {
      t.expect("(");
      String expr = t.rawUntil(Set.of(")"));
      t.expect(")");
      d.check(name, expr, null);
    } else if (t.accept("foreign")) {
      t.expect("key");
      columnList(d, t);
      t.expect("references");
      references(d, t);
    } else {
      throw t.error("expected PRIMARY KEY, UNIQUE, CHECK or FOREIGN KEY");
    }
    return true;
  }

  private static List<Integer> columnList(Declared d, Tokens t) {
    t.expect("(");
    List<Integer> cols = new ArrayList<>();
    do {
      cols.add(d.column(t.identifier("a column name"), t));
    } while (t.accept(","));
    t.expect(")");
    return cols;
  }

  /** REFERENCES t [(c)] [ON DELETE|UPDATE action]: accepted, not enforced, and said so. */
  private static void references(Declared d, Tokens t) {
    String target = tableName(t);
    if (t.accept("(")) {
      t.rawUntil(Set.of(")"));
      t.expect(")");
    }
    while (t.accept("on")) {
      if (!t.accept("delete")) {
        t.expect("update");
      }
      if (t.accept("no") || t.accept("set")) {
        t.next();
      } else {
        t.next(); // CASCADE, RESTRICT
      }
    }
    t.accept("deferrable");
    d.notices.add(
        "foreign key to \""
            + target
            + "\" is recorded but not enforced: Citadel does not check foreign keys");
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
      } else if (t.accept("with")) {
        t.expect("time");
        t.expect("zone");
        name = name.equals("timestamp") ? "timestamptz" : "timetz";
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
    ColumnType type = ColumnType.named(name, p, s);
    // integer[], text[3] (the size is not enforced, as in PostgreSQL), integer ARRAY
    boolean array = false;
    if (t.accept("[")) {
      if (!t.peek().text().equals("]")) {
        t.integer("an array size");
      }
      t.expect("]");
      array = true;
    } else if (t.accept("array")) {
      array = true;
    }
    if (array) {
      if (t.peek().text().equals("[")) {
        throw new SqlException(
            SqlException.FEATURE_NOT_SUPPORTED,
            "arrays of more than one dimension are not supported");
      }
      return ColumnType.arrayColumn(type);
    }
    return type;
  }

  static QueryResult drop(Engine engine, Tokens t) {
    t.expect("drop");
    if (t.accept("index")) {
      t.accept("concurrently");
      boolean ifExists = t.accept("if") && acceptExists(t);
      String index = t.identifier("an index name");
      t.accept("cascade");
      t.accept("restrict");
      t.expectEnd();
      return dropIndex(engine, index, ifExists);
    }
    t.expect("table");
    boolean ifExists = false;
    if (t.accept("if")) {
      t.expect("exists");
      ifExists = true;
    }
    List<String> names = new ArrayList<>();
    do {
      names.add(tableName(t));
    } while (t.accept(","));
    t.accept("cascade");
    t.accept("restrict");
    t.expectEnd();
    List<String> notices = new ArrayList<>();
    for (String name : names) {
      if (!engine.store().dropTable(name, ifExists)) {
        notices.add("table \"" + name + "\" does not exist, skipping");
      } else {
        Indexes.dropFor(engine.store(), name);
      }
    }
    return QueryResult.command("DROP TABLE", notices);
  }

  /**
   * DROP INDEX: a plain index goes from the catalog; one that enforces a unique key takes the key
   * with it, as in PostgreSQL (a primary key's index is refused: drop the constraint instead).
   */
  private static QueryResult dropIndex(Engine engine, String index, boolean ifExists) {
    Store store = engine.store();
    if (Indexes.of(store).containsKey(index)) {
      store.putMeta(Indexes.PREFIX + index, "");
      return QueryResult.command("DROP INDEX", List.of());
    }
    for (Table table : store.tables()) {
      TableDef def = table.def();
      Constraints c = def.constraints();
      if (c.primaryKey() != null && c.primaryKey().name().equals(index)) {
        throw new SqlException(
            "2BP01",
            "cannot drop index "
                + index
                + " because constraint "
                + index
                + " on table "
                + def.name()
                + " requires it");
      }
      for (Constraints.Key k : c.unique()) {
        if (k.name().equals(index)) {
          store.redefine(def.name(), d -> d.withConstraints(d.constraints().withoutKey(index)));
          return QueryResult.command("DROP INDEX", List.of());
        }
      }
    }
    if (!ifExists) {
      throw new SqlException(
          SqlException.UNDEFINED_OBJECT, "index \"" + index + "\" does not exist");
    }
    return QueryResult.command(
        "DROP INDEX", List.of("index \"" + index + "\" does not exist, skipping"));
  }

  private static boolean acceptExists(Tokens t) {
    t.expect("exists");
    return true;
  }

  /**
   * CREATE [UNIQUE] INDEX: accepted so schemas and migrations run; the columnar engine scans and
   * keeps min/max per fragment instead. A UNIQUE index is enforced, as a unique key.
   */
  private static QueryResult createIndex(Engine engine, Tokens t) {
    boolean unique = t.accept("unique");
    t.expect("index");
    t.accept("concurrently");
    boolean ifNotExists = false;
    if (t.accept("if")) {
      t.expect("not");
      t.expect("exists");
      ifNotExists = true;
    }
    String index = t.peek().text().equals("on") ? null : t.identifier("an index name");
    t.expect("on");
    String table = tableName(t);
    if (t.accept("using")) {
      t.identifier("an index method");
    }
    t.expect("(");
    List<String> cols = new ArrayList<>();
    do {
      cols.add(t.identifier("a column name"));
      t.accept("asc");
      t.accept("desc");
    } while (t.accept(","));
    t.expect(")");
    t.expectEnd();
    TableDef def = engine.store().require(table).def();
    List<Integer> ids = new ArrayList<>();
    for (String c : cols) {
      int i = def.indexOf(c);
      if (i < 0) {
        throw new SqlException(
            SqlException.UNDEFINED_COLUMN, "column \"" + c + "\" does not exist");
      }
      ids.add(def.columns().get(i).id());
    }
    String name = index != null ? index : table + "_" + String.join("_", cols) + "_idx";
    if (Indexes.exists(engine.store(), name)) {
      if (ifNotExists) {
        return QueryResult.command(
            "CREATE INDEX", List.of("relation \"" + name + "\" already exists, skipping"));
      }
      throw new SqlException(
          SqlException.DUPLICATE_TABLE, "relation \"" + name + "\" already exists");
    }
    if (unique) {
      engine.store().redefine(table, d -> d.withConstraints(d.constraints().withUnique(name, ids)));
    } else {
      // nothing to build: scans keep min and max per fragment; the catalog lists it
      engine.store().putMeta(Indexes.PREFIX + name, new Indexes.Index(table, cols).encode());
    }
    return QueryResult.command("CREATE INDEX", List.of());
  }

  static QueryResult truncate(Engine engine, Tokens t) {
    t.expect("truncate");
    t.accept("table");
    List<String> names = new ArrayList<>();
    do {
      names.add(tableName(t));
    } while (t.accept(","));
    t.accept("restart");
    t.accept("identity");
    t.accept("continue");
    t.accept("cascade");
    t.accept("restrict");
    t.expectEnd();
    for (String name : names) {
      engine.store().truncate(name);
    }
    return QueryResult.command("TRUNCATE TABLE", List.of());
  }

  static QueryResult alter(Engine engine, Tokens t) {
    t.expect("alter");
    t.expect("table");
    if (t.accept("if")) {
      t.expect("exists");
    }
    t.accept("only");
    String name = tableName(t);
    Store store = engine.store();
    if (t.accept("rename")) {
      if (t.accept("to")) {
        String to = t.identifier("a new table name");
        t.expectEnd();
        store.renameTable(name, to);
        return QueryResult.command("ALTER TABLE", List.of());
      }
      t.accept("column");
      String from = t.identifier("a column name");
      t.expect("to");
      String to = t.identifier("a new column name");
      t.expectEnd();
      store.redefine(name, d -> renameColumn(d, from, to));
      return QueryResult.command("ALTER TABLE", List.of());
    }
    if (t.accept("add")) {
      if (t.peek().text().equals("constraint")
          || t.peek().text().equals("primary")
          || (t.peek().text().equals("unique") && t.peek(1).text().equals("("))) {
        throw new SqlException(
            SqlException.FEATURE_NOT_SUPPORTED,
            "ALTER TABLE ... ADD CONSTRAINT is not supported: declare keys in CREATE TABLE");
      }
      t.accept("column");
      boolean ifNotExists = false;
      if (t.accept("if")) {
        t.expect("not");
        t.expect("exists");
        ifNotExists = true;
      }
      String col = t.identifier("a column name");
      ColumnType type = type(t);
      String def = null;
      if (t.accept("default")) {
        def = t.rawUntil(AFTER_DEFAULT);
      }
      t.accept("null");
      t.expectEnd();
      TableDef before = store.require(name).def();
      if (ifNotExists && before.indexOf(col) >= 0) {
        return QueryResult.command(
            "ALTER TABLE",
            List.of(
                "column \"" + col + "\" of relation \"" + name + "\" already exists, skipping"));
      }
      TableDef after = store.addColumn(name, col, type);
      if (def != null) {
        String expr = def;
        int id = after.columns().get(after.indexOf(col)).id();
        store.redefine(name, d -> d.withConstraints(d.constraints().withDefault(id, expr)));
      }
      return QueryResult.command("ALTER TABLE", List.of());
    }
    if (t.accept("drop")) {
      t.accept("column");
      boolean ifExists = false;
      if (t.accept("if")) {
        t.expect("exists");
        ifExists = true;
      }
      String col = t.identifier("a column name");
      t.accept("cascade");
      t.accept("restrict");
      t.expectEnd();
      if (ifExists && store.require(name).def().indexOf(col) < 0) {
        return QueryResult.command(
            "ALTER TABLE",
            List.of(
                "column \"" + col + "\" of relation \"" + name + "\" does not exist, skipping"));
      }
      store.redefine(name, d -> dropColumn(d, col));
      return QueryResult.command("ALTER TABLE", List.of());
    }
    if (t.accept("alter")) {
      t.accept("column");
      String col = t.identifier("a column name");
      if (t.accept("set")) {
        if (t.accept("default")) {
          String expr = t.rawUntil(Set.of());
          store.redefine(name, d -> withDefault(d, col, expr));
        } else {
          t.expect("not");
          t.expect("null");
          t.expectEnd();
          store.setNotNull(name, col, true);
        }
      } else {
        t.expect("drop");
        if (t.accept("default")) {
          t.expectEnd();
          store.redefine(name, d -> withDefault(d, col, null));
        } else {
          t.expect("not");
          t.expect("null");
          t.expectEnd();
          store.setNotNull(name, col, false);
        }
      }
      return QueryResult.command("ALTER TABLE", List.of());
    }
    throw t.error("expected ADD, DROP, ALTER or RENAME");
  }

  private static int require(TableDef d, String col) {
    int i = d.indexOf(col);
    if (i < 0) {
      throw new SqlException(
          SqlException.UNDEFINED_COLUMN,
          "column \"" + col + "\" of relation \"" + d.name() + "\" does not exist");
    }
    return i;
  }

  private static TableDef renameColumn(TableDef d, String from, String to) {
    int i = require(d, from);
    if (d.indexOf(to) >= 0) {
      throw new SqlException(
          SqlException.DUPLICATE_COLUMN,
          "column \"" + to + "\" of relation \"" + d.name() + "\" already exists");
    }
    List<ColumnDef> cols = new ArrayList<>(d.columns());
    ColumnDef c = cols.get(i);
    cols.set(i, new ColumnDef(c.id(), to, c.type(), c.notNull()));
    return new TableDef(
        d.id(), d.name(), d.fragmentSize(), d.nextColumnId(), cols, d.constraints());
  }

  private static TableDef dropColumn(TableDef d, String col) {
    int i = require(d, col);
    if (d.columns().size() == 1) {
      throw new SqlException(
          SqlException.FEATURE_NOT_SUPPORTED, "a table needs at least one column: drop the table");
    }
    List<ColumnDef> cols = new ArrayList<>(d.columns());
    ColumnDef gone = cols.remove(i);
    return new TableDef(
        d.id(),
        d.name(),
        d.fragmentSize(),
        d.nextColumnId(),
        cols,
        d.constraints().withoutColumn(gone.id()));
  }

  private static TableDef withDefault(TableDef d, String col, String expr) {
    int i = require(d, col);
    return d.withConstraints(d.constraints().withDefault(d.columns().get(i).id(), expr));
  }
}
