package io.citadel.engine.api;

import java.util.Objects;

/**
 * A state-changing statement as it travels through an HA group's log: its text, the user who ran it
 * (COPY FROM a server file is a superuser's privilege on every member), the writer's clock, which
 * every member uses for {@code NOW()} and {@code CURRENT_TIMESTAMP} so that they all store the same
 * values, and the writer's session time zone, in which every member reads a timestamptz written
 * without an offset.
 *
 * @param sql the statement's text
 * @param user the user who ran it on the writer
 * @param clockMillis the writer's clock when it accepted the statement, in ms since the epoch
 * @param idempotencyKey the client's key for this write, "" for none: a statement whose key an
 *     earlier one in the log had is not applied again, however many members it was sent through
 * @param timeZone the writer's session TimeZone setting as SHOW TimeZone gives it, "" for UTC
 */
public record LoggedStatement(
    String sql, String user, long clockMillis, String idempotencyKey, String timeZone) {
  /** The longest key taken; a client's keys are UUIDs or the like. */
  public static final int MAX_KEY_LENGTH = 200;

  public LoggedStatement {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(user, "user");
    idempotencyKey = idempotencyKey == null ? "" : idempotencyKey;
    timeZone = timeZone == null ? "" : timeZone;
    if (idempotencyKey.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "an idempotency key is at most " + MAX_KEY_LENGTH + " characters");
    }
  }

  /** A statement of a session in UTC. */
  public LoggedStatement(String sql, String user, long clockMillis, String idempotencyKey) {
    this(sql, user, clockMillis, idempotencyKey, "");
  }

  /** A statement without an idempotency key. */
  public LoggedStatement(String sql, String user, long clockMillis) {
    this(sql, user, clockMillis, "");
  }
}
