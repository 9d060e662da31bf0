package io.citadel.loadbalancer.internal;

import io.citadel.engine.api.SqlStatement;

/**
 * What the balancer needs to know of a statement, as the engine's {@link SqlStatement} decides it:
 * whether it only reads (and so may run again elsewhere), and the table it is about (its locality
 * key).
 */
final class Sql {
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

  /**
   * Whether the statement only reads, and so may run again elsewhere: the engine's own
   * classification, which sees through comments, literals and writing {@code WITH} queries.
   */
  static boolean isRead(String sql) {
    return SqlStatement.of(sql).onlyReads();
  }

  /** The table the statement is about (its locality key), lower-cased unless quoted, or null. */
  static String firstTable(String sql) {
    return SqlStatement.of(sql).table().orElse(null);
  }
}
