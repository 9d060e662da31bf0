package io.citadel.engine.api;

import java.util.Objects;

/**
 * A state-changing statement as it travels through an HA group's log: its text, the user who ran it
 * (COPY FROM a server file is a superuser's privilege on every member) and the writer's clock,
 * which every member uses for {@code NOW()} and {@code CURRENT_TIMESTAMP} so that they all store
 * the same values.
 *
 * @param sql the statement's text
 * @param user the user who ran it on the writer
 * @param clockMillis the writer's clock when it accepted the statement, in ms since the epoch
 */
public record LoggedStatement(String sql, String user, long clockMillis) {
  public LoggedStatement {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(user, "user");
  }
}
