package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.storage.ColumnDef;
import io.citadel.engine.internal.storage.Table;
import io.citadel.engine.internal.storage.TableDef;
import io.citadel.engine.internal.types.ColumnType;
import io.citadel.engine.internal.types.Settings;
import io.citadel.engine.internal.types.SqlException;
import io.citadel.engine.internal.types.TimeZones;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A session's run-time settings (SET, RESET, SHOW, {@code current_setting()}), over {@link
 * Settings}' defaults; also Citadel's SHOW TABLES and DESCRIBE, which answer from the store.
 */
final class SessionSettings {
  private final Engine engine;
  private final Map<String, String> values = new LinkedHashMap<>();

  SessionSettings(Engine engine) {
    this.engine = engine;
  }

  /** The settings this session has set, by lower-case name. */
  Map<String, String> values() {
    return values;
  }

  /** What the client's start-up packet set: RESET returns a setting to it, as in PostgreSQL. */
  private final Map<String, String> startup = new LinkedHashMap<>();

  /** A setting the client's start-up packet gives (TimeZone, application_name, ...). */
  void startup(String name, String value) {
    String v = name.equals("timezone") ? TimeZones.setting(value).shown() : value;
    startup.put(name, v);
    values.put(name, v);
  }

  /** RESET name: back to the start-up packet's value, else the server's. */
  QueryResult reset(Tokens t) {
    t.next();
    String name = t.identifier("a setting");
    if (name.equals("time") && t.accept("zone")) {
      name = "timezone";
    }
    if (name.equals("all")) {
      // every setting back to what the session started with (a pooler's DISCARD ALL)
      values.clear();
      values.putAll(startup);
    } else if (startup.containsKey(name)) {
      values.put(name, startup.get(name));
    } else {
      values.remove(name);
    }
    return QueryResult.command("RESET", List.of());
  }

  /** SHOW name, SHOW ALL, SHOW TRANSACTION ISOLATION LEVEL, and Citadel's SHOW TABLES. */
  QueryResult show(Tokens t) {
    t.expect("show");
    if (t.accept("tables")) {
      t.expectEnd();
      List<List<Object>> rows = new ArrayList<>();
      List<Table> tables = new ArrayList<>(engine.store().tables());
      tables.sort(Comparator.comparing(x -> x.def().name()));
      for (Table tb : tables) {
        rows.add(
            List.of(tb.def().name(), (long) tb.def().columns().size(), tb.version().liveRows()));
      }
      return QueryResult.rows(
          List.of("table_name", "columns", "rows"),
          new ColumnType[] {ColumnType.TEXT, ColumnType.BIGINT, ColumnType.BIGINT},
          rows);
    }
    if (t.accept("all")) {
      t.expectEnd();
      List<List<Object>> rows = new ArrayList<>();
      for (String n : Settings.DEFAULTS.keySet()) {
        rows.add(List.of(n, Settings.get(values, n)));
      }
      return QueryResult.rows(
          List.of("name", "setting"), new ColumnType[] {ColumnType.TEXT, ColumnType.TEXT}, rows);
    }
    String name = t.identifier("a setting name");
    if (name.equals("time") && t.accept("zone")) {
      name = "timezone"; // SHOW TIME ZONE
    }
    if (name.equals("transaction") && t.accept("isolation")) {
      t.expect("level");
      name = "transaction_isolation";
    }
    String v = Settings.get(values, name);
    if (v == null) {
      throw new SqlException(
          SqlException.UNDEFINED_OBJECT, "unrecognized configuration parameter \"" + name + "\"");
    }
    return QueryResult.rows(
        List.of(Settings.spelled(name)), new ColumnType[] {ColumnType.TEXT}, List.of(List.of(v)));
  }

  /** DESCRIBE table: its columns, types and nullability. */
  QueryResult describe(String table) {
    TableDef def = engine.store().require(table).def();
    List<List<Object>> rows = new ArrayList<>();
    for (ColumnDef c : def.columns()) {
      rows.add(List.of(c.name(), c.type().sqlName(), c.notNull() ? "NO" : "YES"));
    }
    return QueryResult.rows(
        List.of("column_name", "data_type", "is_nullable"),
        new ColumnType[] {ColumnType.TEXT, ColumnType.TEXT, ColumnType.TEXT},
        rows);
  }

