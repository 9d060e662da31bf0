package io.citadel.engine.api;

import java.util.List;

/**
 * How a statement ended: its command tag and notices, or the SQLSTATE and message it failed with.
 * The same statement applied to the same data has the same outcome on every member.
 *
 * @param tag the command tag, e.g. {@code INSERT 0 3}; null when it failed
 * @param notices what the client is told besides the tag
 * @param sqlState the SQLSTATE of the failure; null when it succeeded
 * @param error the failure's message; null when it succeeded
 */
public record Outcome(String tag, List<String> notices, String sqlState, String error) {
  public Outcome {
    notices = notices == null ? List.of() : List.copyOf(notices);
  }

  public static Outcome succeeded(String tag, List<String> notices) {
    return new Outcome(tag, notices, null, null);
  }

  public static Outcome failed(String sqlState, String error) {
    return new Outcome(null, List.of(), sqlState, error);
  }

  public boolean isFailure() {
    return sqlState != null;
  }
}
