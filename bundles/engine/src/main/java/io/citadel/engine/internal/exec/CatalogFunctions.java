package io.citadel.engine.internal.exec;

import io.citadel.engine.internal.types.ColumnType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The catalog functions that answer from the catalog's own definitions, looked up by oid: {@code
 * pg_get_indexdef(index [, column, pretty])} (the CREATE INDEX, or with a column number above zero
 * that column's name) and {@code pg_get_constraintdef(constraint [, pretty])}. The definitions are
 * the statement's catalog's, read once when first needed.
 */
final class CatalogFunctions implements Expr {
  private static final Set<String> NAMES =
      Set.of("PG_GET_INDEXDEF", "PG_GET_CONSTRAINTDEF", "PG_GET_VIEWDEF", "REGCLASS");

  private final String name;
  private final List<Expr> args;
  private final ColumnType type;
  private final Supplier<Map<Long, String>> definitions;
  private final Supplier<Map<String, Long>> relations;

  CatalogFunctions(
      String name,
      List<Expr> args,
      ColumnType type,
      Supplier<Map<Long, String>> definitions,
      Supplier<Map<String, Long>> relations) {
    this.name = name;
    this.args = args;
    this.type = type;
    this.definitions = definitions;
    this.relations = relations;
  }

  static boolean supports(String name) {
    return NAMES.contains(name);
  }

  @Override
  public ColumnType type() {
    return type;
  }

  @Override
  public Vec eval(Batch b) {
    if (name.equals("REGCLASS")) {
      return regclass(args.get(0).eval(b), b.size);
    }
    Vec oid = args.get(0).eval(b);
    Vec column = name.equals("PG_GET_INDEXDEF") && args.size() > 1 ? args.get(1).eval(b) : null;
    Object[] out = new Object[b.size];
    Map<Long, String> defs = null;
    for (int i = 0; i < b.size; i++) {
      if (oid.isNull(i)) {
        continue;
      }
      if (defs == null) {
        defs = definitions.get();
      }
      String def = defs.get(((Number) oid.get(i)).longValue());
      long col = column == null || column.isNull(i) ? 0 : ((Number) column.get(i)).longValue();
      out[i] = def == null || col <= 0 ? def : indexColumn(def, (int) col);
    }
    return Vectors.fromBoxed(type, out, b.size);
  }

  /**
   * A relation's oid from its name ({@code t}, {@code public.t}, {@code "T"}, {@code
   * pg_catalog.pg_class}, looked up as {@code schema.name}); an oid stays as it is. A name that is
   * no relation is 42P01, as in PostgreSQL.
   */
  private Vec regclass(Vec v, int n) {
    Object[] out = new Object[n];
    Map<String, Long> byName = null;
    for (int i = 0; i < n; i++) {
      if (v.isNull(i)) {
        continue;
      }
      Object x = v.get(i);
      if (x instanceof Number num) {
        out[i] = num.longValue();
        continue;
      }
      if (byName == null) {
        byName = relations.get();
      }
      java.util.List<String> parts = TextFunctions.parseIdent(x.toString());
      String key =
          String.join(".", parts.size() == 1 ? java.util.List.of("public", parts.get(0)) : parts);
      Long oid = byName.get(key);
      if (oid == null && parts.size() == 1) {
        oid = byName.get("pg_catalog." + parts.get(0));
      }
      if (oid == null) {
        throw new io.citadel.engine.internal.types.SqlException(
            io.citadel.engine.internal.types.SqlException.UNDEFINED_TABLE,
            "relation \"" + x + "\" does not exist");
      }
      out[i] = oid;
    }
    return Vectors.fromBoxed(type, out, n);
  }

  /** The n-th column (from 1) named in an index definition's parentheses, or "" past the last. */
  private static String indexColumn(String def, int n) {
    int open = def.lastIndexOf('(');
    int close = def.lastIndexOf(')');
    if (open < 0 || close < open) {
      return "";
    }
    String[] cols = def.substring(open + 1, close).split(",");
    return n <= cols.length ? cols[n - 1].strip() : "";
  }
}
