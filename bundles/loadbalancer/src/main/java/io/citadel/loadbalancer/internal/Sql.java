package io.citadel.loadbalancer.internal;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the balancer needs to know of a statement without parsing it: whether it only reads (and so
 * may run again elsewhere), and the first table it names (its locality key).
 */
final class Sql {
  private static final Pattern LEADING_COMMENTS =
      Pattern.compile("\\A(?:\\s+|--[^\\n]*(?:\\n|\\z)|/\\*.*?\\*/)*", Pattern.DOTALL);
  private static final Pattern FIRST_WORD = Pattern.compile("\\A([A-Za-z]+)");
  private static final Pattern TABLE =
      Pattern.compile(
          "\\b(?:from|join|into|update|copy|table)\\s+(\"[^\"]+\"|[A-Za-z_][A-Za-z0-9_$]*)"
              + "(?:\\s*\\.\\s*(\"[^\"]+\"|[A-Za-z_][A-Za-z0-9_$]*))?",
          Pattern.CASE_INSENSITIVE);

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private Sql() {}

  /** The statement of a {@code POST /sql} body: {@code {"sql": "..."}} or the text itself. */
  static String ofHttpBody(String body) {
    String b = body.strip();
    if (b.startsWith("{")) {
      try {
        return JSON.readTree(b).path("sql").asText("");
      } catch (java.io.IOException e) {
        return ""; // the server names what is wrong with it
      }
    }
    return body;
  }

  /** Whether the statement only reads: SELECT, WITH, SHOW, EXPLAIN, VALUES, TABLE. */
  static boolean isRead(String sql) {
    String body = LEADING_COMMENTS.matcher(sql).replaceFirst("");
    Matcher m = FIRST_WORD.matcher(body);
    if (!m.find()) {
      return false;
    }
    return switch (m.group(1).toLowerCase(Locale.ROOT)) {
      case "select", "with", "show", "explain", "values", "table" -> !mentionsWrite(body);
      default -> false;
    };
  }

  /** A WITH that holds an INSERT, UPDATE or DELETE writes. */
  private static boolean mentionsWrite(String body) {
    String lower = body.toLowerCase(Locale.ROOT);
    return lower.startsWith("with")
        && (lower.contains(" insert ") || lower.contains(" update ") || lower.contains(" delete "));
  }

  /** The first table the statement names, lower-cased unless quoted, or null. */
  static String firstTable(String sql) {
    Matcher m = TABLE.matcher(LEADING_COMMENTS.matcher(sql).replaceFirst(""));
    while (m.find()) {
      String name = m.group(2) != null ? m.group(2) : m.group(1);
      if (name.startsWith("\"")) {
        return name.substring(1, name.length() - 1);
      }
      String lower = name.toLowerCase(Locale.ROOT);
      if (!lower.equals("select") && !lower.equals("lateral")) {
        return lower;
      }
    }
    return null;
  }
}
