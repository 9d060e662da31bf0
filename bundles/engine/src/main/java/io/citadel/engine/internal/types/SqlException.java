package io.citadel.engine.internal.types;

/**
 * A statement failed for a reason the client should see: it carries the PostgreSQL SQLSTATE and,
 * where the error has one, the 1-based character position in the statement text.
 */
public class SqlException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public static final String SYNTAX_ERROR = "42601";
  public static final String UNDEFINED_TABLE = "42P01";
  public static final String UNDEFINED_COLUMN = "42703";
  public static final String DUPLICATE_TABLE = "42P07";
  public static final String DUPLICATE_COLUMN = "42701";
  public static final String DATATYPE_MISMATCH = "42804";
  public static final String CANNOT_COERCE = "42846";
  public static final String INVALID_TEXT = "22P02";
  public static final String NUMERIC_OUT_OF_RANGE = "22003";
  public static final String DIVISION_BY_ZERO = "22012";
  public static final String NOT_NULL_VIOLATION = "23502";
  public static final String FEATURE_NOT_SUPPORTED = "0A000";
  public static final String UNDEFINED_FILE = "58P01";
  public static final String IO_ERROR = "58030";
  public static final String QUERY_CANCELED = "57014";
  public static final String INVALID_PASSWORD = "28P01";
  public static final String INVALID_PARAMETER = "22023";
  public static final String PROGRAM_LIMIT = "54000";
  public static final String INSUFFICIENT_RESOURCES = "53000";
  public static final String DISK_FULL = "53100";
  public static final String OUT_OF_MEMORY = "53200";
  public static final String INTERNAL = "XX000";
  public static final String INVALID_AUTHORIZATION = "28000";
  public static final String CARDINALITY = "21000";
  public static final String UNDEFINED_OBJECT = "42704";
  public static final String DUPLICATE_OBJECT = "42710";
  public static final String INSUFFICIENT_PRIVILEGE = "42501";
  public static final String PROTOCOL_VIOLATION = "08P01";
  public static final String TOO_MANY_CONNECTIONS = "53300";

  private final String sqlState;
  private final int position;

  public SqlException(String sqlState, String message) {
    this(sqlState, message, 0, null);
  }

  public SqlException(String sqlState, String message, int position) {
    this(sqlState, message, position, null);
  }

  public SqlException(String sqlState, String message, int position, Throwable cause) {
    super(message, cause);
    this.sqlState = sqlState;
    this.position = position;
  }

  public String sqlState() {
    return sqlState;
  }

  /** 1-based character offset in the statement, or 0 when the error has no position. */
  public int position() {
    return position;
  }
}
