package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.auth.UserStore;
import io.citadel.engine.internal.storage.ColumnDef;
import io.citadel.engine.internal.storage.Constraints;
import io.citadel.engine.internal.storage.Store;
import io.citadel.engine.internal.storage.Table;
import io.citadel.engine.internal.storage.TableDef;
import io.citadel.engine.internal.storage.TableVersion;
import io.citadel.engine.internal.storage.VirtualTable;
import io.citadel.engine.internal.storage.VirtualTable.Column;
import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.Settings;
import io.citadel.engine.internal.types.TypeKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * PostgreSQL's system catalog ({@code pg_catalog}) and the SQL standard's {@code
 * information_schema}, as views of the engine's own tables, views, columns, keys and defaults:
 * built from the store when a statement reads them, so they are always current. Object ids are
 * stable: a table's is {@link #TABLE_OID_BASE} plus twice its id (its primary key index's the next
 * one). Array columns ({@code indkey}, {@code conkey}) are text in PostgreSQL's array syntax.
 */
final class SystemCatalog {
  static final int PG_CATALOG = 11;
  static final int PUBLIC = 2200;
  static final int INFORMATION_SCHEMA = 13_000;
  static final int TABLE_OID_BASE = 16_384;
  static final int VIEW_OID_BASE = 1_000_000;
  static final int DATABASE_OID = 16_383;
  static final int OWNER_OID = 10;

  /** The predefined role pg_database_owner, which owns schema public. */
  static final int DATABASE_OWNER_OID = 6171;

  static final String DATABASE = "citadel";

  private static final ColumnType OID = ColumnType.INTEGER;
  private static final ColumnType NAME = ColumnType.TEXT;
  private static final ColumnType TEXT = ColumnType.TEXT;
  private static final ColumnType BOOL = ColumnType.BOOLEAN;
  private static final ColumnType INT2 = ColumnType.SMALLINT;
  private static final ColumnType INT4 = ColumnType.INTEGER;
  private static final ColumnType FLOAT4 = ColumnType.FLOAT;

  private final Store store;
  private final UserStore users;
  private final Map<String, String> views;
  private final Map<String, Supplier<TableVersion>> pgCatalog = new LinkedHashMap<>();
  private final Map<String, Supplier<TableVersion>> informationSchema = new LinkedHashMap<>();

  /** A view's result columns: names and types, as planning its query gives them. */
  record ViewColumn(String name, ColumnType type) {}

  private final java.util.function.Function<String, List<ViewColumn>> viewColumns;

  /**
   * @param viewColumns plans a view's query for its columns (empty when it cannot be planned now,
   *     say a table it reads was dropped)
   */
  SystemCatalog(
      Store store,
      UserStore users,
      Map<String, String> views,
      java.util.function.Function<String, List<ViewColumn>> viewColumns) {
    this.store = store;
    this.users = users;
    this.views = views;
    this.viewColumns = viewColumns;
    pgCatalog.put("pg_namespace", this::pgNamespace);
    pgCatalog.put("pg_class", this::pgClass);
    pgCatalog.put("pg_attribute", this::pgAttribute);
    pgCatalog.put("pg_type", this::pgType);
    pgCatalog.put("pg_index", this::pgIndex);
    pgCatalog.put("pg_constraint", this::pgConstraint);
    pgCatalog.put("pg_attrdef", this::pgAttrdef);
    pgCatalog.put("pg_description", this::pgDescription);
    pgCatalog.put("pg_database", this::pgDatabase);
    pgCatalog.put("pg_roles", this::pgRoles);
    pgCatalog.put("pg_user", this::pgUser);
    pgCatalog.put("pg_settings", this::pgSettings);
    pgCatalog.put("pg_am", this::pgAm);
    pgCatalog.put("pg_proc", this::pgProc);
    pgCatalog.put("pg_tables", this::pgTables);
    pgCatalog.put("pg_views", this::pgViews);
    pgCatalog.put("pg_stat_user_tables", this::pgStatUserTables);
    pgCatalog.put("pg_indexes", this::pgIndexes);
    pgCatalog.put("pg_auth_members", this::pgAuthMembers);
    pgCatalog.put("pg_collation", this::pgCollation);
    pgCatalog.put("pg_tablespace", SystemCatalog::pgTablespace);
    for (String name : new java.util.TreeSet<>(EMPTY.keySet())) {
      pgCatalog.put(name, () -> empty(name));
    }
    informationSchema.put("schemata", this::schemata);
    informationSchema.put("tables", this::tables);
    informationSchema.put("columns", this::columns);
    informationSchema.put("views", this::isViews);
    informationSchema.put("table_constraints", this::tableConstraints);
    informationSchema.put("key_column_usage", this::keyColumnUsage);
  }

  Set<String> pgCatalogNames() {
    return pgCatalog.keySet();
  }

  Set<String> informationSchemaNames() {
    return informationSchema.keySet();
  }

  TableVersion pgCatalog(String name) {
    Supplier<TableVersion> s = pgCatalog.get(name);
    return s == null ? null : s.get();
  }

  TableVersion informationSchema(String name) {
    Supplier<TableVersion> s = informationSchema.get(name);
    return s == null ? null : s.get();
  }

  // ------------------------------------------------------------------------------ helpers

  /** Plain indexes' oids: this plus their place in name order. */
  private static final int PLAIN_INDEX_OID_BASE = 950_000_000;

  static int tableOid(TableDef def) {
    return TABLE_OID_BASE + 2 * def.id();
  }

  private List<TableDef> userTables() {
    List<TableDef> out = new ArrayList<>();
    for (Table t : store.tables()) {
      out.add(t.def());
    }
    out.sort(Comparator.comparingInt(TableDef::id));
    return out;
  }

  private List<String> viewNames() {
    return new ArrayList<>(new java.util.TreeSet<>(views.keySet()));
  }

  private int viewOid(String name) {
    return VIEW_OID_BASE + viewNames().indexOf(name);
  }

