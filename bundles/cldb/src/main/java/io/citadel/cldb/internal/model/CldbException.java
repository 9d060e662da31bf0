package io.citadel.cldb.internal.model;

/** A request the CLDB refuses; {@link #code()} says why in one word a client can test. */
public final class CldbException extends RuntimeException {

  public static final String INVALID = "INVALID";
  public static final String NOT_FOUND = "NOT_FOUND";
  public static final String EXISTS = "EXISTS";
  public static final String QUOTA_EXCEEDED = "QUOTA_EXCEEDED";
  public static final String AMBIGUOUS = "AMBIGUOUS";
  public static final String NOT_MASTER = "NOT_MASTER";

  private static final long serialVersionUID = 1L;

  private final String code;

  public CldbException(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