  /**
   * SET [SESSION | LOCAL] name { = | TO } value, and SET [SESSION CHARACTERISTICS AS] TRANSACTION.
   */
  QueryResult set(Tokens t) {
    t.expect("set");
    boolean session = t.accept("session");
    if (session && t.accept("characteristics")) {
      // pgjdbc's setTransactionIsolation: SET SESSION CHARACTERISTICS AS TRANSACTION ...
      t.expect("as");
      t.expect("transaction");
      return isolation(t, "default_transaction_isolation");
    }
    if (!session && t.peek().text().equals("transaction")) {
      t.next();
      return isolation(t, "transaction_isolation");
    }
    t.accept("local");
    String name = t.identifier("a setting name");
    if (name.equals("time") && t.accept("zone")) {
      name = "timezone"; // SET TIME ZONE 'UTC'
    } else if (!t.accept("=")) {
      t.expect("to");
    }
    StringBuilder v = new StringBuilder();
    while (!t.atEnd()) {
      Tokens.Token tok = t.next();
      if (v.length() > 0 && !tok.text().equals(","))
        v.append(tok.kind() == io.citadel.engine.api.SqlLexer.Kind.SYMBOL ? "" : " ");
      v.append(tok.text());
    }
    String value = v.toString().strip();
    if (name.equals("execution_mode")
        && !List.of("auto", "gpu", "cpu", "default").contains(value.toLowerCase(Locale.ROOT))) {
      throw new SqlException(
          SqlException.INVALID_PARAMETER,
          "execution_mode must be auto, gpu or cpu, got \"" + value + "\"");
    }
    if (name.equals("timezone")) {
      value = timeZone(value);
    }
    values.put(name, value);
    return QueryResult.command("SET", List.of());
  }

  /**
   * SET TimeZone: a zone PostgreSQL takes (see {@link TimeZones#setting}), kept as SHOW answers it;
   * one it does not take is an error naming it (22023), and the setting keeps its value.
   */
  String timeZone(String value) {
    String v = value.strip();
    if (v.length() > 1 && v.startsWith("'") && v.endsWith("'")) {
      v = v.substring(1, v.length() - 1);
    }
    String lower = v.toLowerCase(Locale.ROOT);
    if ((lower.equals("default") || lower.equals("local")) && startup.containsKey("timezone")) {
      return startup.get("timezone"); // the session's own default, as RESET gives it
    }
    return TimeZones.setting(v).shown();
  }

  private String zoneSetting;
  private java.time.ZoneId zone = java.time.ZoneOffset.UTC;

  /** The session's time zone, from its TimeZone setting (set by SET or the startup packet). */
  java.time.ZoneId zone() {
    String v = values.get("timezone");
    if (v == null) {
      return java.time.ZoneOffset.UTC;
    }
    if (!v.equals(zoneSetting)) {
      // what is kept is SHOW's form, which reads back as the same zone
      zone = TimeZones.setting(v).zone();
      zoneSetting = v;
    }
    return zone;
  }

  /**
   * ISOLATION LEVEL ... (and READ WRITE): READ COMMITTED is what Citadel gives, and READ
   * UNCOMMITTED, which PostgreSQL runs as READ COMMITTED; the stronger levels are refused rather
   * than claimed.
   */
  private QueryResult isolation(Tokens t, String setting) {
    String level = null;
    while (!t.atEnd()) {
      if (t.accept("isolation")) {
        t.expect("level");
        StringBuilder l = new StringBuilder(t.identifier("an isolation level"));
        if (!l.toString().equals("serializable")) {
          l.append(' ').append(t.identifier("an isolation level"));
        }
        level = l.toString();
      } else if (t.accept("read")) {
        if (t.accept("only")) {
          values.put("transaction_read_only", "on");
        } else {
          t.expect("write");
        }
      } else {
        t.accept(",");
        if (!t.atEnd() && !t.peek().text().equals("isolation") && !t.peek().text().equals("read")) {
          throw t.error("expected ISOLATION LEVEL or READ WRITE");
        }
      }
    }
    if (level != null) {
      if (!level.equals("read committed") && !level.equals("read uncommitted")) {
        throw new SqlException(
            SqlException.FEATURE_NOT_SUPPORTED,
            "isolation level "
                + level.toUpperCase(Locale.ROOT)
                + " is not supported: Citadel gives READ COMMITTED");
      }
      values.put(setting, level);
    }
    return QueryResult.command("SET", List.of());
  }
}