  /** The keys of a table with the oids of the indexes that enforce them. */
  private record KeyIndex(Constraints.Key key, boolean primary, int oid) {}

  private static List<KeyIndex> keyIndexes(TableDef def) {
    List<KeyIndex> out = new ArrayList<>();
    int oid = tableOid(def) + 1;
    Constraints c = def.constraints();
    if (c.primaryKey() != null) {
      out.add(new KeyIndex(c.primaryKey(), true, oid));
    }
    int k = 0;
    for (Constraints.Key u : c.unique()) {
      out.add(new KeyIndex(u, false, 900_000_000 + def.id() * 1000 + k++));
    }
    return out;
  }

  /** A plain index (see {@link Indexes}) with its table and oid. */
  private record PlainIndex(String name, TableDef table, List<Integer> columnIds, int oid) {}

  private List<PlainIndex> plainIndexes() {
    List<PlainIndex> out = new ArrayList<>();
    int n = 0;
    for (Map.Entry<String, Indexes.Index> e : Indexes.of(store).entrySet()) {
      TableDef def = store.table(e.getValue().table()).def();
      List<Integer> ids = new ArrayList<>();
      for (String c : e.getValue().columns()) {
        ids.add(def.columns().get(def.indexOf(c)).id());
      }
      out.add(new PlainIndex(e.getKey(), def, ids, PLAIN_INDEX_OID_BASE + n++));
    }
    return out;
  }

  private static String indexDef(String name, boolean unique, TableDef def, List<Integer> ids) {
    return (unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ")
        + name
        + " ON public."
        + def.name()
        + " USING btree ("
        + String.join(", ", def.columnNames(ids))
        + ")";
  }

  /**
   * What pg_get_indexdef and pg_get_constraintdef answer, by oid: each index's CREATE INDEX and
   * each constraint's definition.
   */
  Map<Long, String> definitions() {
    Map<Long, String> out = new java.util.HashMap<>();
    for (TableDef def : userTables()) {
      for (KeyIndex k : keyIndexes(def)) {
        out.put((long) k.oid(), indexDef(k.key().name(), true, def, k.key().columns()));
        out.put(
            (long) k.oid() + 100_000_000L,
            (k.primary() ? "PRIMARY KEY (" : "UNIQUE (")
                + String.join(", ", def.columnNames(k.key().columns()))
                + ")");
      }
      int n = 0;
      for (Constraints.Check c : def.constraints().checks()) {
        out.put((long) (800_000_000 + def.id() * 1000 + n++), "CHECK (" + c.expression() + ")");
      }
    }
    for (PlainIndex p : plainIndexes()) {
      out.put((long) p.oid(), indexDef(p.name(), false, p.table(), p.columnIds()));
    }
    for (String v : viewNames()) {
      // the query as it was written (PostgreSQL prints its own rendering of the parsed query)
      out.put((long) viewOid(v), " " + Views.Definition.decode(views.get(v)).query() + ";");
    }
    return out;
  }

  /** Every relation's oid by {@code schema.name}: tables, their key indexes, indexes, views. */
  Map<String, Long> relations() {
    Map<String, Long> out = new java.util.HashMap<>();
    for (TableDef def : userTables()) {
      out.put("public." + def.name(), (long) tableOid(def));
      for (KeyIndex k : keyIndexes(def)) {
        out.put("public." + k.key().name(), (long) k.oid());
      }
    }
    for (PlainIndex p : plainIndexes()) {
      out.put("public." + p.name(), (long) p.oid());
    }
    for (String v : viewNames()) {
      out.put("public." + v, (long) viewOid(v));
    }
    for (String name : pgCatalog.keySet()) {
      out.put("pg_catalog." + name, (long) systemOid("pg_catalog." + name));
    }
    return out;
  }

  private static List<Integer> attnums(TableDef def, List<Integer> columnIds) {
    List<Integer> out = new ArrayList<>();
    for (int id : columnIds) {
      out.add(def.indexOfId(id) + 1);
    }
    return out;
  }

  private static String int2vector(List<Integer> nums) {
    StringBuilder b = new StringBuilder();
    for (int n : nums) {
      b.append(b.length() == 0 ? "" : " ").append(n);
    }
    return b.toString();
  }

  private static String array(List<?> values) {
    StringBuilder b = new StringBuilder("{");
    for (Object v : values) {
      b.append(b.length() == 1 ? "" : ",").append(v);
    }
    return b.append('}').toString();
  }

  private static long b(boolean v) {
    return v ? 1L : 0L;
  }

  private static Column col(String name, ColumnType type) {
    return new Column(name, type);
  }

  /** PostgreSQL's type oid for a column (varchar with a length is character varying). */
  static int typeOid(ColumnType t) {
    return t.pgOid();
  }

  /** The data_type information_schema.columns shows. */
  private static String dataType(ColumnType t) {
    return t.isArray() ? "ARRAY" : ColumnType.pgFormatType(typeOid(t), -1);
  }

  // ------------------------------------------------------------------------------ pg_catalog

  private TableVersion pgNamespace() {
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {(long) PG_CATALOG, "pg_catalog", (long) OWNER_OID});
    // as from PostgreSQL 15: public belongs to whoever owns the database
    rows.add(new Object[] {(long) PUBLIC, "public", (long) DATABASE_OWNER_OID});
    rows.add(new Object[] {(long) INFORMATION_SCHEMA, "information_schema", (long) OWNER_OID});
    return VirtualTable.of(
        "pg_namespace", List.of(col("oid", OID), col("nspname", NAME), col("nspowner", OID)), rows);
  }

