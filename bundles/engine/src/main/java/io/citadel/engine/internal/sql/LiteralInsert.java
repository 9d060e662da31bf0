package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.storage.ColumnDef;
import io.citadel.engine.internal.storage.Store;
import io.citadel.engine.internal.storage.Table;
import io.citadel.engine.internal.storage.TableDef;
import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.TypeKind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code INSERT INTO t [(columns)] VALUES (...), ...} whose values are all plain literals, run
 * without the planner: the statement that loaders, replicated logs and batching clients send most.
 * Calcite plans a VALUES list that needs casts as a union of one-row projections, which takes
 * seconds for a hundred rows; this reads the literals and converts each to its column's type
 * directly.
 *
 * <p>It takes only what it is sure of: numbers into numeric columns, strings into any column
 * (parsed as the column's type, as PostgreSQL does with an untyped literal), NULL, and TRUE/FALSE
 * into BOOLEAN. Anything else (an expression, a function, a sub-select, an unknown table or column,
 * rows of the wrong width) answers null and goes the general way, which gives the same results and
 * the errors users know.
 */
final class LiteralInsert {

  private LiteralInsert() {}

  /**
   * Runs the statement {@code t} holds (from its start) when it is a literal insert and answers its
   * row count; null otherwise. The caller holds the engine's write lock.
   *
   * @param zone the session's time zone, in which a timestamptz written without an offset is read
   */
  static Integer tryRun(Store store, Tokens t, java.time.ZoneId zone) {
    if (!t.accept("insert") || !t.accept("into")) {
      return null;
    }
    Tokens.Token name = t.next();
    if (!isIdentifier(name) || t.peek().text().equals(".")) {
      return null;
    }
    Table table = store.table(name.text());
    if (table == null) {
      return null;
    }
    TableDef def = table.def();
    int width = def.columns().size();
    int[] target = targets(t, def);
    if (target == null || !t.accept("values") || omitsDefault(def, target)) {
      return null;
    }
    List<Object[]> rows = new ArrayList<>();
    do {
      Object[] row = row(t, def, target, width, zone);
      if (row == null) {
        return null;
      }
      rows.add(row);
    } while (t.accept(","));
    if (!t.atEnd()) {
      return null;
    }
    int n = rows.size();
    Object[][] columns = new Object[width][n];
    for (int r = 0; r < n; r++) {
      Object[] row = rows.get(r);
      for (int c = 0; c < width; c++) {
        columns[c][r] = row[c];
      }
    }
    return store.insert(def.name(), columns, n);
  }

  /** Whether a column the statement leaves out has a DEFAULT, which the planner fills in. */
  private static boolean omitsDefault(TableDef def, int[] target) {
    if (def.constraints().defaults().isEmpty()) {
      return false;
    }
    boolean[] named = new boolean[def.columns().size()];
    for (int c : target) {
      named[c] = true;
    }
    for (int c = 0; c < named.length; c++) {
      if (!named[c] && def.constraints().defaults().containsKey(def.columns().get(c).id())) {
        return true;
      }
    }
    return false;
  }

  /** The table column each value goes to, from the optional column list; null to fall back. */
  private static int[] targets(Tokens t, TableDef def) {
    int width = def.columns().size();
    if (!t.accept("(")) {
      int[] all = new int[width];
      for (int c = 0; c < width; c++) {
        all[c] = c;
      }
      return all;
    }
    List<Integer> listed = new ArrayList<>();
    do {
      Tokens.Token col = t.next();
      int c = isIdentifier(col) ? def.indexOf(col.text()) : -1;
      if (c < 0 || listed.contains(c)) {
        return null;
      }
      listed.add(c);
    } while (t.accept(","));
    if (!t.accept(")")) {
      return null;
    }
    return listed.stream().mapToInt(Integer::intValue).toArray();
  }

  /** One parenthesised row, as the table's physical values; null to fall back. */
  private static Object[] row(
      Tokens t, TableDef def, int[] target, int width, java.time.ZoneId zone) {
    if (!t.accept("(")) {
      return null;
    }
    Object[] row = new Object[width];
    for (int i = 0; i < target.length; i++) {
      if (i > 0 && !t.accept(",")) {
        return null;
      }
      ColumnDef col = def.columns().get(target[i]);
      Tokens.Token v = t.next();
      Object value = value(v, col.type(), zone);
      if (value == FALL_BACK) {
        return null;
      }
      row[target[i]] = value;
    }
    return t.accept(")") ? row : null;
  }

  private static final Object FALL_BACK = new Object();

  /** A literal as a physical value of {@code type}, or {@link #FALL_BACK}. */
  private static Object value(Tokens.Token v, ColumnType type, java.time.ZoneId zone) {
    TypeKind kind = type.kind();
    switch (v.kind()) {
      case STRING:
        return type.parse(v.text(), zone);
      case WORD:
        return switch (v.text()) {
          case "null" -> null;
          case "true", "false" -> kind == TypeKind.BOOLEAN ? type.parse(v.text()) : FALL_BACK;
          default -> FALL_BACK;
        };
      case NUMBER:
        return kind.isNumeric() ? number(v.text(), type) : FALL_BACK;
      default:
        return FALL_BACK;
    }
  }

  /** A numeric literal assigned to a numeric column, with the planner path's rounding. */
  private static Object number(String text, ColumnType type) {
    if (type.kind() == TypeKind.NUMERIC) {
      return type.parse(text); // exactly as written, held to the column's type modifier
    }
    try {
      if (text.indexOf('e') >= 0 || text.indexOf('E') >= 0) {
        // an approximate literal (5.0E8) is a DOUBLE, as in the planner
        return type.assign(Double.parseDouble(text), ColumnType.DOUBLE);
      }
      if (text.indexOf('.') < 0) {
        return type.assign(Long.parseLong(text), ColumnType.BIGINT);
      }
      BigDecimal d = new BigDecimal(text);
      if (type.kind().isFloating()) {
        return type.assign(d.doubleValue(), ColumnType.DOUBLE);
      }
      if (type.kind() == TypeKind.DECIMAL) {
        return type.decimalToUnscaled(d);
      }
      return type.assign(d.setScale(0, RoundingMode.HALF_EVEN).longValueExact(), ColumnType.BIGINT);
    } catch (NumberFormatException | ArithmeticException e) {
      return FALL_BACK; // too long for a long, or malformed ("1.2.3"): the planner says why
    }
  }

  private static boolean isIdentifier(Tokens.Token t) {
    return t.kind() == io.citadel.engine.api.SqlLexer.Kind.WORD
        || t.kind() == io.citadel.engine.api.SqlLexer.Kind.QUOTED_IDENT;
  }
}
