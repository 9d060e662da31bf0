package io.citadel.engine.internal.types;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The run-time settings a client may SHOW, SET and read with {@code current_setting()}, with the
 * values Citadel has unless a session sets them; also the rows of {@code pg_settings}. Names are
 * lower case, as PostgreSQL matches them.
 */
public final class Settings {
  private Settings() {}

  public static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  /** The settings whose name PostgreSQL spells in mixed case (SHOW's column is so named). */
  private static final Map<String, String> SPELLED =
      Map.of("timezone", "TimeZone", "datestyle", "DateStyle", "intervalstyle", "IntervalStyle");

  /** The setting's name as PostgreSQL spells it. */
  public static String spelled(String name) {
    return SPELLED.getOrDefault(name, name);
  }

  static {
    DEFAULTS.put("server_version", "14.0");
    DEFAULTS.put("server_version_num", "140000");
    DEFAULTS.put("server_encoding", "UTF8");
    DEFAULTS.put("client_encoding", "UTF8");
    DEFAULTS.put("datestyle", "ISO, MDY");
    DEFAULTS.put("intervalstyle", "postgres");
    DEFAULTS.put("timezone", "UTC");
    DEFAULTS.put("standard_conforming_strings", "on");
    DEFAULTS.put("search_path", "\"$user\", public");
    DEFAULTS.put("application_name", "");
    DEFAULTS.put("transaction_isolation", "read committed");
    DEFAULTS.put("default_transaction_isolation", "read committed");
    DEFAULTS.put("transaction_read_only", "off");
    DEFAULTS.put("default_transaction_read_only", "off");
    DEFAULTS.put("max_identifier_length", "63");
    DEFAULTS.put("max_index_keys", "32");
    DEFAULTS.put("integer_datetimes", "on");
    DEFAULTS.put("lc_collate", "C");
    DEFAULTS.put("lc_ctype", "C");
    DEFAULTS.put("lc_messages", "C");
    DEFAULTS.put("extra_float_digits", "1");
    DEFAULTS.put("statement_timeout", "0");
    DEFAULTS.put("lock_timeout", "30s");
    DEFAULTS.put("bytea_output", "hex");
    DEFAULTS.put("is_superuser", "on");
    DEFAULTS.put("max_connections", "100");
    DEFAULTS.put("execution_mode", "auto");
  }

  /** A setting's value: the session's, else the default; null when there is no such setting. */
  public static String get(Map<String, String> session, String name) {
    String key = name.toLowerCase(java.util.Locale.ROOT);
    String v = session.get(key);
    return v != null ? v : DEFAULTS.get(key);
  }
}