  private TableVersion pgClass() {
    List<Object[]> rows = new ArrayList<>();
    for (TableDef def : userTables()) {
      List<KeyIndex> keys = keyIndexes(def);
      long live = 0;
      Table t = store.table(def.name());
      if (t != null && t.version() != null) {
        live = t.version().liveRows();
      }
      rows.add(
          classRow(
              tableOid(def),
              def.name(),
              "r",
              def.columns().size(),
              !keys.isEmpty(),
              def.constraints().checks().size(),
              live));
      for (KeyIndex k : keys) {
        rows.add(classRow(k.oid(), k.key().name(), "i", k.key().columns().size(), false, 0, live));
      }
    }
    for (PlainIndex p : plainIndexes()) {
      rows.add(classRow(p.oid(), p.name(), "i", p.columnIds().size(), false, 0, 0));
    }
    for (String v : viewNames()) {
      rows.add(classRow(viewOid(v), v, "v", 0, false, 0, 0));
    }
    for (String name : pgCatalog.keySet()) {
      rows.add(classRow(systemOid("pg_catalog." + name), name, "r", 0, false, 0, 0, PG_CATALOG));
    }
    return VirtualTable.of(
        "pg_class",
        List.of(
            col("oid", OID),
            col("relname", NAME),
            col("relnamespace", OID),
            col("reltype", OID),
            col("reloftype", OID),
            col("relowner", OID),
            col("relam", OID),
            col("relfilenode", OID),
            col("reltablespace", OID),
            col("relpages", INT4),
            col("reltuples", FLOAT4),
            col("relallvisible", INT4),
            col("reltoastrelid", OID),
            col("relhasindex", BOOL),
            col("relisshared", BOOL),
            col("relpersistence", TEXT),
            col("relkind", TEXT),
            col("relnatts", INT2),
            col("relchecks", INT2),
            col("relhasrules", BOOL),
            col("relhastriggers", BOOL),
            col("relhassubclass", BOOL),
            col("relrowsecurity", BOOL),
            col("relforcerowsecurity", BOOL),
            col("relispopulated", BOOL),
            col("relreplident", TEXT),
            col("relispartition", BOOL),
            col("relacl", ColumnType.arrayOf(TEXT)),
            col("reloptions", ColumnType.arrayOf(TEXT)),
            col("relpartbound", TEXT)),
        rows);
  }

  private static int systemOid(String name) {
    return 1_000 + Math.floorMod(name.hashCode(), 9_000);
  }

  private static Object[] classRow(
      int oid, String name, String kind, int natts, boolean hasIndex, int checks, long tuples) {
    return classRow(oid, name, kind, natts, hasIndex, checks, tuples, PUBLIC);
  }

  private static Object[] classRow(
      int oid,
      String name,
      String kind,
      int natts,
      boolean hasIndex,
      int checks,
      long tuples,
      int namespace) {
    return new Object[] {
      (long) oid,
      name,
      (long) namespace,
      0L,
      0L,
      (long) OWNER_OID,
      kind.equals("i") ? 403L : kind.equals("r") ? 2L : 0L,
      (long) oid,
      0L,
      0L,
      (double) tuples,
      0L,
      0L,
      b(hasIndex),
      0L,
      "p",
      kind,
      (long) natts,
      (long) checks,
      0L,
      0L,
      0L,
      0L,
      0L,
      1L,
      "d",
      0L,
      null,
      null,
      null
    };
  }

  /**
   * One pg_attribute row: a relation's column {@code num} (from 1), with whether it is NOT NULL,
   * has a DEFAULT and is an identity column.
   */
  private static Object[] attribute(
      int relation,
      String name,
      ColumnType t,
      int num,
      boolean notNull,
      boolean hasDefault,
      boolean identity) {
    return new Object[] {
      (long) relation,
      name,
      (long) typeOid(t),
      (long) t.pgLength(),
      (long) num,
      (long) t.pgTypeModifier(),
      b(notNull),
      b(hasDefault),
      0L,
      identity ? "d" : "",
      "",
      0L,
      1L,
      0L,
      null,
      // storage as PostgreSQL chooses it: in line for fixed-width types, compressible
      // out of line for text, compressible in line for numeric
      t.kind() == TypeKind.DECIMAL || t.kind() == TypeKind.NUMERIC
          ? "m"
          : t.pgLength() < 0 ? "x" : "p",
      "",
      -1L
    };
  }

  private TableVersion pgAttribute() {
    List<Object[]> rows = new ArrayList<>();
    for (TableDef def : userTables()) {
      int num = 1;
      for (ColumnDef c : def.columns()) {
        rows.add(
            attribute(
                tableOid(def),
                c.name(),
                c.type(),
                num++,
                c.notNull(),
                def.constraints().defaults().containsKey(c.id()),
                def.constraints().identity().contains(c.id())));
      }
      for (KeyIndex k : keyIndexes(def)) {
        int n = 1;
        for (int id : k.key().columns()) {
          ColumnDef c = def.columns().get(def.indexOfId(id));
          rows.add(attribute(k.oid(), c.name(), c.type(), n++, false, false, false));
        }
      }
    }
    for (PlainIndex p : plainIndexes()) {
      int n = 1;
      for (int id : p.columnIds()) {
        ColumnDef c = p.table().columns().get(p.table().indexOfId(id));
        rows.add(attribute(p.oid(), c.name(), c.type(), n++, false, false, false));
      }
    }
    for (String v : viewNames()) {
      int num = 1;
      for (ViewColumn c : viewColumns.apply(v)) {
        rows.add(attribute(viewOid(v), c.name(), c.type(), num++, false, false, false));
      }
    }
    return VirtualTable.of(
        "pg_attribute",
        List.of(
            col("attrelid", OID),
            col("attname", NAME),
            col("atttypid", OID),
            col("attlen", INT2),
            col("attnum", INT2),
            col("atttypmod", INT4),
            col("attnotnull", BOOL),
            col("atthasdef", BOOL),
            col("attisdropped", BOOL),
            col("attidentity", TEXT),
            col("attgenerated", TEXT),
            col("attndims", INT4),
            col("attislocal", BOOL),
            col("attcollation", OID),
            col("attacl", TEXT),
            col("attstorage", TEXT),
            col("attcompression", TEXT),
            col("attstattarget", INT4)),
        rows);
  }

