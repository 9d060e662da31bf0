package io.citadel.engine.api;

/**
 * A state-changing statement that could not be written to the HA group's log, so nothing changed
 * anywhere: the group's Kafka is unreachable, this member is read-only, a COPY names a file outside
 * shared data. The client sees the SQLSTATE and the message.
 */
public class WriteRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** SQLSTATE 25006, read_only_sql_transaction: this member takes no writes now. */
  public static final String READ_ONLY = "25006";

  /** SQLSTATE 08006, connection_failure: the log cannot be reached. */
  public static final String LOG_UNAVAILABLE = "08006";

  /** SQLSTATE 42501, insufficient_privilege: e.g. a COPY source outside shared data. */
  public static final String NOT_PERMITTED = "42501";

  private final String sqlState;

  public WriteRefusedException(String sqlState, String message) {
    super(message);
    this.sqlState = sqlState;
  }

  public WriteRefusedException(String sqlState, String message, Throwable cause) {
    super(message, cause);
    this.sqlState = sqlState;
  }

  public String sqlState() {
    return sqlState;
  }
}
