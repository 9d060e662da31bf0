package io.citadel.coordination.internal;

/** A configuration value that cannot be used; names the key, the value and what is wrong. */
public final class InvalidSettingException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String key;
  private final String value;

  InvalidSettingException(String key, Object value, String reason) {
    super(key + "=" + value + ": " + reason);
    this.key = key;
    this.value = String.valueOf(value);
  }

  /** The configuration key whose value was rejected. */
  public String key() {
    return key;
  }

  /** The rejected value, as configured. */
  public String value() {
    return value;
  }
}