  private TableVersion pgType() {
    Object[][] types = {
      {16, "bool", 1, "b", "B"},
      {17, "bytea", -1, "b", "U"},
      {18, "char", 1, "b", "S"},
      {19, "name", 64, "b", "S"},
      {20, "int8", 8, "b", "N"},
      {21, "int2", 2, "b", "N"},
      {23, "int4", 4, "b", "N"},
      {25, "text", -1, "b", "S"},
      {26, "oid", 4, "b", "N"},
      {700, "float4", 4, "b", "N"},
      {701, "float8", 8, "b", "N"},
      {1042, "bpchar", -1, "b", "S"},
      {1043, "varchar", -1, "b", "S"},
      {1082, "date", 4, "b", "D"},
      {1114, "timestamp", 8, "b", "D"},
      {1184, "timestamptz", 8, "b", "D"},
      {1083, "time", 8, "b", "D"},
      {1186, "interval", 16, "b", "T"},
      {2950, "uuid", 16, "b", "U"},
      {114, "json", -1, "b", "U"},
      {3802, "jsonb", -1, "b", "U"},
      {1700, "numeric", -1, "b", "N"},
      {2205, "regclass", 4, "b", "N"},
      {22, "int2vector", -1, "b", "A"},
      {1000, "_bool", -1, "b", "A"},
      {1005, "_int2", -1, "b", "A"},
      {1007, "_int4", -1, "b", "A"},
      {1016, "_int8", -1, "b", "A"},
      {1009, "_text", -1, "b", "A"},
      {1015, "_varchar", -1, "b", "A"},
      {1001, "_bytea", -1, "b", "A"},
      {1115, "_timestamp", -1, "b", "A"},
      {1185, "_timestamptz", -1, "b", "A"},
      {2951, "_uuid", -1, "b", "A"},
      {199, "_json", -1, "b", "A"},
      {3807, "_jsonb", -1, "b", "A"}
    };
    List<Object[]> rows = new ArrayList<>();
    for (Object[] t : types) {
      String name = (String) t[1];
      boolean array = name.startsWith("_");
      rows.add(
          new Object[] {
            (long) (int) t[0],
            name,
            (long) PG_CATALOG,
            (long) OWNER_OID,
            (long) (int) t[2],
            b((int) t[2] > 0 && (int) t[2] <= 8),
            t[3],
            t[4],
            1L,
            ",",
            0L,
            0L,
            0L,
            -1L,
            0L,
            0L,
            null,
            0L,
            0L,
            inputFunction(name)
          });
    }
    // an array names its element (typelem) and each element type its array (typarray)
    Map<String, Object[]> byName = new HashMap<>();
    for (Object[] r : rows) {
      byName.put((String) r[1], r);
    }
    for (Object[] r : rows) {
      String name = (String) r[1];
      Object[] element =
          name.equals("int2vector") ? byName.get("int2") : byName.get(name.substring(1));
      if (name.startsWith("_") || name.equals("int2vector")) {
        r[11] = element[0];
        if (name.startsWith("_")) {
          element[18] = r[0];
        }
      }
    }
    return VirtualTable.of(
        "pg_type",
        List.of(
            col("oid", OID),
            col("typname", NAME),
            col("typnamespace", OID),
            col("typowner", OID),
            col("typlen", INT2),
            col("typbyval", BOOL),
            col("typtype", TEXT),
            col("typcategory", TEXT),
            col("typisdefined", BOOL),
            col("typdelim", TEXT),
            col("typrelid", OID),
            col("typelem", OID),
            col("typbasetype", OID),
            col("typtypmod", INT4),
            col("typndims", INT4),
            col("typcollation", OID),
            col("typdefault", TEXT),
            col("typnotnull", BOOL),
            col("typarray", OID),
            col("typinput", TEXT)),
        rows);
  }

  /** A type's input function, by the name PostgreSQL gives it (a regproc shows its name). */
  private static String inputFunction(String type) {
    if (type.startsWith("_")) {
      return "array_in";
    }
    return switch (type) {
      case "date",
          "time",
          "timestamp",
          "timestamptz",
          "numeric",
          "uuid",
          "json",
          "jsonb",
          "interval" ->
          type + "_in";
      default -> type + "in";
    };
  }

  private TableVersion pgIndex() {
    List<Object[]> rows = new ArrayList<>();
    for (TableDef def : userTables()) {
      for (KeyIndex k : keyIndexes(def)) {
        rows.add(
            new Object[] {
              (long) k.oid(),
              (long) tableOid(def),
              (long) k.key().columns().size(),
              (long) k.key().columns().size(),
              1L,
              b(k.primary()),
              0L,
              1L,
              1L,
              0L,
              1L,
              1L,
              int2vector(attnums(def, k.key().columns())),
              int2vector(java.util.Collections.nCopies(k.key().columns().size(), 0)),
              null,
              null
            });
      }
    }
    for (PlainIndex p : plainIndexes()) {
      rows.add(
          new Object[] {
            (long) p.oid(),
            (long) tableOid(p.table()),
            (long) p.columnIds().size(),
            (long) p.columnIds().size(),
            0L,
            0L,
            0L,
            1L,
            1L,
            0L,
            1L,
            1L,
            int2vector(attnums(p.table(), p.columnIds())),
            int2vector(java.util.Collections.nCopies(p.columnIds().size(), 0)),
            null,
            null
          });
    }
    return VirtualTable.of(
        "pg_index",
        List.of(
            col("indexrelid", OID),
            col("indrelid", OID),
            col("indnatts", INT2),
            col("indnkeyatts", INT2),
            col("indisunique", BOOL),
            col("indisprimary", BOOL),
            col("indisexclusion", BOOL),
            col("indimmediate", BOOL),
            col("indisvalid", BOOL),
            col("indisclustered", BOOL),
            col("indisready", BOOL),
            col("indislive", BOOL),
            col("indkey", ColumnType.INT2VECTOR),
            col("indoption", ColumnType.INT2VECTOR),
            col("indexprs", TEXT),
            col("indpred", TEXT),
            col("indisreplident", BOOL),
            col("indnullsnotdistinct", BOOL),
            col("indcheckxmin", BOOL)),
        appended(rows, 0L, 0L, 0L));
  }

  private TableVersion pgConstraint() {
    List<Object[]> rows = new ArrayList<>();
    for (TableDef def : userTables()) {
      for (KeyIndex k : keyIndexes(def)) {
        rows.add(
            new Object[] {
              (long) k.oid() + 100_000_000L,
              k.key().name(),
              (long) PUBLIC,
              k.primary() ? "p" : "u",
              (long) tableOid(def),
              (long) k.oid(),
              array(attnums(def, k.key().columns())),
              null,
              (k.primary() ? "PRIMARY KEY (" : "UNIQUE (")
                  + String.join(", ", def.columnNames(k.key().columns()))
                  + ")"
            });
      }
      int n = 0;
      for (Constraints.Check c : def.constraints().checks()) {
        rows.add(
            new Object[] {
              (long) (800_000_000 + def.id() * 1000 + n++),
              c.name(),
              (long) PUBLIC,
              "c",
              (long) tableOid(def),
              0L,
              null,
              c.expression(),
              "CHECK (" + c.expression() + ")"
            });
      }
    }
    return VirtualTable.of(
        "pg_constraint",
        List.of(
            col("oid", OID),
            col("conname", NAME),
            col("connamespace", OID),
            col("contype", TEXT),
            col("conrelid", OID),
            col("conindid", OID),
            col("conkey", ColumnType.arrayOf(INT2)),
            col("conbin", TEXT),
            col("condef", TEXT),
            col("condeferrable", BOOL),
            col("condeferred", BOOL),
            col("convalidated", BOOL),
            col("confrelid", OID),
            col("conislocal", BOOL),
            col("coninhcount", INT4),
            col("connoinherit", BOOL),
            col("conparentid", OID),
            col("confkey", ColumnType.arrayOf(INT2)),
            col("confupdtype", TEXT),
            col("confdeltype", TEXT),
            col("confmatchtype", TEXT)),
        appended(rows, 0L, 0L, 1L, 0L, 1L, 0L, 0L, 0L, null, " ", " ", " "));
  }

  /** Each row with the same values added after its own: columns every row of a table shares. */
  private static List<Object[]> appended(List<Object[]> rows, Object... values) {
    List<Object[]> out = new ArrayList<>(rows.size());
    for (Object[] r : rows) {
      Object[] x = java.util.Arrays.copyOf(r, r.length + values.length);
      System.arraycopy(values, 0, x, r.length, values.length);
      out.add(x);
    }
    return out;
  }

  private TableVersion pgAttrdef() {
    List<Object[]> rows = new ArrayList<>();
    for (TableDef def : userTables()) {
      for (Map.Entry<Integer, String> d : def.constraints().defaults().entrySet()) {
        int num = def.indexOfId(d.getKey()) + 1;
        if (num > 0) {
          rows.add(
              new Object[] {
                (long) (700_000_000 + def.id() * 1000 + num),
                (long) tableOid(def),
                (long) num,
                d.getValue()
              });
        }
      }
    }
    return VirtualTable.of(
        "pg_attrdef",
        List.of(col("oid", OID), col("adrelid", OID), col("adnum", INT2), col("adbin", TEXT)),
        rows);
  }

  private TableVersion pgDescription() {
    return VirtualTable.of(
        "pg_description",
        List.of(
            col("objoid", OID),
            col("classoid", OID),
            col("objsubid", INT4),
            col("description", TEXT)),
        List.of());
  }

  private TableVersion pgDatabase() {
    List<Object[]> rows = new ArrayList<>();
    rows.add(
        new Object[] {
          (long) DATABASE_OID, DATABASE, (long) OWNER_OID, 6L, "C", "C", 0L, 1L, -1L, null
        });
    return VirtualTable.of(
        "pg_database",
        List.of(
            col("oid", OID),
            col("datname", NAME),
            col("datdba", OID),
            col("encoding", INT4),
            col("datcollate", NAME),
            col("datctype", NAME),
            col("datistemplate", BOOL),
            col("datallowconn", BOOL),
            col("datconnlimit", INT4),
            col("datacl", TEXT)),
        rows);
  }

  private List<UserStore.User> userList() {
    return users == null ? List.of() : users.list();
  }

  private TableVersion pgRoles() {
    List<Object[]> rows = new ArrayList<>();
    long oid = OWNER_OID;
    for (UserStore.User u : userList()) {
      rows.add(
          new Object[] {
            u.name().equals(UserStore.ADMIN) ? (long) OWNER_OID : ++oid + 20_000,
            u.name(),
            b(u.superuser()),
            1L,
            b(u.superuser()),
            b(u.superuser()),
            1L,
            0L,
            -1L,
            "********",
            null,
            0L,
            null
          });
    }
    return VirtualTable.of(
        "pg_roles",
        List.of(
            col("oid", OID),
            col("rolname", NAME),
            col("rolsuper", BOOL),
            col("rolinherit", BOOL),
            col("rolcreaterole", BOOL),
            col("rolcreatedb", BOOL),
            col("rolcanlogin", BOOL),
            col("rolreplication", BOOL),
            col("rolconnlimit", INT4),
            col("rolpassword", TEXT),
            col("rolvaliduntil", ColumnType.TIMESTAMP),
            col("rolbypassrls", BOOL),
            col("rolconfig", TEXT)),
        rows);
  }

  private TableVersion pgUser() {
    List<Object[]> rows = new ArrayList<>();
    long oid = OWNER_OID;
    for (UserStore.User u : userList()) {
      rows.add(
          new Object[] {
            u.name(),
            u.name().equals(UserStore.ADMIN) ? (long) OWNER_OID : ++oid + 20_000,
            b(u.superuser()),
            b(u.superuser()),
            0L,
            0L,
            "********",
            null,
            null
          });
    }
    return VirtualTable.of(
        "pg_user",
        List.of(
            col("usename", NAME),
            col("usesysid", OID),
            col("usecreatedb", BOOL),
            col("usesuper", BOOL),
            col("userepl", BOOL),
            col("usebypassrls", BOOL),
            col("passwd", TEXT),
            col("valuntil", ColumnType.TIMESTAMP),
            col("useconfig", TEXT)),
        rows);
  }

  private TableVersion pgSettings() {
    List<Object[]> rows = new ArrayList<>();
    for (Map.Entry<String, String> e : Settings.DEFAULTS.entrySet()) {
      rows.add(
          new Object[] {e.getKey(), e.getValue(), null, "Citadel", "user", "string", "default"});
    }
    return VirtualTable.of(
        "pg_settings",
        List.of(
            col("name", TEXT),
            col("setting", TEXT),
            col("unit", TEXT),
            col("category", TEXT),
            col("context", TEXT),
            col("vartype", TEXT),
            col("source", TEXT)),
        rows);
  }

  private TableVersion pgAm() {
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {2L, "heap", "t"});
    rows.add(new Object[] {403L, "btree", "i"});
    return VirtualTable.of(
        "pg_am", List.of(col("oid", OID), col("amname", NAME), col("amtype", TEXT)), rows);
  }

  private TableVersion pgProc() {
    List<Object[]> rows = new ArrayList<>();
    long oid = 50_000;
    for (String fn : SqlPlanner.functionNames()) {
      rows.add(new Object[] {oid++, fn, (long) PG_CATALOG, (long) OWNER_OID, "f", 0L, 0L});
    }
    return VirtualTable.of(
        "pg_proc",
        List.of(
            col("oid", OID),
            col("proname", NAME),
            col("pronamespace", OID),
            col("proowner", OID),
            col("prokind", TEXT),
            col("prorettype", OID),
            col("pronargs", INT2)),
        rows);
  }

  private TableVersion pgTables() {
    List<Object[]> rows = new ArrayList<>();
    for (TableDef def : userTables()) {
      rows.add(
          new Object[] {
            "public", def.name(), UserStore.ADMIN, null, b(!keyIndexes(def).isEmpty()), 0L, 0L, 0L
          });
    }
    return VirtualTable.of(
        "pg_tables",
        List.of(
            col("schemaname", NAME),
            col("tablename", NAME),
            col("tableowner", NAME),
            col("tablespace", NAME),
            col("hasindexes", BOOL),
            col("hasrules", BOOL),
            col("hastriggers", BOOL),
            col("rowsecurity", BOOL)),
        rows);
  }

  /** Live rows per table (n_live_tup), which BI tools read as a table's size estimate. */
  private TableVersion pgStatUserTables() {
    List<Object[]> rows = new ArrayList<>();
    for (TableDef def : userTables()) {
      Table t = store.table(def.name());
      long live = t != null && t.version() != null ? t.version().liveRows() : 0;
      rows.add(new Object[] {(long) tableOid(def), "public", def.name(), live, 0L});
    }
    return VirtualTable.of(
        "pg_stat_user_tables",
        List.of(
            col("relid", OID),
            col("schemaname", NAME),
            col("relname", NAME),
            col("n_live_tup", ColumnType.BIGINT),
            col("n_dead_tup", ColumnType.BIGINT)),
        rows);
  }

  private TableVersion pgViews() {
    List<Object[]> rows = new ArrayList<>();
    for (String v : viewNames()) {
      rows.add(
          new Object[] {
            "public", v, UserStore.ADMIN, Views.Definition.decode(views.get(v)).query()
          });
    }
    return VirtualTable.of(
        "pg_views",
        List.of(
            col("schemaname", NAME),
            col("viewname", NAME),
            col("viewowner", NAME),
            col("definition", TEXT)),
        rows);
  }

  private TableVersion pgIndexes() {
    List<Object[]> rows = new ArrayList<>();
    for (TableDef def : userTables()) {
      for (KeyIndex k : keyIndexes(def)) {
        rows.add(
            new Object[] {
              "public",
              def.name(),
              k.key().name(),
              null,
              indexDef(k.key().name(), true, def, k.key().columns())
            });
      }
    }
    for (PlainIndex p : plainIndexes()) {
      rows.add(
          new Object[] {
            "public",
            p.table().name(),
            p.name(),
            null,
            indexDef(p.name(), false, p.table(), p.columnIds())
          });
    }
    return VirtualTable.of(
        "pg_indexes",
        List.of(
            col("schemaname", NAME),
            col("tablename", NAME),
            col("indexname", NAME),
            col("tablespace", NAME),
            col("indexdef", TEXT)),
        rows);
  }

  private TableVersion pgCollation() {
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {100L, "default", (long) PG_CATALOG});
    rows.add(new Object[] {950L, "C", (long) PG_CATALOG});
    return VirtualTable.of(
        "pg_collation",
        List.of(col("oid", OID), col("collname", NAME), col("collnamespace", OID)),
        rows);
  }

  /**
   * Catalogs of what Citadel does not have (inheritance, row security, triggers, publications,
   * extensions, sequences of their own ...): always empty, with the columns clients read, each
   * "name type" (an array column is its text form for now).
   */
  private static final Map<String, String> EMPTY =
      Map.ofEntries(
          Map.entry(
              "pg_inherits", "inhrelid oid, inhparent oid, inhseqno int4, inhdetachpending bool"),
          Map.entry(
              "pg_policy",
              "oid oid, polname name, polrelid oid, polcmd text, polpermissive bool, polroles text,"
                  + " polqual text, polwithcheck text"),
          Map.entry(
              "pg_trigger",
              "oid oid, tgrelid oid, tgname name, tgenabled text, tgisinternal bool, tgparentid oid,"
                  + " tgfoid oid, tgtype int2, tgconstraint oid"),
          Map.entry(
              "pg_statistic_ext",
              "oid oid, stxrelid oid, stxname name, stxnamespace oid, stxowner oid, stxstattarget"
                  + " int4, stxkeys text, stxkind text, stxexprs text"),
          Map.entry(
              "pg_publication",
              "oid oid, pubname name, pubowner oid, puballtables bool, pubinsert bool, pubupdate"
                  + " bool, pubdelete bool, pubtruncate bool, pubviaroot bool"),
          Map.entry(
              "pg_publication_rel", "oid oid, prpubid oid, prrelid oid, prqual text, prattrs text"),
          Map.entry("pg_publication_namespace", "oid oid, pnpubid oid, pnnspid oid"),
          Map.entry(
              "pg_extension",
              "oid oid, extname name, extowner oid, extnamespace oid, extrelocatable bool,"
                  + " extversion text, extconfig text, extcondition text"),
          Map.entry(
              "pg_sequence",
              "seqrelid oid, seqtypid oid, seqstart int8, seqincrement int8, seqmax int8, seqmin"
                  + " int8, seqcache int8, seqcycle bool"),
          Map.entry("pg_enum", "oid oid, enumtypid oid, enumsortorder float4, enumlabel name"),
          Map.entry(
              "pg_matviews",
              "schemaname name, matviewname name, matviewowner name, tablespace name, hasindexes"
                  + " bool, ispopulated bool, definition text"),
          Map.entry(
              "pg_partitioned_table",
              "partrelid oid, partstrat text, partnatts int2, partdefid oid, partattrs text"),
          Map.entry("pg_foreign_table", "ftrelid oid, ftserver oid, ftoptions text"),
          Map.entry(
              "pg_foreign_server",
              "oid oid, srvname name, srvowner oid, srvfdw oid, srvtype text, srvversion text,"
                  + " srvacl text, srvoptions text"),
          Map.entry(
              "pg_event_trigger",
              "oid oid, evtname name, evtevent name, evtowner oid, evtfoid oid, evtenabled text"),
          Map.entry(
              "pg_aggregate",
              "aggfnoid oid, aggkind text, aggnumdirectargs int2, aggtransfn oid, aggfinalfn oid"),
          Map.entry(
              "pg_rewrite",
              "oid oid, rulename name, ev_class oid, ev_type text, ev_enabled text, is_instead"
                  + " bool"),
          Map.entry(
              "pg_conversion",
              "oid oid, conname name, connamespace oid, conowner oid, conforencoding int4,"
                  + " contoencoding int4, conproc oid, condefault bool"),
          Map.entry(
              "pg_cast",
              "oid oid, castsource oid, casttarget oid, castfunc oid, castcontext text,"
                  + " castmethod text"),
          Map.entry("pg_language", "oid oid, lanname name, lanowner oid, lanispl bool"));

  /** PostgreSQL's two built-in tablespaces, which clients expect: all data lives in the first. */
  private static TableVersion pgTablespace() {
    return VirtualTable.of(
        "pg_tablespace",
        List.of(
            col("oid", OID),
            col("spcname", NAME),
            col("spcowner", OID),
            col("spcacl", TEXT),
            col("spcoptions", TEXT)),
        List.of(
            new Object[] {1663L, "pg_default", (long) OWNER_OID, null, null},
            new Object[] {1664L, "pg_global", (long) OWNER_OID, null, null}));
  }

  private static TableVersion empty(String name) {
    List<Column> columns = new ArrayList<>();
    for (String c : EMPTY.get(name).split(",")) {
      String[] nt = c.strip().split(" ");
      columns.add(
          col(
              nt[0],
              switch (nt[1]) {
                case "oid" -> OID;
                case "name" -> NAME;
                case "bool" -> BOOL;
                case "int2" -> INT2;
                case "int4" -> INT4;
                case "int8" -> ColumnType.BIGINT;
                case "float4" -> FLOAT4;
                default -> TEXT;
              }));
    }
    return VirtualTable.of(name, columns, List.of());
  }

  private TableVersion pgAuthMembers() {
    return VirtualTable.of(
        "pg_auth_members",
        List.of(
            col("roleid", OID), col("member", OID), col("grantor", OID), col("admin_option", BOOL)),
        List.of());
  }

  // ---------------------------------------------------------------------- information_schema

  private TableVersion schemata() {
    List<Object[]> rows = new ArrayList<>();
    for (String s : List.of("information_schema", "pg_catalog", "public")) {
      rows.add(new Object[] {DATABASE, s, UserStore.ADMIN});
    }
    return VirtualTable.of(
        "schemata",
        List.of(col("catalog_name", TEXT), col("schema_name", TEXT), col("schema_owner", TEXT)),
        rows);
  }

  private TableVersion tables() {
    List<Object[]> rows = new ArrayList<>();
    for (TableDef def : userTables()) {
      rows.add(new Object[] {DATABASE, "public", def.name(), "BASE TABLE", "YES", "NO"});
    }
    for (String v : viewNames()) {
      rows.add(new Object[] {DATABASE, "public", v, "VIEW", "NO", "NO"});
    }
    for (String n : informationSchema.keySet()) {
      rows.add(new Object[] {DATABASE, "information_schema", n, "VIEW", "NO", "NO"});
    }
    for (String n : pgCatalog.keySet()) {
      rows.add(new Object[] {DATABASE, "pg_catalog", n, "BASE TABLE", "NO", "NO"});
    }
    return VirtualTable.of(
        "tables",
        List.of(
            col("table_catalog", TEXT),
            col("table_schema", TEXT),
            col("table_name", TEXT),
            col("table_type", TEXT),
            col("is_insertable_into", TEXT),
            col("is_typed", TEXT)),
        rows);
  }

  private TableVersion columns() {
    List<Object[]> rows = new ArrayList<>();
    for (TableDef def : userTables()) {
      int pos = 1;
      for (ColumnDef c : def.columns()) {
        ColumnType t = c.type();
        boolean identity = def.constraints().identity().contains(c.id());
        rows.add(
            new Object[] {
              DATABASE,
              "public",
              def.name(),
              c.name(),
              (long) pos++,
              def.constraints().defaults().get(c.id()),
              c.notNull() ? "NO" : "YES",
              dataType(t),
              null,
              columnPrecision(t),
              columnScale(t),
              pgTypeName(t),
              identity ? "YES" : "NO"
            });
      }
    }
    for (String v : viewNames()) {
      int pos = 1;
      for (ViewColumn c : viewColumns.apply(v)) {
        ColumnType t = c.type();
        rows.add(
            new Object[] {
              DATABASE,
              "public",
              v,
              c.name(),
              (long) pos++,
              null,
              "YES",
              dataType(t),
              null,
              columnPrecision(t),
              columnScale(t),
              pgTypeName(t),
              "NO"
            });
      }
    }
    return VirtualTable.of(
        "columns",
        List.of(
            col("table_catalog", TEXT),
            col("table_schema", TEXT),
            col("table_name", TEXT),
            col("column_name", TEXT),
            col("ordinal_position", INT4),
            col("column_default", TEXT),
            col("is_nullable", TEXT),
            col("data_type", TEXT),
            col("character_maximum_length", INT4),
            col("numeric_precision", INT4),
            col("numeric_scale", INT4),
            col("udt_name", TEXT),
            col("is_identity", TEXT),
            col("udt_catalog", TEXT),
            col("udt_schema", TEXT),
            col("is_generated", TEXT),
            col("is_updatable", TEXT)),
        appended(rows, DATABASE, "pg_catalog", "NEVER", "YES"));
  }

  private static Long numericPrecision(ColumnType t) {
    return switch (t.kind()) {
      case SMALLINT -> 16L;
      case INTEGER -> 32L;
      case BIGINT -> 64L;
      case FLOAT -> 24L;
      case DOUBLE -> 53L;
      default -> null;
    };
  }

  /** information_schema's numeric_precision: a decimal's digits, an integer's bits ... */
  private static Long columnPrecision(ColumnType t) {
    if (t.kind() == TypeKind.DECIMAL || t.kind() == TypeKind.NUMERIC) {
      return t.precision() > 0 ? Long.valueOf(t.precision()) : null;
    }
    return numericPrecision(t);
  }

  /** information_schema's numeric_scale: null for numeric without a modifier and non-numbers. */
  private static Long columnScale(ColumnType t) {
    if (t.kind() == TypeKind.DECIMAL || t.kind() == TypeKind.NUMERIC) {
      return t.precision() > 0 ? Long.valueOf(t.scale()) : null;
    }
    return t.kind().isIntegral() ? Long.valueOf(0) : null;
  }

  private static String pgTypeName(ColumnType t) {
    if (t.isArray()) {
      return "_" + pgTypeName(t.element());
    }
    return switch (t.kind()) {
      case BOOLEAN -> "bool";
      case SMALLINT -> "int2";
      case INTEGER -> "int4";
      case BIGINT -> "int8";
      case FLOAT -> "float4";
      case DOUBLE -> "float8";
      case DECIMAL, NUMERIC -> "numeric";
      case TEXT -> t.precision() > 0 ? (t.isBlankPadded() ? "bpchar" : "varchar") : "text";
      case DATE -> "date";
      case TIMESTAMP -> "timestamp";
      case TIMESTAMPTZ -> "timestamptz";
      case TIME -> "time";
      case UUID -> "uuid";
      case JSON -> "json";
      case JSONB -> "jsonb";
      case BYTEA -> "bytea";
      case INTERVAL -> "interval";
    };
  }

  private TableVersion isViews() {
    List<Object[]> rows = new ArrayList<>();
    for (String v : viewNames()) {
      rows.add(
          new Object[] {
            DATABASE, "public", v, Views.Definition.decode(views.get(v)).query(), "NONE", "NO"
          });
    }
    return VirtualTable.of(
        "views",
        List.of(
            col("table_catalog", TEXT),
            col("table_schema", TEXT),
            col("table_name", TEXT),
            col("view_definition", TEXT),
            col("check_option", TEXT),
            col("is_updatable", TEXT)),
        rows);
  }

  private TableVersion tableConstraints() {
    List<Object[]> rows = new ArrayList<>();
    for (TableDef def : userTables()) {
      for (KeyIndex k : keyIndexes(def)) {
        rows.add(
            new Object[] {
              DATABASE,
              "public",
              k.key().name(),
              DATABASE,
              "public",
              def.name(),
              k.primary() ? "PRIMARY KEY" : "UNIQUE"
            });
      }
      for (Constraints.Check c : def.constraints().checks()) {
        rows.add(
            new Object[] {DATABASE, "public", c.name(), DATABASE, "public", def.name(), "CHECK"});
      }
    }
    return VirtualTable.of(
        "table_constraints",
        List.of(
            col("constraint_catalog", TEXT),
            col("constraint_schema", TEXT),
            col("constraint_name", TEXT),
            col("table_catalog", TEXT),
            col("table_schema", TEXT),
            col("table_name", TEXT),
            col("constraint_type", TEXT)),
        rows);
  }

  private TableVersion keyColumnUsage() {
    List<Object[]> rows = new ArrayList<>();
    for (TableDef def : userTables()) {
      for (KeyIndex k : keyIndexes(def)) {
        int pos = 1;
        for (String c : def.columnNames(k.key().columns())) {
          rows.add(
              new Object[] {
                DATABASE, "public", k.key().name(), DATABASE, "public", def.name(), c, (long) pos++
              });
        }
      }
    }
    return VirtualTable.of(
        "key_column_usage",
        List.of(
            col("constraint_catalog", TEXT),
            col("constraint_schema", TEXT),
            col("constraint_name", TEXT),
            col("table_catalog", TEXT),
            col("table_schema", TEXT),
            col("table_name", TEXT),
            col("column_name", TEXT),
            col("ordinal_position", INT4)),
        rows);
  }
}
